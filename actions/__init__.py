"""Tandem's action server package: `actions.py` is the Rasa glue, the rest is pure logic."""
