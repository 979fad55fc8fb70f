"""Fixes to Rasa 3.6 itself, applied once in every rasa server process.

Two speed-ups give exactly Rasa's results without repeating work on every message (the
action-result schema check, the event type lookup). Three change behaviour on purpose:
a custom action gets `TANDEM_ACTION_TIMEOUT` seconds instead of 5 minutes, a timeout
fails like an unreachable action server, and the action server receives the latest
turns of a conversation rather than all of it. All were found with py-spy; the effect is
measured in bench/results/runtime.md and each is tested in tests/test_patches.py.

`storage.tracker_store.TandemTrackerStore` applies them: Rasa builds the tracker store
from endpoints.yml at start-up in both `rasa run` and `rasa shell`.
"""

import asyncio
import functools
import logging
import os
from typing import Any, Dict, List, Sequence

import rasa
import rasa.core.actions.action as rasa_actions
from jsonschema import Draft202012Validator, ValidationError
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

# Tandem's actions read the latest turns only (the message being answered, and for a
# correction the one before); slots travel separately and are always complete.
TURNS_SENT_TO_ACTIONS = 10
ACTION_TIMEOUT_VARIABLE = "TANDEM_ACTION_TIMEOUT"
DEFAULT_ACTION_TIMEOUT_SECONDS = 20.0
_APPLIED = "_tandem_patched"


def limit_action_wait() -> float:
    """Makes Rasa give up on a custom action after `TANDEM_ACTION_TIMEOUT` seconds.

    Rasa 3.6 waits 5 minutes for the action server, a module constant with no setting
    (`rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT`); nobody waits that long in a chat.
    See `fail_timed_out_actions_like_unreachable_ones` for what happens then.

    Returns:
        The timeout in seconds now in force.
    """
    try:
        seconds = float(os.environ.get(ACTION_TIMEOUT_VARIABLE) or DEFAULT_ACTION_TIMEOUT_SECONDS)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        logger.warning("%s must be a positive number of seconds; using %s.",
                       ACTION_TIMEOUT_VARIABLE, DEFAULT_ACTION_TIMEOUT_SECONDS)
        seconds = DEFAULT_ACTION_TIMEOUT_SECONDS
    rasa_actions.DEFAULT_REQUEST_TIMEOUT = seconds
    return seconds


def fail_timed_out_actions_like_unreachable_ones() -> None:
    """Turns a timed-out action call into the error Rasa raises for an unreachable server.

    Rasa handles that error: it logs the failed action, keeps the person's message and
    stops predicting, and `connectors.guard` sends the trouble reply. A bare
    `asyncio.TimeoutError` instead escapes the slot-mapping step, and the message would
    be answered but never stored.
    """
    run = rasa_actions.RemoteAction.run

    async def run_with_timeout_as_failure(self: rasa_actions.RemoteAction, *args: Any,
                                          **kwargs: Any) -> List[Event]:
        try:
            return await run(self, *args, **kwargs)
        except asyncio.TimeoutError as error:
            raise RasaException(f"Custom action '{self.name()}' timed out after "
                                f"{rasa_actions.DEFAULT_REQUEST_TIMEOUT}s") from error

    rasa_actions.RemoteAction.run = run_with_timeout_as_failure


def validate_action_results_with_a_compiled_schema() -> None:
    """Checks action server replies against Rasa's schema without re-checking the schema.

    `jsonschema.validate` validates the schema itself against the draft 2020-12 meta-schema
    on every call: 23 ms here, twice per message (slot mapping and the answer). A
    validator built once does the same instance check in about 1.4 ms.
    """
    validator = Draft202012Validator(rasa_actions.RemoteAction.action_response_format_spec())
    original = rasa_actions.RemoteAction._validate_action_result

    def validate_action_result(self: rasa_actions.RemoteAction, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError:
            return bool(original(self, result))  # raises with Rasa's own message
        return True

    rasa_actions.RemoteAction._validate_action_result = (
        validate_action_result)


def resolve_event_types_once() -> None:
    """Remembers which Event class has which type name.

    Rasa walks the whole Event class tree for every event it reads from the tracker
    store or the action server (`Event.resolve_by_type`), which grows with the
    conversation: thousands of walks per message late in a long one.
    """
    resolve = Event.resolve_by_type
    Event.resolve_by_type = staticmethod(
        functools.lru_cache(maxsize=512)(resolve))


def recent_turns(events: Sequence[Event], turns: int) -> List[Event]:
    """The events from the `turns`-th last user message on (all if fewer)."""
    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            seen += 1
            if seen == turns:
                return list(events[index:])
    return list(events)


def send_recent_turns_to_actions() -> None:
    """Sends the action server the latest turns of a conversation, not all of it.

    Rasa serialises and posts every event of the session on every custom action call,
    twice per message here, so the request grows with the conversation (the largest
    growing cost late in a 200-message conversation). This is Rasa's
    `RemoteAction._action_call_format` with only the events changed: the slots, the
    latest message and the active form are sent in full as before.
    """

    def action_call_format(self: rasa_actions.RemoteAction, tracker: DialogueStateTracker,
                           domain: Domain) -> Dict[str, Any]:
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict()
                           for event in recent_turns(list(tracker.events), TURNS_SENT_TO_ACTIONS)]
        payload = {"next_action": self.name(), "sender_id": tracker.sender_id,
                   "tracker": state, "version": rasa.__version__}
        if (not self._is_selective_domain_enabled()
                or domain.does_custom_action_explicitly_need_domain(self.name())):
            payload["domain"] = domain.as_dict()
        return payload

    rasa_actions.RemoteAction._action_call_format = action_call_format


def apply() -> None:
    """Applies every fix, once per process."""
    if getattr(rasa_actions, _APPLIED, False):
        return
    limit_action_wait()
    fail_timed_out_actions_like_unreachable_ones()
    validate_action_results_with_a_compiled_schema()
    resolve_event_types_once()
    send_recent_turns_to_actions()
    setattr(rasa_actions, _APPLIED, True)
