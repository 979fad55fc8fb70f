"""Tandem's fixes to Rasa 3.6.21 keep Rasa's behaviour: each is compared with Rasa's own code.

Every patch keeps the function it replaced as `__wrapped__`; these tests run both on the
same input and compare everything, apart from what a patch changes on purpose.
"""

import asyncio
import json
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import rasa
import rasa.core.actions.action as rasa_actions
from jsonschema import ValidationError
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

import patches
from patches import action_server, slot_reset
from tandem import settings
from tandem.vocabulary import (
    ABOUT,
    CANDIDATES,
    CORRECTING,
    FINDINGS,
    INPUT_ISSUE,
    PATTERN,
    RISK_DETECTED,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def applied() -> None:
    patches.apply()
    assert patches.apply() == []  # a second call changes nothing


def _original(function: Any) -> Any:
    """The Rasa function a patch replaced."""
    original = getattr(function, "__wrapped__", None)
    assert original is not None, f"{function} is not patched"
    return original


def _run_python(code: str, cwd: Path = ROOT) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                               "PATH": "/usr/bin:/bin", "HOME": str(Path.home())})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


# --- where and when the patches are applied ------------------------------------------------

def test_only_rasa_3_6_21_is_patched(monkeypatch: pytest.MonkeyPatch) -> None:
    patches.check_rasa_version()
    assert rasa.__version__ == patches.SUPPORTED_RASA_VERSION == "3.6.21"
    for other in ("3.6.20", "3.6.22", "3.7.0", "3.6.21rc1"):
        with pytest.raises(patches.UnsupportedRasaVersion, match=f"Rasa {other}"):
            patches.check_rasa_version(other)
    monkeypatch.setattr(rasa, "__version__", "3.6.20")
    with pytest.raises(patches.UnsupportedRasaVersion, match="written for Rasa 3.6.21"):
        patches.apply()  # checked even once applied


LOAD_A_GRAPH_NAMING_THE_COMPONENTS = """
    import logging, sys
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s|%(message)s")
    import rasa.core.actions.action as rasa_actions
    print("before:", hasattr(rasa_actions.RemoteAction._action_call_format, "__wrapped__"))
    # What loading a model does (rasa.engine.storage.storage.ModelMetadata.from_dict).
    from rasa.engine.graph import GraphSchema
    GraphSchema.from_dict({"nodes": {"screen": {
        "needs": {}, "uses": "components.message_screen.MessageScreen",
        "constructor_name": "load", "fn": "process", "config": {}, "eager": False,
        "is_target": True, "is_input": False, "resource": None}}})
    print("after:", hasattr(rasa_actions.RemoteAction._action_call_format, "__wrapped__"))
    import patches
    patches.apply()
"""


def test_loading_a_model_applies_the_patches_and_logs_them_once() -> None:
    out = _run_python(LOAD_A_GRAPH_NAMING_THE_COMPONENTS)
    assert "before: False" in out and "after: True" in out
    logged = [line for line in out.splitlines() if line.startswith("patches|")]
    assert len(logged) == 1, out
    for active in ("time out after 20s", "timed-out action fails",
                   "compiled schema", "event types resolved once",
                   "latest 10 turns (TANDEM_TRIM_ACTION_EVENTS=0 sends all)",
                   "per-message slots cleared"):
        assert active in logged[0]


@pytest.mark.slow
def test_agent_load_of_a_trained_model_runs_patched_rasa(tmp_path: Path) -> None:
    """The real thing: a model whose pipeline has a Tandem component, loaded in-process."""
    (tmp_path / "config.yml").write_text(textwrap.dedent("""
        recipe: default.v1
        assistant_id: patched
        language: en
        pipeline:
          - name: WhitespaceTokenizer
          - name: KeywordIntentClassifier
          - name: components.message_screen.MessageScreen
        policies: []
    """))
    (tmp_path / "nlu.yml").write_text(textwrap.dedent("""
        version: "3.1"
        nlu:
        - intent: greet
          examples: |
            - hello
        - intent: bye
          examples: |
            - goodbye
    """))
    _run_python("""
        from rasa.model_training import train_nlu
        train_nlu("config.yml", "nlu.yml", "models", fixed_model_name="m")
    """, cwd=tmp_path)
    out = _run_python("""
        import asyncio
        import rasa.core.actions.action as rasa_actions
        from rasa.core.agent import Agent
        agent = Agent.load("models/m.tar.gz")
        print("patched:", getattr(rasa_actions, "_tandem_patched", False))
        print(asyncio.run(agent.parse_message("hello"))["intent"]["name"])
    """, cwd=tmp_path)
    assert "patched: True" in out and "greet" in out


# --- the action timeout --------------------------------------------------------------------

@pytest.mark.parametrize("value, seconds", [
    ("3", 3.0), ("0.5", 0.5), ("", settings.DEFAULT_ACTION_TIMEOUT_SECONDS),
    ("-1", settings.DEFAULT_ACTION_TIMEOUT_SECONDS), ("0", settings.DEFAULT_ACTION_TIMEOUT_SECONDS),
    ("soon", settings.DEFAULT_ACTION_TIMEOUT_SECONDS),
    ("inf", settings.DEFAULT_ACTION_TIMEOUT_SECONDS),
    ("nan", settings.DEFAULT_ACTION_TIMEOUT_SECONDS),
])
def test_action_timeout_comes_from_tandem_settings(monkeypatch: pytest.MonkeyPatch,
                                                   value: str, seconds: float) -> None:
    monkeypatch.setenv(settings.ACTION_TIMEOUT_VARIABLE, value)
    assert action_server.action_timeout() == seconds
    assert action_server.limit_action_wait() == f"custom actions time out after {seconds:g}s"
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == seconds
    monkeypatch.delenv(settings.ACTION_TIMEOUT_VARIABLE)
    action_server.limit_action_wait()
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == settings.DEFAULT_ACTION_TIMEOUT_SECONDS


# --- a timed-out action fails like an unreachable one; anything else is Rasa's --------------

class _ActionServer(BaseHTTPRequestHandler):
    """/slow sleeps, /reject answers 400 as rasa_sdk does, /fail 500, anything else runs."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/slow":
            time.sleep(2)
            return
        status, body = {
            "/reject": (400, {"action_name": "action_x", "error": "no"}),
            "/fail": (500, {"error": "boom"}),
        }.get(self.path, (200, {"events": [{"event": "slot", "name": "mood", "value": "calm"}],
                                "responses": [{"text": "hi", "buttons": []}]}))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def action_server_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ActionServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


async def _outcome(run: Any, url: Optional[str]) -> Tuple[str, Any]:
    """What one call of RemoteAction.run gives: ("events", ...) or ("error", type, message)."""
    domain = Domain.from_dict({"actions": ["action_x"],
                               "slots": {"mood": {"type": "text",
                                                  "mappings": [{"type": "custom"}]}}})
    action = rasa_actions.RemoteAction("action_x", EndpointConfig(url) if url else None)
    try:
        events = await run(action, CollectingOutputChannel(),
                           TemplatedNaturalLanguageGenerator(domain.responses),
                           DialogueStateTracker("ann", domain.slots), domain)
    except Exception as error:  # noqa: BLE001 - compared below
        return "error", (type(error), str(error))
    return "events", [(type(e), e.as_dict() | {"timestamp": None}) for e in events]


async def test_a_timed_out_action_fails_like_an_unreachable_one(
        monkeypatch: pytest.MonkeyPatch, action_server_url: str) -> None:
    monkeypatch.setenv(settings.ACTION_TIMEOUT_VARIABLE, "0.3")
    action_server.limit_action_wait()
    try:
        action = rasa_actions.RemoteAction(
            "action_x", EndpointConfig(f"{action_server_url}/slow"))
        domain = Domain.from_dict({"actions": ["action_x"]})
        began = time.monotonic()
        with pytest.raises(RasaException, match="timed out after 0.3s"):
            await action.run(CollectingOutputChannel(),
                             TemplatedNaturalLanguageGenerator(domain.responses),
                             DialogueStateTracker("ann", domain.slots), domain)
        assert time.monotonic() - began < 1.5
        with pytest.raises(asyncio.TimeoutError):  # what Rasa itself lets escape
            await _original(rasa_actions.RemoteAction.run)(
                action, CollectingOutputChannel(),
                TemplatedNaturalLanguageGenerator(domain.responses),
                DialogueStateTracker("ann", domain.slots), domain)
    finally:
        monkeypatch.delenv(settings.ACTION_TIMEOUT_VARIABLE)
        action_server.limit_action_wait()


@pytest.mark.parametrize("path", ["/webhook", "/reject", "/fail", None, "refused"])
async def test_every_other_action_outcome_is_rasa_s(action_server_url: str,
                                                    path: Optional[str]) -> None:
    if path is None:
        url = None  # no action endpoint configured
    elif path == "refused":
        url = "http://127.0.0.1:9/webhook"  # nothing listens on the discard port
    else:
        url = action_server_url + path
    patched = await _outcome(rasa_actions.RemoteAction.run, url)
    original = await _outcome(_original(rasa_actions.RemoteAction.run), url)
    assert patched == original
    assert patched[0] == ("events" if path == "/webhook" else "error")


# --- action results are checked as Rasa checks them -----------------------------------------

RESULTS: List[Any] = [
    {},
    {"events": []},
    {"events": [{"event": "slot", "name": "findings", "value": []}],
     "responses": [{"text": "hi", "buttons": []}]},
    {"events": [{"event": "followup", "name": "action_x"}, {"event": "restart"}]},
    {"responses": [{"response": "utter_greet", "name": "Ann"}]},
    {"events": [{"name": "no event key"}]},
    {"events": "not a list"},
    {"responses": [42]},
    {"events": [{"event": "slot"}]},
    {"events": [{"event": "not an event"}]},
    {"events": None},
]


def _verdict(validate: Any, result: Any) -> Tuple[str, Any]:
    action = rasa_actions.RemoteAction("action_x", None)
    try:
        return "valid", validate(action, json.loads(json.dumps(result)))
    except ValidationError as error:
        return "invalid", (error.message, list(error.path), error.validator)


@pytest.mark.parametrize("result", RESULTS, ids=[json.dumps(r)[:40] for r in RESULTS])
def test_action_results_get_rasa_s_verdict_and_message(result: Any) -> None:
    patched = rasa_actions.RemoteAction._validate_action_result
    verdict = _verdict(patched, result)
    assert verdict == _verdict(_original(patched), result)
    if verdict[0] == "invalid":
        assert "Failed to validate Action server response" in verdict[1][0]


# --- event types ---------------------------------------------------------------------------

def test_event_types_resolve_as_rasa_resolves_them() -> None:
    original = _original(Event.resolve_by_type)
    names = {cls.type_name for cls in all_subclasses(Event)} | {"topic", "bot", "user"}
    assert len(names) > 20
    for name in sorted(names):
        assert Event.resolve_by_type(name) is original(name), name
        assert Event.resolve_by_type(name) is original(name)  # and again, from the cache
    assert Event.resolve_by_type("nonsense", default=SlotSet) is SlotSet
    for _ in range(2):  # an unknown name raises every time, with Rasa's message
        with pytest.raises(ValueError) as patched_error:
            Event.resolve_by_type("nonsense")
        with pytest.raises(ValueError) as rasa_error:
            original("nonsense")
        assert str(patched_error.value) == str(rasa_error.value)
    assert Event.from_parameters({"event": "slot", "name": "x", "value": 1}) == SlotSet("x", 1)


# --- what the action server receives -------------------------------------------------------

DOMAIN = {
    "intents": ["greet", "inform"],
    "entities": ["mood"],
    "slots": {"mood": {"type": "text", "mappings": [{"type": "from_entity", "entity": "mood"}]},
              "count": {"type": "float", "initial_value": 0,
                        "mappings": [{"type": "custom"}]},
              "requested_slot": {"type": "any", "mappings": [{"type": "custom"}]}},
    "forms": {"a_form": {"required_slots": ["mood"]}},
    "responses": {"utter_ok": [{"text": "ok"}]},
    "actions": ["action_x", {"action_with_domain": {"send_domain": True}}],
}


def _long_tracker(domain: Domain, turns: int = 30) -> DialogueStateTracker:
    events: List[Event] = [ActionExecuted("action_session_start"), SessionStarted(),
                           SlotSet("count", 1.0), ActionExecuted("action_listen")]
    for turn in range(turns):
        events += [
            UserUttered(f"message {turn} I feel calm", {"name": "inform", "confidence": 0.9},
                        [{"entity": "mood", "value": "calm", "start": 12, "end": 16}],
                        input_channel="rest", message_id=f"m{turn}"),
            SlotSet("mood", "calm"),
            ActionExecuted("action_x"),
            BotUttered(f"reply {turn}", {"buttons": [{"title": "a", "payload": "/greet"}]}),
            ActionExecuted("action_listen"),
        ]
    events += [ActiveLoop("a_form"), SlotSet("requested_slot", "mood"),
               FollowupAction("action_x")]
    return DialogueStateTracker.from_events("ann", events, domain.slots)


def _payloads(monkeypatch: pytest.MonkeyPatch, action_name: str, selective: bool,
              tracker: DialogueStateTracker, domain: Domain
              ) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Any]]:
    """Rasa's request, the patched one with trimming on, and with trimming off."""
    endpoint = EndpointConfig("http://actions/webhook", enable_selective_domain=selective)
    action = rasa_actions.RemoteAction(action_name, endpoint)
    patched = rasa_actions.RemoteAction._action_call_format
    rasa_s = _original(patched)(action, tracker, domain)
    monkeypatch.delenv(settings.TRIM_ACTION_EVENTS_VARIABLE, raising=False)
    trimmed = patched(action, tracker, domain)
    monkeypatch.setenv(settings.TRIM_ACTION_EVENTS_VARIABLE, "0")
    untrimmed = patched(action, tracker, domain)
    monkeypatch.delenv(settings.TRIM_ACTION_EVENTS_VARIABLE)
    return rasa_s, trimmed, untrimmed


def _without_events(payload: Dict[str, Any]) -> Dict[str, Any]:
    copied = json.loads(json.dumps(payload))
    del copied["tracker"]["events"]
    return copied


@pytest.mark.parametrize("action_name, selective", [
    ("action_x", True), ("action_x", False), ("action_with_domain", True)])
def test_the_request_is_rasa_s_except_for_the_trimmed_events(
        monkeypatch: pytest.MonkeyPatch, action_name: str, selective: bool) -> None:
    domain = Domain.from_dict(DOMAIN)
    tracker = _long_tracker(domain)
    rasa_s, trimmed, untrimmed = _payloads(monkeypatch, action_name, selective, tracker, domain)

    # Trimming off: exactly Rasa's request, byte for byte once serialised.
    assert json.dumps(untrimmed, sort_keys=True) == json.dumps(rasa_s, sort_keys=True)

    # Trimming on: the whole request is Rasa's apart from tracker.events ...
    assert _without_events(trimmed) == _without_events(rasa_s)
    assert trimmed["tracker"]["slots"] == {"mood": "calm", "count": 1.0,
                                           "requested_slot": "mood",
                                           "session_started_metadata": None}
    assert trimmed["tracker"]["active_loop"]["name"] == "a_form"
    assert trimmed["tracker"]["followup_action"] == "action_x"
    assert trimmed["tracker"]["latest_message"]["text"] == "message 29 I feel calm"
    assert ("domain" in trimmed) == (not selective or action_name == "action_with_domain")
    # ... and those are Rasa's events from the 10th last user message on.
    all_events = rasa_s["tracker"]["events"]
    users = [i for i, e in enumerate(all_events) if e["event"] == "user"]
    assert trimmed["tracker"]["events"] == all_events[users[-10]:]
    assert [e["text"] for e in trimmed["tracker"]["events"] if e["event"] == "user"] == [
        f"message {turn} I feel calm" for turn in range(20, 30)]


def test_a_short_conversation_is_sent_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    domain = Domain.from_dict(DOMAIN)
    tracker = _long_tracker(domain, turns=3)
    rasa_s, trimmed, untrimmed = _payloads(monkeypatch, "action_x", True, tracker, domain)
    assert trimmed == rasa_s == untrimmed
    empty = DialogueStateTracker("bob", domain.slots)
    assert _payloads(monkeypatch, "action_x", True, empty, domain)[1] == \
        _payloads(monkeypatch, "action_x", True, empty, domain)[0]


def test_recent_turns() -> None:
    events = [ActionExecuted("action_listen"), UserUttered("hi"), ActionExecuted("utter_hi"),
              UserUttered("again"), ActionExecuted("utter_hi")]
    assert action_server.recent_turns(events, 10) == events
    assert action_server.recent_turns(events, 2) == events[1:]
    assert action_server.recent_turns(events, 1) == events[3:]
    assert action_server.recent_turns([], 1) == []


@pytest.mark.parametrize("value, trimmed", [("0", False), ("false", False), ("no", False),
                                            ("1", True), ("", True)])
def test_trimming_is_switched_by_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                 value: str, trimmed: bool) -> None:
    monkeypatch.setenv(settings.TRIM_ACTION_EVENTS_VARIABLE, value)
    domain = Domain.from_dict(DOMAIN)
    tracker = _long_tracker(domain)
    payload = rasa_actions.RemoteAction("action_x", None)._action_call_format(tracker, domain)
    assert (len(payload["tracker"]["events"]) < len(tracker.events)) == trimmed


# --- per-message slots are cleared by Rasa's slot extraction --------------------------------

SLOT_DOMAIN = {
    "intents": ["greet", "choose_dimension", "deny"],
    "entities": [INPUT_ISSUE, "mood"],
    "slots": {
        FINDINGS: {"type": "any", "initial_value": [], "mappings": [{"type": "custom"}]},
        PATTERN: {"type": "text", "mappings": [{"type": "custom"}]},
        RISK_DETECTED: {"type": "bool", "initial_value": False,
                        "mappings": [{"type": "custom"}]},
        ABOUT: {"type": "text", "mappings": [{"type": "custom"}]},
        INPUT_ISSUE: {"type": "categorical", "values": ["empty", "too_long"],
                      "mappings": [{"type": "from_entity", "entity": INPUT_ISSUE}]},
        CANDIDATES: {"type": "any", "mappings": [{"type": "custom"}]},
        CORRECTING: {"type": "any", "mappings": [{"type": "custom"}]},
        "mood": {"type": "text", "mappings": [{"type": "from_entity", "entity": "mood"}]},
    },
}


async def _extracted(run: Any, intent: str, entities: List[Dict[str, Any]],
                     earlier_messages: int = 0) -> List[Event]:
    domain = Domain.from_dict(SLOT_DOMAIN)
    between = [UserUttered("hmm", {"name": "greet", "confidence": 1.0})] * earlier_messages
    tracker = DialogueStateTracker.from_events("ann", [
        ActionExecuted("action_listen"),
        SlotSet(FINDINGS, ["codependent:helping"]), SlotSet(PATTERN, "codependent"),
        SlotSet(RISK_DETECTED, True), SlotSet(CANDIDATES, ["codependent:honesty"]),
        SlotSet(CORRECTING, {"finding": "codependent:helping"}),
        *between,
        UserUttered("text", {"name": intent, "confidence": 1.0}, entities),
    ], domain.slots)
    action = rasa_actions.ActionExtractSlots(None)
    return list(await run(action, CollectingOutputChannel(),
                          TemplatedNaturalLanguageGenerator({}), tracker, domain))


# Buttons stay valid for three messages, whatever their intent ("hmm", then "the second").
@pytest.mark.parametrize("intent, earlier_messages, clears_question", [
    ("greet", 0, False), ("greet", 2, False), ("greet", 3, True),
    ("choose_dimension", 0, False), ("choose_dimension", 3, True), ("deny", 0, False)])
async def test_slot_extraction_is_rasa_s_after_the_resets(intent: str, earlier_messages: int,
                                                          clears_question: bool) -> None:
    entities = [{"entity": INPUT_ISSUE, "value": "too_long", "start": 0, "end": 4},
                {"entity": "mood", "value": "calm", "start": 0, "end": 4}]
    patched = rasa_actions.ActionExtractSlots.run
    events = await _extracted(patched, intent, entities, earlier_messages)
    rasa_s = await _extracted(_original(patched), intent, entities, earlier_messages)
    resets = [SlotSet(FINDINGS, []), SlotSet(PATTERN, None), SlotSet(RISK_DETECTED, False)]
    if clears_question:
        resets += [SlotSet(CANDIDATES, None), SlotSet(CORRECTING, None)]
    assert events == resets + rasa_s
    assert SlotSet(INPUT_ISSUE, "too_long") in rasa_s and SlotSet("mood", "calm") in rasa_s
    assert events.index(SlotSet(INPUT_ISSUE, "too_long")) > events.index(SlotSet(PATTERN, None))


def test_slot_resets_skip_slots_already_clear() -> None:
    domain = Domain.from_dict(SLOT_DOMAIN)
    tracker = DialogueStateTracker.from_events(
        "ann", [UserUttered("hi", {"name": "greet", "confidence": 1.0})], domain.slots)
    assert slot_reset.reset_events(tracker) == []


# --- danger inside a typed "/intent" payload (patches/payload_screen.py) ----------------

def _payload_parse(text: str) -> Dict[str, Any]:
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.nlu.training_data.message import Message

    import components  # noqa: F401  (applies the patches, as loading the model does)

    handler = RegexMessageHandler.create({}, None, None, None)  # type: ignore[arg-type]
    domain = Domain.load(str(ROOT / "domain"))
    (message,) = handler.process([Message.build(text)], domain)
    return {"intent": message.get("intent")["name"],
            "entities": {e["entity"]: e["value"] for e in message.get("entities") or []}}


def test_danger_typed_inside_a_payload_becomes_a_crisis() -> None:
    parsed = _payload_parse('/situation_codependent_helping{"dimension": "he said he will '
                            'kill me tonight"}')
    assert parsed["intent"] == "crisis_abuse"
    assert parsed["entities"]["risk_kind"] == "abuse"
    assert parsed["entities"]["risk_level"] == "imminent"


def test_a_harmless_payload_is_parsed_as_rasa_parses_it() -> None:
    parsed = _payload_parse('/choose_dimension{"dimension": "boundaries"}')
    assert parsed == {"intent": "choose_dimension", "entities": {"dimension": "boundaries"}}
