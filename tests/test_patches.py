"""Tandem's fixes to Rasa 3.6 keep Rasa's behaviour: same verdicts, same errors."""

import pytest
import rasa.core.actions.action as rasa_actions
from jsonschema import ValidationError
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

import patches


@pytest.fixture(scope="module", autouse=True)
def applied() -> None:
    patches.apply()
    patches.apply()  # a second call changes nothing


def test_action_results_are_still_validated_with_rasa_s_message() -> None:
    action = rasa_actions.RemoteAction("action_x", None)
    assert action._validate_action_result(
        {"events": [{"event": "slot", "name": "findings", "value": []}],
         "responses": [{"text": "hi", "buttons": []}]})
    assert action._validate_action_result({})
    for bad in ({"events": [{"name": "no event key"}]}, {"events": "not a list"},
                {"responses": [42]}):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(bad)


def test_event_types_resolve_as_before() -> None:
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nonsense", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("nonsense")
    restored = Event.from_parameters({"event": "slot", "name": "x", "value": 1})
    assert restored == SlotSet("x", 1)


@pytest.mark.parametrize("value, seconds", [
    ("3", 3.0), ("0.5", 0.5), ("", patches.DEFAULT_ACTION_TIMEOUT_SECONDS),
    ("-1", patches.DEFAULT_ACTION_TIMEOUT_SECONDS),
    ("soon", patches.DEFAULT_ACTION_TIMEOUT_SECONDS),
])
def test_action_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                   value: str, seconds: float) -> None:
    monkeypatch.setenv(patches.ACTION_TIMEOUT_VARIABLE, value)
    assert patches.limit_action_wait() == seconds
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == seconds
    monkeypatch.delenv(patches.ACTION_TIMEOUT_VARIABLE)
    patches.limit_action_wait()


def test_actions_get_the_latest_turns_with_complete_slots() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.from_dict({"intents": ["greet"],
                               "slots": {"mood": {"type": "text", "mappings": [
                                   {"type": "custom"}]}}})
    events: list = [SlotSet("mood", "calm")]
    for turn in range(30):
        events += [UserUttered(f"message {turn}", {"name": "greet"}),
                   ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("ann", events, domain.slots)
    payload = rasa_actions.RemoteAction("action_x", None)._action_call_format(tracker, domain)
    sent = payload["tracker"]["events"]
    users = [e["text"] for e in sent if e["event"] == "user"]
    assert users == [f"message {turn}" for turn in range(20, 30)]
    assert payload["tracker"]["slots"]["mood"] == "calm"  # set long before those turns
    assert payload["tracker"]["latest_message"]["text"] == "message 29"


def test_short_conversations_are_sent_whole() -> None:
    events = [ActionExecuted("action_listen"), UserUttered("hi"), ActionExecuted("utter_hi")]
    assert patches.recent_turns(events, 10) == events
    assert patches.recent_turns(events, 1) == events[1:]


def test_the_request_matches_rasa_s_apart_from_the_events() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    domain = Domain.from_dict({"intents": ["greet"], "actions": ["action_x"]})
    tracker = DialogueStateTracker.from_events(
        "ann", [UserUttered("hi", {"name": "greet"}), ActionExecuted("action_listen")],
        domain.slots)
    payload = rasa_actions.RemoteAction("action_x", None)._action_call_format(tracker, domain)
    assert payload["tracker"] == tracker.current_state(EventVerbosity.ALL)
    assert payload["next_action"] == "action_x" and payload["sender_id"] == "ann"
    assert payload["domain"] == domain.as_dict()


def test_a_timed_out_action_fails_like_an_unreachable_one(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    import asyncio
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.exceptions import RasaException
    from rasa.utils.endpoints import EndpointConfig

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            time.sleep(2)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(patches.ACTION_TIMEOUT_VARIABLE, "0.3")
    patches.limit_action_wait()
    try:
        domain = Domain.from_dict({"actions": ["action_x"]})
        action = rasa_actions.RemoteAction(
            "action_x", EndpointConfig(f"http://127.0.0.1:{server.server_port}/webhook"))
        began = time.monotonic()
        with pytest.raises(RasaException, match="timed out"):
            asyncio.run(action.run(CollectingOutputChannel(),
                                   TemplatedNaturalLanguageGenerator(domain.responses),
                                   DialogueStateTracker("ann", domain.slots), domain))
        assert time.monotonic() - began < 1.5
    finally:
        server.shutdown()
        monkeypatch.delenv(patches.ACTION_TIMEOUT_VARIABLE)
        patches.limit_action_wait()
