"""Every custom action, run with a real Tracker and a CollectingDispatcher."""

from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet as RasaSlotSet
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.events import SessionStarted

from actions.actions import (
    ActionAnalyzeSituation,
    ActionGreet,
    ActionResolveClarification,
    ActionSessionStart,
)
from actions.followup_actions import ActionFollowUp
from actions.safety_actions import ActionRespondToCrisis
from bench.data import ROOT
from components.message_screen import MessageScreen
from patches.slot_reset import reset_events
from tests.conftest import ranking
from tandem.vocabulary import LAST_EVIDENCE, SHARED


async def run(action, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
    return await action.run(dispatcher, tracker, domain)


def slots(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(dispatcher) -> List[str]:
    return [m.get("response") for m in dispatcher.messages]


def screened(text: str, intent: str, confidence: float = 1.0,
             intent_ranking: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """make_tracker arguments for a message as the NLU MessageScreen hands it on."""
    message = Message(data={"text": text,
                            "intent": {"name": intent, "confidence": confidence},
                            "intent_ranking": intent_ranking or ranking((intent, confidence))})
    MessageScreen(MessageScreen.get_default_config()).process([message])
    verdict = message.get("intent")
    return {"text": text, "intent": verdict["name"], "confidence": verdict["confidence"],
            "intent_ranking": message.get("intent_ranking"),
            "entities": message.get("entities") or []}


async def test_session_start_introduces_tandem_first(dispatcher, make_tracker, domain) -> None:
    events = await run(ActionSessionStart(), dispatcher, make_tracker(), domain)
    assert responses(dispatcher) == ["utter_intro"]
    assert events[0] == SessionStarted()


SESSION_OPENED = [{"event": "action", "name": "action_session_start"},
                  {"event": "session_started"}, {"event": "action", "name": "action_listen"}]
HELLO = {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}}
AN_EARLIER_SESSION = [*SESSION_OPENED, HELLO, {"event": "bot", "text": "Hello!"}]


@pytest.mark.parametrize("events,greeted", [
    # The introduction has just said hello with this same message: once is enough.
    ([*SESSION_OPENED, HELLO], False),
    ([*AN_EARLIER_SESSION, *SESSION_OPENED, HELLO], False),
    # Later in a session, hello gets a hello back.
    ([*SESSION_OPENED, HELLO, {"event": "bot", "text": "Hi, I'm Tandem."},
      {"event": "user", "text": "my brother never pays me back"}, HELLO], True),
    ([*AN_EARLIER_SESSION, {"event": "user", "text": "hey again"}], True),
])
async def test_greeting_is_answered_once(dispatcher, domain, events, greeted) -> None:
    tracker = Tracker("ann", {}, events[-1], events, False, None, {}, "action_listen")
    await run(ActionGreet(), dispatcher, tracker, domain)
    assert responses(dispatcher) == (["utter_greet"] if greeted else [])


def test_a_new_message_clears_the_per_message_slots_but_not_the_session_s() -> None:
    """The reset that replaced action_reset_analysis_slots, on the project's own domain
    (tests/test_patches.py checks its place in Rasa's slot extraction)."""
    domain = Domain.load(str(ROOT / "domain"))
    tracker = DialogueStateTracker.from_events("ann", [
        RasaSlotSet("findings", ["codependent:helping"]), RasaSlotSet("pattern", "codependent"),
        RasaSlotSet("risk_detected", True), RasaSlotSet("about", "sister"),
        RasaSlotSet("input_issue", "too_long"), RasaSlotSet("risk", "abuse"),
        RasaSlotSet("safety_check_pending", "abuse"), RasaSlotSet("anonymous", True),
        RasaSlotSet("last_findings", ["codependent:helping"]),
        UserUttered("\U0001F622\U0001F622", {"name": "out_of_scope", "confidence": 1.0}),
    ], domain.slots)
    assert reset_events(tracker) == [
        RasaSlotSet("findings", []), RasaSlotSet("pattern", None),
        RasaSlotSet("risk_detected", False), RasaSlotSet("about", None),
        RasaSlotSet("input_issue", None),
        # "Are you safe right now?" is answered only by the message that follows it.
        RasaSlotSet("safety_check_pending", None)]


@pytest.mark.parametrize("intent,pole,dimension", [
    ("situation_codependent_give_and_take", "codependent", "give_and_take"),
    ("situation_interdependent_boundaries", "interdependent", "boundaries"),
    ("situation_codependent_honesty", "codependent", "honesty"),
])
async def test_confident_situation_is_explained(dispatcher, make_tracker, domain,
                                                intent, pole, dimension) -> None:
    tracker = make_tracker("I do a lot for my family", intent, 0.93,
                           ranking((intent, 0.93), ("greet", 0.07)))
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    key = f"{pole}:{dimension}"
    state = slots(events)
    shared = state.pop("shared")
    assert state == {"findings": [key], "pattern": pole, "risk_detected": False,
                     "about": "self", "clarify_candidates": None,
                     "last_findings": [key], "last_alternatives": [],
                     "last_evidence": "I do a lot for my family",
                     "correcting": None}
    assert "cited" in shared
    # Reflection, the pattern with its table cell, one article point with quick replies.
    assert responses(dispatcher) == ["utter_reflection", "utter_pattern",
                                     f"utter_point_{pole}"]
    pattern = dispatcher.messages[1]
    assert pattern["table_cell"] and "Sharon Martin" in pattern["citation"]


@pytest.mark.parametrize("text, about", [
    ("I always pay when I go out with my sister", "self"),
    ("we never argue because I just agree with him", "self"),
    ("my sister always pays and her husband never offers", "sister"),
    ("my best friend tells her boss everything is fine when it isn't", "friend"),
    ("My brother covers for his girlfriend whenever she misses work", "brother"),
    ("my identity is wrapped up in him", "self"),
    ("my coworker's wife expects him to do everything at home", "coworker"),
    ("my neighbour's son is 30 and she still pays his rent", "neighbour"),
])
async def test_about_names_whose_pattern_it_is(dispatcher, make_tracker, domain, text,
                                               about) -> None:
    intent = "situation_codependent_give_and_take"
    tracker = make_tracker(text, intent, 0.9, ranking((intent, 0.9)))
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert slots(events)["findings"] == ["codependent:give_and_take"]
    assert slots(events)["about"] == about


async def test_a_then_and_now_message_keeps_what_is_true_now_as_its_evidence(
        dispatcher, make_tracker, domain) -> None:
    message = "I used to hide what I thought from my wife, but now I just tell her"
    intent = "situation_interdependent_authenticity"
    tracker = make_tracker(message, intent, 0.9, ranking((intent, 0.9)))
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    # "Why?" quotes this: the past half is not why the pattern is healthy.
    assert slots(events)[LAST_EVIDENCE] == "now I just tell her"


async def test_a_near_tie_asks_with_buttons(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("he really needs me", "situation_codependent_helping", 0.30, ranking(
        ("situation_codependent_helping", 0.30), ("situation_codependent_self_worth", 0.28),
        ("situation_codependent_give_and_take", 0.10)))
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_clarify"]
    buttons = dispatcher.messages[0]["buttons"]
    # Only the two rows that are genuinely tied, and a way out.
    assert [b["payload"] for b in buttons] == [
        '/choose_dimension{"dimension":"helping"}',
        '/choose_dimension{"dimension":"self_worth"}',
        "/deny",
    ]
    assert all(b["title"] for b in buttons)
    state = slots(events)
    assert state["findings"] == [] and state["pattern"] is None and state["about"] is None
    assert state["clarify_candidates"] == ["codependent:helping", "codependent:self_worth"]


async def test_the_clarifying_question_is_not_repeated_word_for_word(
        dispatcher, make_tracker, domain) -> None:
    tied = ranking(("situation_codependent_helping", 0.30),
                   ("situation_codependent_self_worth", 0.28))
    said = {}
    for text in ("he really needs me", "she needs me too", "they need me", "he needs me"):
        tracker = make_tracker(text, "situation_codependent_helping", 0.30, tied, slots=said)
        said = {SHARED: slots(await run(ActionAnalyzeSituation(), dispatcher, tracker,
                                        domain))[SHARED]}
    # Three wordings in turn, then the shortest one stays.
    assert responses(dispatcher) == ["utter_ask_clarify", "utter_ask_clarify_1",
                                     "utter_ask_clarify_2", "utter_ask_clarify_2"]
    wordings = [domain["responses"][name][0]["text"] for name in responses(dispatcher)[:3]]
    assert len(set(wordings)) == 3 and len(wordings[2]) == min(map(len, wordings))


async def test_unsure_without_a_tie_asks_one_open_question(dispatcher, make_tracker,
                                                           domain) -> None:
    tracker = make_tracker("things with my mum are a lot", "situation_codependent_feelings",
                           0.25, ranking(("situation_codependent_feelings", 0.25),
                                         ("situation_codependent_security", 0.12),
                                         ("situation_codependent_give_and_take", 0.08)))
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_open_question"]
    assert "buttons" not in dispatcher.messages[0] or not dispatcher.messages[0]["buttons"]
    assert dispatcher.messages[0]["question"].endswith("?")
    assert slots(events)["clarify_candidates"] is None


@pytest.mark.parametrize("typed, dimension", [
    ("the second one", "self_worth"),
    ("the feelings one", "feelings"),
    ("saying no", "boundaries"),
    ("first", "helping"),
    ("the last one", "boundaries"),
])
async def test_a_typed_answer_picks_an_offered_row(dispatcher, make_tracker, domain, typed,
                                                   dimension) -> None:
    offered = ["codependent:helping", "codependent:self_worth", "codependent:feelings",
               "codependent:boundaries"]
    tracker = make_tracker(typed, "situation_codependent_boundaries", 0.4,
                           ranking(("situation_codependent_boundaries", 0.4)),
                           slots={"clarify_candidates": offered})
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert slots(events)["findings"] == [f"codependent:{dimension}"]


@pytest.mark.parametrize("typed, top, follows", [
    ("What else? He gets upset the minute I suggest anything.",
     "situation_codependent_feelings", True),
    ("Why is doing his applications a problem?", "situation_codependent_helping", True),
    # The question names nobody: it asks about the reading, whatever the rest reads as.
    ("Can I ask why you see it like that? I always thought I was just a loyal friend.",
     "situation_interdependent_identity", True),
    ("why does my mum ring me six times a day and guilt me if I don't pick up",
     "situation_codependent_boundaries", False),
])
async def test_a_follow_up_with_a_reason_is_a_follow_up(dispatcher, make_tracker, domain, typed,
                                                        top, follows) -> None:
    tracker = make_tracker(typed, top, 0.9, ranking((top, 0.9)),
                           slots={"last_findings": ["codependent:helping"]})
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert (slots(events)["findings"] == []) is follows
    assert (responses(dispatcher)[0] != "utter_reflection") is follows


@pytest.mark.parametrize("typed, intent, action", [
    ("Why is that a problem? She's my mum", "ask_why", ActionFollowUp()),
    ("Why is that a problem? She's my mum", "situation_codependent_helping",
     ActionAnalyzeSituation()),
])
async def test_why_with_who_it_is_answers_that(dispatcher, make_tracker, domain, typed, intent,
                                               action) -> None:
    tracker = make_tracker(typed, intent, 0.9, ranking((intent, 0.9)),
                           slots={"last_findings": ["codependent:helping"],
                                  LAST_EVIDENCE: "I do all her shopping and banking"})
    await run(action, dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_why_close_to_them"]


async def test_is_it_bad_that_i_is_answered_before_the_reading(dispatcher, make_tracker,
                                                               domain) -> None:
    intent = "situation_codependent_feelings"
    tracker = make_tracker("Is it bad that I rely on my boyfriend to calm me down?", intent,
                           0.9, ranking((intent, 0.9)))
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_hedged_answer", "utter_pattern",
                                     "utter_point_codependent"]
    assert slots(events)["findings"] == ["codependent:feelings"]


async def test_a_question_never_gets_a_menu(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("what if I said no to her?", "situation_codependent_boundaries",
                           0.3, ranking(("situation_codependent_boundaries", 0.3),
                                        ("situation_interdependent_boundaries", 0.28)))
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_question_not_situation"]
    assert slots(events)["findings"] == []


async def test_danger_in_a_situation_gets_safety_not_explanation(dispatcher, make_tracker,
                                                                 domain) -> None:
    message = screened("I do everything for him and he hit me last night",
                       "situation_codependent_give_and_take", 0.9)
    assert message["intent"] == "crisis_abuse"
    events = await run(ActionRespondToCrisis(), dispatcher, make_tracker(**message), domain)
    assert responses(dispatcher) == ["utter_safety_check_in_abuse"]
    assert slots(events) == {"findings": [], "pattern": None, "risk_detected": True,
                             "about": None, "clarify_candidates": None,
                             "safety_check_pending": "abuse", "risk": "abuse"}


async def test_message_that_is_no_situation_gets_fallback(dispatcher, make_tracker,
                                                          domain) -> None:
    tracker = make_tracker("blorp blorp blorp blorp", "nlu_fallback", 0.3,
                           ranking(("greet", 0.25)))
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_fallback"]
    assert slots(events)["findings"] == []


async def test_picked_dimension_completes_analysis(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker('/choose_dimension{"dimension":"self_worth"}', "choose_dimension",
                           slots={"clarify_candidates": ["codependent:helping",
                                                         "codependent:self_worth"],
                                  "dimension": "self_worth"})
    events = await run(ActionResolveClarification(), dispatcher, tracker, domain)
    state = slots(events)
    state.pop("shared")
    assert state == {"findings": ["codependent:self_worth"], "pattern": "codependent",
                     "risk_detected": False, "about": "self",
                     "clarify_candidates": None, "dimension": None, "correcting": None,
                     "last_findings": ["codependent:self_worth"], "last_alternatives": [],
                     "last_evidence": ""}
    assert responses(dispatcher)[:2] == ["utter_reflection", "utter_pattern"]


async def test_picked_dimension_without_context_asks_for_the_situation(dispatcher, make_tracker,
                                                                       domain) -> None:
    tracker = make_tracker('/choose_dimension{"dimension":"boundaries"}', "choose_dimension",
                           slots={"dimension": "boundaries"})
    events = await run(ActionResolveClarification(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_clarify_without_context"]
    assert slots(events)["findings"] == []


@pytest.mark.parametrize("text, response, risk", [
    ("I'm going to kill myself tonight", "utter_safety_imminent_self_harm", "self_harm"),
    ("he hit me and said he will kill me tonight", "utter_safety_imminent_abuse", "abuse"),
    ("my toddler has been home alone since yesterday", "utter_safety_imminent_child", "child"),
])
async def test_crisis_action_gives_resources(dispatcher, make_tracker, domain, text, response,
                                             risk) -> None:
    message = screened(text, "situation_codependent_helping", 0.6)
    assert message["intent"] == f"crisis_{risk}"
    events = await run(ActionRespondToCrisis(), dispatcher, make_tracker(**message), domain)
    assert responses(dispatcher) == [response]
    state = slots(events)
    assert state["risk_detected"] is True and state["risk"] == risk
    assert state["findings"] == [] and state["safety_check_pending"] is None


async def test_clear_negation_of_danger_is_answered_calmly(dispatcher, make_tracker,
                                                           domain) -> None:
    # The classifier's crisis guess is dropped by the screen: the message is analysed.
    message = screened("I would never hurt myself", "crisis_self_harm", 0.97)
    assert message["intent"] == "nlu_fallback"
    events = await run(ActionAnalyzeSituation(), dispatcher, make_tracker(**message), domain)
    assert responses(dispatcher) == ["utter_glad_you_are_safe"]
    assert slots(events)["risk_detected"] is False
    assert "risk" not in slots(events)


@pytest.mark.parametrize("kind, resources", [
    ("self_harm", ("emergency", "988", "116 123", "findahelpline.com")),
    ("abuse", ("emergency", "1-800-799-7233", "findahelpline.com")),
    ("child", ("emergency", "1-800-422-4453", "0808 800 5000", "findahelpline.com")),
    ("general", ("emergency", "988", "116 123", "1-800-799-7233", "findahelpline.com")),
])
def test_imminent_replies_list_the_required_resources(domain, kind, resources) -> None:
    text = domain["responses"][f"utter_safety_imminent_{kind}"][0]["text"]
    for resource in resources:
        assert resource in text


def test_intro_says_not_therapy(domain) -> None:
    text = domain["responses"]["utter_intro"][0]["text"]
    assert "not a therapist" in text
    assert len(text.splitlines()) == 2


@pytest.mark.parametrize("text", ["lol", "my boyfriend", "hmm ok"])
async def test_too_few_words_asks_for_more(dispatcher, make_tracker, domain, text) -> None:
    tracker = make_tracker(text, "situation_codependent_authenticity", 0.51, ranking(
        ("situation_codependent_authenticity", 0.51), ("greet", 0.2)))
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_for_more"]
    assert slots(events)["findings"] == []


async def test_negated_danger_with_no_clear_situation_is_calm(dispatcher, make_tracker,
                                                              domain) -> None:
    message = screened("I would never hurt myself", "situation_codependent_boundaries", 0.21,
                       ranking(("situation_codependent_boundaries", 0.21),
                               ("situation_codependent_honesty", 0.06)))
    assert {"entity": "risk_negated", "value": "true"}.items() <= message["entities"][0].items()
    events = await run(ActionAnalyzeSituation(), dispatcher, make_tracker(**message), domain)
    assert responses(dispatcher) == ["utter_glad_you_are_safe"]
    assert slots(events)["risk_detected"] is False


async def test_danger_in_a_later_sentence_is_not_hidden_by_an_earlier_negation(
        dispatcher, make_tracker, domain) -> None:
    message = screened("He never hits me. But last week he choked me.",
                       "situation_codependent_security", 0.8)
    assert message["intent"] == "crisis_abuse"
    await run(ActionRespondToCrisis(), dispatcher, make_tracker(**message), domain)
    assert responses(dispatcher) == ["utter_safety_imminent_abuse"]


async def test_typed_dimension_word_with_nothing_asked_is_analysed(dispatcher, make_tracker,
                                                                   domain) -> None:
    tracker = make_tracker("my identity is wrapped up in him", "choose_dimension", 0.2,
                           ranking(("choose_dimension", 0.2),
                                   ("situation_codependent_identity", 0.5),
                                   ("situation_codependent_feelings", 0.1)),
                           slots={"dimension": "identity"})
    events = await run(ActionResolveClarification(), dispatcher, tracker, domain)
    assert slots(events)["findings"] == ["codependent:identity"]
    assert slots(events)["dimension"] is None
    assert responses(dispatcher)[1] == "utter_pattern"


async def test_new_session_carries_slots_over(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker(slots={"findings": ["codependent:helping"], "pattern": "codependent",
                                  "clarify_candidates": ["codependent:helping"],
                                  "safety_check_pending": "abuse"})
    events = await run(ActionSessionStart(), dispatcher, tracker, domain)
    carried = slots(events)
    assert carried["findings"] == ["codependent:helping"]
    assert "clarify_candidates" not in carried and "safety_check_pending" not in carried
    assert events[-1]["name"] == "action_listen"


async def test_forced_situation_intent_does_not_fake_findings(dispatcher, make_tracker,
                                                              domain) -> None:
    tracker = make_tracker("/situation_codependent_helping", "situation_codependent_helping")
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_fallback"]
    assert slots(events)["findings"] == []
