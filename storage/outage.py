"""What a channel needs to know about a storage outage, without importing Rasa.

`connectors.guard` sets `HANDLING_MESSAGE` and catches `StorageUnavailable`;
`storage.tracker_store` raises it. Kept apart so the channels do not import the tracker
store (SQLAlchemy and Rasa's tracker store code) just to name an exception.
"""

import contextvars

# True while a channel is handling a person's message (set by connectors.guard).
HANDLING_MESSAGE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "tandem_handling_message", default=False)


class StorageUnavailable(BaseException):
    """The conversation database cannot be reached while handling a message.

    A BaseException, not an Exception, on purpose: see `storage.tracker_store._unavailable`,
    where it is raised.
    """
