"""How Rasa reads events: the class of each event type name, looked up once."""

import functools

from rasa.shared.core.events import Event


def resolve_event_types_once() -> str:
    """Remembers which Event class has which type name.

    Rasa walks the whole Event class tree for every event it reads from the tracker
    store or the action server (`Event.resolve_by_type`), which grows with the
    conversation: thousands of walks per message late in a long one. Rasa defines its
    event classes at import and Tandem defines none, so a remembered answer stays right;
    an unknown name still raises every time (errors are not cached).
    """
    resolve = Event.resolve_by_type
    Event.resolve_by_type = staticmethod(
        functools.lru_cache(maxsize=512)(resolve))
    return "event types resolved once"
