"""Custom Rasa NLU graph components (registered with the DefaultV1 recipe on import)."""
