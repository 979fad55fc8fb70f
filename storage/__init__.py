"""Where Tandem keeps things: conversations, per-person results, locks, and retention.

One database URL (`tandem.settings.database_url()`) serves both the tracker store (rasa
server, `tracker_store`) and the profile store (action server): `TANDEM_DB_URL`, else
PostgreSQL from the usual PG* variables, else an SQLite file in the project. The actions
reach the profile store through `repository.ProfileRepository` only; `outage` is what a
channel needs to know about a database outage, without importing the tracker store.
"""
