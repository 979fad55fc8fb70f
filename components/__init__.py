"""Custom Rasa NLU graph components for Tandem."""
