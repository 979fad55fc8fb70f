"""How Rasa talks to the action server: timeout, timeout as failure, reply check, events sent.

Each function replaces one method of `rasa.core.actions.action.RemoteAction` (the
original stays reachable as the replacement's `__wrapped__`); `patches.apply()` calls them.
"""

import asyncio
import functools
import logging
import math
from typing import Any, Dict, List, Sequence

import rasa
import rasa.core.actions.action as rasa_actions
from jsonschema import Draft202012Validator, ValidationError
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.exceptions import RasaException

from tandem import settings

logger = logging.getLogger(__name__)

# Tandem's actions read the latest turns only (the message being answered, and for a
# correction the one before); slots travel separately and are always complete.
TURNS_SENT_TO_ACTIONS = 10


def action_timeout() -> float:
    """`TANDEM_ACTION_TIMEOUT` in seconds, or the default (with a warning) if it is unusable."""
    try:
        seconds = settings.action_timeout_seconds()
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        logger.warning("%s must be a positive number of seconds; using %s.",
                       settings.ACTION_TIMEOUT_VARIABLE, settings.DEFAULT_ACTION_TIMEOUT_SECONDS)
        seconds = settings.DEFAULT_ACTION_TIMEOUT_SECONDS
    return seconds


def limit_action_wait() -> str:
    """Makes Rasa give up on a custom action after `TANDEM_ACTION_TIMEOUT` seconds.

    Rasa 3.6 waits 5 minutes for the action server, a module constant with no setting
    (`rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT`, read on every call); nobody waits
    that long in a chat. See `fail_timed_out_actions_like_unreachable_ones` for what
    happens then.

    Returns:
        What is now in force, for the start-up log.
    """
    rasa_actions.DEFAULT_REQUEST_TIMEOUT = action_timeout()
    return f"custom actions time out after {rasa_actions.DEFAULT_REQUEST_TIMEOUT:g}s"


def fail_timed_out_actions_like_unreachable_ones() -> str:
    """Turns a timed-out action call into the error Rasa raises for an unreachable server.

    Rasa handles that error: it logs the failed action, keeps the person's message and
    stops predicting, and `connectors.guard` sends the trouble reply. A bare
    `asyncio.TimeoutError` instead escapes the slot-mapping step, and the message would
    be answered but never stored. Every other outcome is Rasa's own.
    """
    run = rasa_actions.RemoteAction.run

    @functools.wraps(run)
    async def run_with_timeout_as_failure(self: rasa_actions.RemoteAction, *args: Any,
                                          **kwargs: Any) -> List[Event]:
        try:
            return await run(self, *args, **kwargs)
        except asyncio.TimeoutError as error:
            raise RasaException(f"Custom action '{self.name()}' timed out after "
                                f"{rasa_actions.DEFAULT_REQUEST_TIMEOUT}s") from error

    rasa_actions.RemoteAction.run = run_with_timeout_as_failure
    return "a timed-out action fails like an unreachable action server"


def validate_action_results_with_a_compiled_schema() -> str:
    """Checks action server replies against Rasa's schema without re-checking the schema.

    `jsonschema.validate` validates the schema itself against the draft 2020-12 meta-schema
    on every call: 23 ms here, twice per message (slot mapping and the answer). A
    validator built once does the same instance check in about 1.4 ms. An invalid reply
    goes to Rasa's own check, which raises with Rasa's message.
    """
    validator = Draft202012Validator(rasa_actions.RemoteAction.action_response_format_spec())
    original = rasa_actions.RemoteAction._validate_action_result

    @functools.wraps(original)
    def validate_action_result(self: rasa_actions.RemoteAction, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError:
            return bool(original(self, result))  # raises with Rasa's own message
        return True

    rasa_actions.RemoteAction._validate_action_result = (
        validate_action_result)
    return "action results checked with a compiled schema"


def recent_turns(events: Sequence[Event], turns: int) -> List[Event]:
    """The events from the `turns`-th last user message on (all if fewer)."""
    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            seen += 1
            if seen == turns:
                return list(events[index:])
    return list(events)


def send_recent_turns_to_actions() -> str:
    """Sends the action server the latest turns of a conversation, not all of it.

    Rasa serialises and posts every event of the session on every custom action call,
    twice per message here, so the request grows with the conversation (the largest
    growing cost late in a 200-message conversation). This is Rasa's
    `RemoteAction._action_call_format` with only `tracker.events` changed: the slots, the
    latest message, the active form and everything else are sent as before.
    `TANDEM_TRIM_ACTION_EVENTS=0` (read on every call) sends Rasa's request unchanged.
    """
    original = rasa_actions.RemoteAction._action_call_format

    @functools.wraps(original)
    def action_call_format(self: rasa_actions.RemoteAction, tracker: DialogueStateTracker,
                           domain: Domain) -> Dict[str, Any]:
        if not settings.trim_action_events():
            return original(self, tracker, domain)
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict()
                           for event in recent_turns(list(tracker.events), TURNS_SENT_TO_ACTIONS)]
        payload = {"next_action": self._name, "sender_id": tracker.sender_id,
                   "tracker": state, "version": rasa.__version__}
        if (not self._is_selective_domain_enabled()
                or domain.does_custom_action_explicitly_need_domain(self.name())):
            payload["domain"] = domain.as_dict()
        return payload

    rasa_actions.RemoteAction._action_call_format = (
        action_call_format)
    if settings.trim_action_events():
        return (f"actions get the events of the latest {TURNS_SENT_TO_ACTIONS} turns "
                f"({settings.TRIM_ACTION_EVENTS_VARIABLE}=0 sends all)")
    return f"actions get every event ({settings.TRIM_ACTION_EVENTS_VARIABLE}=0)"
