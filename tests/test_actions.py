"""Every custom action, run with a real Tracker and a CollectingDispatcher."""

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk.events import SessionStarted

from actions.actions import (
    ActionAnalyzeSituation,
    ActionResetAnalysisSlots,
    ActionResolveClarification,
    ActionRespondToCrisis,
    ActionSessionStart,
)
from tests.conftest import ranking


def run(action, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
    return asyncio.run(action.run(dispatcher, tracker, domain))


def slots(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(dispatcher) -> List[str]:
    return [m.get("response") for m in dispatcher.messages]


def test_session_start_introduces_tandem_first(dispatcher, make_tracker, domain) -> None:
    events = run(ActionSessionStart(), dispatcher, make_tracker(), domain)
    assert responses(dispatcher) == ["utter_intro"]
    assert events[0] == SessionStarted()


def test_reset_clears_analysis_and_reads_input_issue(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("\U0001F622\U0001F622", "out_of_scope",
                           entities=[{"entity": "input_issue", "value": "no_words"}])
    assert slots(run(ActionResetAnalysisSlots(), dispatcher, tracker, domain)) == {
        "findings": [], "pattern": None, "risk_detected": False, "input_issue": "no_words"}
    assert dispatcher.messages == []


@pytest.mark.parametrize("intent,pole,dimension", [
    ("situation_codependent_give_and_take", "codependent", "give_and_take"),
    ("situation_interdependent_boundaries", "interdependent", "boundaries"),
    ("situation_codependent_honesty", "codependent", "honesty"),
])
def test_confident_situation_is_explained(dispatcher, make_tracker, domain,
                                          intent, pole, dimension) -> None:
    tracker = make_tracker("a few words about my family", intent, 0.93,
                           ranking((intent, 0.93), ("greet", 0.07)))
    events = run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    key = f"{pole}:{dimension}"
    assert slots(events) == {"findings": [key], "pattern": pole, "risk_detected": False,
                             "clarify_candidates": None, "last_findings": [key],
                             "last_alternatives": [], "feedback_pending": [key]}
    assert responses(dispatcher) == ["utter_finding", "utter_explanation",
                                     f"utter_contrast_{pole}", "utter_ask_helpful"]
    finding = dispatcher.messages[0]
    assert finding["table_cell"] and "Sharon Martin" in finding["attribution"]


def test_unsure_situation_asks_with_buttons(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("he really needs me", "situation_codependent_helping", 0.42, ranking(
        ("situation_codependent_helping", 0.42), ("situation_codependent_self_worth", 0.40),
        ("situation_codependent_give_and_take", 0.10)))
    events = run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_clarify"]
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == [
        '/choose_dimension{"dimension":"helping"}',
        '/choose_dimension{"dimension":"self_worth"}',
        '/choose_dimension{"dimension":"give_and_take"}',
        "/deny",
    ]
    assert all(b["title"] for b in buttons)
    state = slots(events)
    assert state["findings"] == [] and state["pattern"] is None
    assert state["clarify_candidates"] == ["codependent:helping", "codependent:self_worth",
                                           "codependent:give_and_take"]


def test_danger_in_a_situation_gets_safety_not_explanation(dispatcher, make_tracker,
                                                           domain) -> None:
    tracker = make_tracker("I do everything for him and he hit me last night",
                           "situation_codependent_give_and_take", 0.9)
    events = run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_crisis"]
    assert slots(events)["risk_detected"] is True
    assert slots(events)["findings"] == []


def test_message_that_is_no_situation_gets_fallback(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("blorp blorp blorp blorp", "nlu_fallback", 0.3,
                           ranking(("greet", 0.25)))
    events = run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_fallback"]
    assert slots(events)["findings"] == []


def test_picked_dimension_completes_analysis(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker('/choose_dimension{"dimension":"self_worth"}', "choose_dimension",
                           slots={"clarify_candidates": ["codependent:helping",
                                                         "codependent:self_worth"],
                                  "dimension": "self_worth"})
    events = run(ActionResolveClarification(), dispatcher, tracker, domain)
    assert slots(events) == {"findings": ["codependent:self_worth"], "pattern": "codependent",
                             "risk_detected": False, "clarify_candidates": None,
                             "dimension": None, "correcting": None,
                             "last_findings": ["codependent:self_worth"],
                             "last_alternatives": [],
                             "feedback_pending": ["codependent:self_worth"]}
    assert responses(dispatcher)[0] == "utter_finding"


def test_picked_dimension_without_context_asks_for_the_situation(dispatcher, make_tracker,
                                                                 domain) -> None:
    tracker = make_tracker('/choose_dimension{"dimension":"boundaries"}', "choose_dimension",
                           slots={"dimension": "boundaries"})
    events = run(ActionResolveClarification(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_clarify_without_context"]
    assert slots(events)["findings"] == []


def test_crisis_action_gives_resources(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("i can't take it anymore", "crisis", 0.97)
    events = run(ActionRespondToCrisis(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_crisis"]
    assert slots(events)["risk_detected"] is True


def test_crisis_action_stays_calm_on_clear_negation(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("I would never hurt myself", "crisis", 0.97)
    events = run(ActionRespondToCrisis(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_glad_you_are_safe"]
    assert slots(events)["risk_detected"] is False


def test_crisis_response_lists_required_resources(domain) -> None:
    text = domain["responses"]["utter_crisis"][0]["text"]
    for resource in ("emergency", "988", "116 123", "1-800-799-7233", "findahelpline.com"):
        assert resource in text


def test_intro_says_not_therapy(domain) -> None:
    text = domain["responses"]["utter_intro"][0]["text"]
    assert "not a therapist" in text
    assert len(text.splitlines()) == 2


@pytest.mark.parametrize("text", ["lol", "my boyfriend", "hmm ok"])
def test_too_few_words_asks_for_more(dispatcher, make_tracker, domain, text) -> None:
    tracker = make_tracker(text, "situation_codependent_authenticity", 0.51, ranking(
        ("situation_codependent_authenticity", 0.51), ("greet", 0.2)))
    events = run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_for_more"]
    assert slots(events)["findings"] == []


def test_negated_danger_with_no_clear_situation_is_calm(dispatcher, make_tracker,
                                                        domain) -> None:
    tracker = make_tracker("I would never hurt myself", "situation_codependent_boundaries",
                           0.21, ranking(("situation_codependent_boundaries", 0.21),
                                         ("situation_codependent_honesty", 0.06)))
    events = run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_glad_you_are_safe"]
    assert slots(events)["risk_detected"] is False


def test_danger_in_a_later_sentence_is_not_hidden_by_an_earlier_negation(
        dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("He never hits me. But last week he choked me.",
                           "situation_codependent_security", 0.8)
    run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_crisis"]


def test_any_other_message_drops_an_open_question(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("thanks", "thanks",
                           slots={"clarify_candidates": ["codependent:helping"]})
    assert slots(run(ActionResetAnalysisSlots(), dispatcher, tracker, domain))[
        "clarify_candidates"] is None


@pytest.mark.parametrize("intent", ["choose_dimension", "deny"])
def test_an_answer_keeps_the_open_question(dispatcher, make_tracker, domain, intent) -> None:
    tracker = make_tracker("saying no", intent,
                           slots={"clarify_candidates": ["codependent:helping"]})
    assert "clarify_candidates" not in slots(run(ActionResetAnalysisSlots(), dispatcher,
                                                 tracker, domain))


def test_typed_dimension_word_with_nothing_asked_is_analysed(dispatcher, make_tracker,
                                                             domain) -> None:
    tracker = make_tracker("my identity is wrapped up in him", "choose_dimension", 0.2,
                           ranking(("choose_dimension", 0.2),
                                   ("situation_codependent_identity", 0.5),
                                   ("situation_codependent_feelings", 0.1)),
                           slots={"dimension": "identity"})
    events = run(ActionResolveClarification(), dispatcher, tracker, domain)
    assert slots(events)["findings"] == ["codependent:identity"]
    assert responses(dispatcher)[0] == "utter_finding"


def test_new_session_carries_slots_over(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker(slots={"findings": ["codependent:helping"], "pattern": "codependent",
                                  "clarify_candidates": ["codependent:helping"]})
    events = run(ActionSessionStart(), dispatcher, tracker, domain)
    carried = slots(events)
    assert carried["findings"] == ["codependent:helping"]
    assert "clarify_candidates" not in carried
    assert events[-1]["name"] == "action_listen"


def test_forced_situation_intent_does_not_fake_findings(dispatcher, make_tracker,
                                                        domain) -> None:
    tracker = make_tracker("/situation_codependent_helping", "situation_codependent_helping")
    events = run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_fallback"]
    assert slots(events)["findings"] == []
