"""Where Tandem keeps things: conversations, per-person results, locks, and retention.

One database URL serves both the tracker store (rasa server) and the profile store
(action server): `TANDEM_DB_URL`, else PostgreSQL from the usual PG* variables, else an
SQLite file in the project.
"""
