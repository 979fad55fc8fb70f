"""Channel connectors: Rasa's Slack and Telegram inputs, configured from the environment.

Both are listed in credentials.yml and stay switched off (their webhooks answer 404) until
their environment variables are set, so `make shell` and `make serve` need no accounts.
"""
