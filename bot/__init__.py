"""What Rasa does not ship: custom NLU components, the time parser, identifier rules, script-aware NLG."""
