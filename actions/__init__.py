"""Rasa SDK custom actions: translate between the conversation and the case backend (no business rules)."""
