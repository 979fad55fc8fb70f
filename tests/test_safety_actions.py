"""The safety actions, run with a real Tracker and a CollectingDispatcher.

The NLU MessageScreen decides the kind and level of danger once per message and hands it
on as `risk_kind` / `risk_level` entities; these actions only read that verdict and the
`risk` the session remembers. Every run here also checks the contract's `risk_detected`:
true exactly when the message got a safety reply (resources) or a safety check-in.
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnalyzeSituation, ActionResolveClarification
from actions.followup_actions import ActionCorrectFinding, ActionFollowUp
from actions.safety_actions import (
    ActionAnswerConcept,
    ActionRespondToCrisis,
    ActionSafetyFollowUp,
    ActionYesNo,
)
from storage.profiles import ProfileStore
from tandem.vocabulary import RISK_KINDS
from tests.conftest import ranking
from tests.test_actions import screened

HELPING = "situation_codependent_helping"
SITUATION = "I cover his shifts so his boss won't find out"
FINDING_REPLY = ["utter_reflection", "utter_pattern", "utter_point_codependent"]
# Replies that explain a pattern or give advice: never while `risk` is abuse.
ADVICE = {"utter_reflection", "utter_pattern", "utter_pattern_again_short",
          "utter_point_codependent", "utter_point_interdependent", "utter_why_words",
          "utter_why_quote", "utter_why_quote_idea", "utter_why_idea", "utter_try_codependent_0",
          "utter_try_codependent_1", "utter_healthy_side", "utter_tell_me_more",
          "utter_ask_which_fits", "utter_ask_clarify", "utter_open_question",
          "utter_ask_helpful", "utter_several_patterns", "utter_several_summary_codependent",
          "utter_several_summary_interdependent", "utter_several_summary_mixed",
          "utter_several_summary_codependent_1", "utter_several_summary_interdependent_1",
          "utter_several_summary_mixed_1"}
ABUSE_AWARE = ["utter_abuse_aware", "utter_safety_abuse_resources"]
ABUSE_AWARE_QUESTION = ["utter_abuse_aware_question", "utter_safety_abuse_resources"]
# What a message that got only a safety reply sets (the per-message analysis slots).
NO_FINDINGS = {"findings": [], "pattern": None, "risk_detected": True, "about": None,
               "clarify_candidates": None}


NOT_SAFETY_REPLIES = {"utter_safety_false_alarm", "utter_safety_safe_no_risk"}


def is_safety_reply(response: Optional[str]) -> bool:
    """Resources or a check-in; not the false-alarm apology or "good, I'm glad"."""
    name = response or ""
    return (name.startswith(("utter_safety_", "utter_abuse_aware"))
            and name not in NOT_SAFETY_REPLIES)


@dataclass
class Result:
    responses: List[Optional[str]]
    slots: Dict[str, Any]
    events: List[Dict[str, Any]]


async def act(action: Action, tracker: Tracker, domain: Dict[str, Any],
              check_risk_detected: bool = True) -> Result:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    said = [m.get("response") for m in dispatcher.messages]
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert all(r in domain["responses"] for r in said), said
    if check_risk_detected:
        # Not set at all means false: Rasa resets it on every user message.
        assert slots.get("risk_detected", False) is any(map(is_safety_reply, said)), (said, slots)
    return Result(said, slots, events)


def verdict(kind: Optional[str], level: Optional[str]) -> List[Dict[str, Any]]:
    """The MessageScreen's entities for one message."""
    found = []
    if kind:
        found.append({"entity": "risk_kind", "value": kind, "extractor": "MessageScreen"})
    if level:
        found.append({"entity": "risk_level", "value": level, "extractor": "MessageScreen"})
    return found


def user(text: str, intent: str, intent_ranking: List[Dict[str, Any]],
         entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """A user event as the tracker stores it, parse data and all."""
    return {"event": "user", "text": text, "input_channel": "rest",
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": 1.0},
                           "intent_ranking": intent_ranking, "entities": entities or []}}


def after(slots: Dict[str, Any], result: Result) -> Dict[str, Any]:
    """The slots once Rasa has applied an action's events."""
    return {**slots, **result.slots}


def concept_tracker(make_tracker, slots: Optional[Dict[str, Any]] = None,
                    utter_action: Optional[str] = None) -> Tracker:
    tracker = make_tracker("is it normal that he checks my phone?", "concept", 0.9,
                           slots=slots)
    if utter_action:
        tracker.latest_message["response_selector"] = {
            "all_retrieval_intents": ["concept"],
            "concept": {"response": {"intent_response_key": utter_action[len("utter_"):],
                                     "utter_action": utter_action, "confidence": 0.9,
                                     "responses": [{"text": "..."}]},
                        "ranking": []}}
    return tracker


# --- action_respond_to_crisis: the screen's verdict decides the reply --------------------

@pytest.mark.parametrize("kind", RISK_KINDS)
async def test_imminent_danger_gets_that_kind_s_resources(make_tracker, domain, kind) -> None:
    tracker = make_tracker("...", f"crisis_{kind}", entities=verdict(kind, "imminent"))
    result = await act(ActionRespondToCrisis(), tracker, domain)
    assert result.responses == [f"utter_safety_imminent_{kind}"]
    assert result.slots == {**NO_FINDINGS, "safety_check_pending": None, "risk": kind}


@pytest.mark.parametrize("kind", RISK_KINDS)
async def test_a_concern_gets_a_check_in_first(make_tracker, domain, kind) -> None:
    tracker = make_tracker("...", f"crisis_{kind}", entities=verdict(kind, "concern"))
    result = await act(ActionRespondToCrisis(), tracker, domain)
    assert result.responses == [f"utter_safety_check_in_{kind}"]
    assert result.slots == {**NO_FINDINGS, "safety_check_pending": kind, "risk": kind}
    (check_in,) = domain["responses"][f"utter_safety_check_in_{kind}"]
    assert [b["payload"] for b in check_in["buttons"]] == [
        "/safety_safe", "/safety_not_safe", "/safety_rather_not_say"]


@pytest.mark.parametrize("level", ["imminent", "concern"])
@pytest.mark.parametrize("remembered", RISK_KINDS)
async def test_danger_that_names_no_kind_speaks_to_the_remembered_one(
        make_tracker, domain, level, remembered) -> None:
    tracker = make_tracker("...", "crisis_abuse", entities=verdict(None, level),
                           slots={"risk": remembered})
    result = await act(ActionRespondToCrisis(), tracker, domain)
    if level == "imminent":
        assert result.responses == [f"utter_safety_imminent_{remembered}"]
        assert result.slots["safety_check_pending"] is None
    else:
        assert result.responses == [f"utter_safety_check_in_{remembered}"]
        assert result.slots["safety_check_pending"] == remembered
    assert result.slots["risk"] == remembered


@pytest.mark.parametrize("level", ["imminent", "concern", None])
async def test_danger_that_names_no_kind_with_nothing_remembered_gets_every_kind_s_resources(
        make_tracker, domain, level) -> None:
    tracker = make_tracker("...", "crisis_abuse", entities=verdict(None, level))
    result = await act(ActionRespondToCrisis(), tracker, domain)
    assert result.responses == ["utter_safety_imminent_general"]
    assert result.slots == {**NO_FINDINGS, "safety_check_pending": None}
    assert "risk" not in result.slots  # "general" is no kind to remember


@pytest.mark.parametrize("text, response, risk, pending", [
    ("I'm going to kill myself tonight", "utter_safety_imminent_self_harm", "self_harm", None),
    ("i dont want to live anymore", "utter_safety_check_in_self_harm", "self_harm",
     "self_harm"),
    ("he hit me and said he will kill me tonight", "utter_safety_imminent_abuse", "abuse", None),
    ("I'm scared of my husband", "utter_safety_check_in_abuse", "abuse", "abuse"),
    ("my toddler has been home alone since yesterday", "utter_safety_imminent_child", "child",
     None),
    ("I don't think my daughter is safe with him", "utter_safety_check_in_child", "child",
     "child"),
])
async def test_the_screen_s_verdict_picks_the_reply(make_tracker, domain, text, response, risk,
                                                    pending) -> None:
    message = screened(text, HELPING, 0.7, ranking((HELPING, 0.7), ("greet", 0.1)))
    assert message["intent"] == f"crisis_{risk}"
    result = await act(ActionRespondToCrisis(), make_tracker(**message), domain)
    assert result.responses == [response]
    assert result.slots["risk"] == risk and result.slots["safety_check_pending"] == pending


# --- the check-in, and what follows it ----------------------------------------------------

async def checked_in(make_tracker, domain, kind: str) -> Dict[str, Any]:
    """The slots after a concern of this kind got its check-in."""
    tracker = make_tracker("...", f"crisis_{kind}", entities=verdict(kind, "concern"),
                           slots={"risk": kind})
    return after({"risk": kind}, await act(ActionRespondToCrisis(), tracker, domain))


def safe_reply(kind: str) -> List[str]:
    return [f"utter_safety_safe_{kind}"] + (["utter_safety_abuse_resources"]
                                            if kind == "abuse" else [])


@pytest.mark.parametrize("kind", RISK_KINDS)
@pytest.mark.parametrize("intent, typed, reply", [
    ("safety_safe", "I'm safe", safe_reply),
    ("safety_not_safe", "no I'm not", lambda kind: [f"utter_safety_imminent_{kind}"]),
    ("safety_rather_not_say", "I'd rather not say",
     lambda kind: [f"utter_safety_rather_not_say_{kind}"]),
])
async def test_the_answer_to_a_check_in_decides_what_follows(make_tracker, domain, kind,
                                                             intent, typed, reply) -> None:
    slots = await checked_in(make_tracker, domain, kind)
    assert slots["safety_check_pending"] == kind
    result = await act(ActionSafetyFollowUp(), make_tracker(typed, intent, slots=slots), domain)
    assert result.responses == reply(kind)
    assert "utter_glad_you_are_safe" not in result.responses
    assert result.slots["safety_check_pending"] is None
    assert after(slots, result)["risk"] == kind  # the answer never clears it


@pytest.mark.parametrize("kind", RISK_KINDS)
@pytest.mark.parametrize("intent, same_as", [("affirm", "safety_safe"),
                                             ("deny", "safety_not_safe")])
async def test_a_typed_yes_or_no_answers_a_pending_check_in(make_tracker, domain, kind, intent,
                                                            same_as) -> None:
    slots = await checked_in(make_tracker, domain, kind)
    typed = await act(ActionYesNo(), make_tracker("yes" if intent == "affirm" else "no",
                                                  intent, slots=slots), domain)
    tapped = await act(ActionSafetyFollowUp(), make_tracker("/" + same_as, same_as,
                                                            slots=slots), domain)
    assert typed.responses == tapped.responses == (
        safe_reply(kind) if intent == "affirm" else [f"utter_safety_imminent_{kind}"])
    assert typed.slots == tapped.slots
    assert typed.slots["safety_check_pending"] is None


@pytest.mark.parametrize("risk", [None, "self_harm", "child"])
@pytest.mark.parametrize("intent, response", [("affirm", "utter_affirm_ack"),
                                              ("deny", "utter_deny_ack")])
async def test_yes_or_no_with_no_check_in_open_is_acknowledged(make_tracker, domain, risk,
                                                               intent, response) -> None:
    tracker = make_tracker("ok", intent, slots={"risk": risk, "safety_check_pending": None})
    result = await act(ActionYesNo(), tracker, domain)
    assert result.responses == [response]
    assert result.events == []


@pytest.mark.parametrize("intent, responses", [("affirm", ["utter_affirm_ack"]),
                                               ("deny", ABUSE_AWARE)])
async def test_yes_or_no_while_abuse_is_known(make_tracker, domain, intent, responses) -> None:
    result = await act(ActionYesNo(), make_tracker("ok", intent, slots={"risk": "abuse"}),
                       domain)
    assert result.responses == responses


@pytest.mark.parametrize("intent, responses, risk_detected", [
    ("safety_safe", ["utter_safety_safe_no_risk"], False),
    ("safety_not_safe", ["utter_safety_imminent_general"], True),
    ("safety_rather_not_say", ["utter_safety_rather_not_say_general"], True),
])
async def test_an_unasked_answer_with_nothing_remembered(make_tracker, domain, intent,
                                                         responses, risk_detected) -> None:
    result = await act(ActionSafetyFollowUp(), make_tracker("...", intent), domain)
    assert result.responses == responses
    assert result.slots["risk_detected"] is risk_detected
    assert result.slots["safety_check_pending"] is None and "risk" not in result.slots


# --- minimising: the risk stays, and so does the offer --------------------------------------

@pytest.mark.parametrize("kind", RISK_KINDS)
async def test_minimising_never_clears_the_risk_nor_hears_safety(make_tracker, domain,
                                                                 kind) -> None:
    slots = {"risk": kind, "safety_check_pending": None}
    tracker = make_tracker("it's not that bad honestly", "safety_minimise", slots=slots)
    result = await act(ActionSafetyFollowUp(), tracker, domain)
    assert result.responses == [f"utter_safety_offer_stands_{kind}"]
    assert "utter_glad_you_are_safe" not in result.responses
    assert "risk" not in result.slots
    # Self-harm asks "are you safe right now?" again, and waits for the answer.
    assert result.slots["safety_check_pending"] == (kind if kind == "self_harm" else None)
    if kind == "self_harm":
        (reply,) = domain["responses"]["utter_safety_offer_stands_self_harm"]
        assert "are you safe right now?" in reply["text"] and reply["buttons"]


async def test_minimising_while_the_check_in_is_open_does_not_ask_again(make_tracker,
                                                                        domain) -> None:
    slots = await checked_in(make_tracker, domain, "self_harm")
    tracker = make_tracker("i was joking lol", "safety_minimise", slots=slots)
    result = await act(ActionSafetyFollowUp(), tracker, domain)
    assert result.responses == ["utter_safety_offer_stands_self_harm_no_ask"]
    assert "risk" not in result.slots and result.slots["risk_detected"] is True


async def test_minimising_with_nothing_remembered_is_analysed_like_any_message(
        make_tracker, domain) -> None:
    tracker = make_tracker("it's not that bad, " + SITUATION, "safety_minimise", 0.8,
                           ranking(("safety_minimise", 0.8), (HELPING, 0.6)))
    result = await act(ActionSafetyFollowUp(), tracker, domain)
    assert result.responses == FINDING_REPLY
    assert result.slots["findings"] == ["codependent:helping"] and "risk" not in result.slots

    tracker = make_tracker("it's not that bad", "safety_minimise")
    result = await act(ActionSafetyFollowUp(), tracker, domain)
    assert result.responses == ["utter_fallback"]
    assert result.slots["risk_detected"] is False


# --- a false alarm: apologise, then answer the message that was misread ---------------------

def misread_and_false_alarm(make_tracker, kind: str, level: str,
                            slots: Dict[str, Any]) -> Tracker:
    """"I want to die, I cover his shifts..." screened as danger, then "I'm not suicidal"."""
    misread = user("ugh I could die, " + SITUATION, f"crisis_{kind}",
                   ranking((f"crisis_{kind}", 0.5), (HELPING, 0.8)), verdict(kind, level))
    tracker = make_tracker("I'm not suicidal, I meant I'm exhausted", "safety_false_alarm",
                           slots=slots)
    tracker.events.extend([misread, {"event": "bot", "text": "Are you safe right now?"},
                           user(tracker.latest_message["text"], "safety_false_alarm",
                                ranking(("safety_false_alarm", 1.0)))])
    return tracker


@pytest.mark.parametrize("kind", RISK_KINDS)
async def test_a_false_alarm_on_a_concern_clears_the_risk_and_answers_the_message(
        make_tracker, domain, kind) -> None:
    slots = {"risk": kind, "safety_check_pending": kind}
    result = await act(ActionSafetyFollowUp(),
                       misread_and_false_alarm(make_tracker, kind, "concern", slots), domain)
    assert result.responses == ["utter_safety_false_alarm"] + FINDING_REPLY
    assert result.slots["risk"] is None and result.slots["safety_check_pending"] is None
    assert result.slots["findings"] == ["codependent:helping"]
    assert result.slots["about"] == "self" and result.slots["risk_detected"] is False


@pytest.mark.parametrize("kind, answer", [("self_harm", FINDING_REPLY),
                                          ("child", FINDING_REPLY),
                                          ("abuse", ABUSE_AWARE)])
async def test_a_false_alarm_on_imminent_danger_keeps_the_risk(make_tracker, domain, kind,
                                                               answer) -> None:
    slots = {"risk": kind, "safety_check_pending": None}
    result = await act(ActionSafetyFollowUp(),
                       misread_and_false_alarm(make_tracker, kind, "imminent", slots), domain)
    assert result.responses == ["utter_safety_false_alarm"] + answer
    assert "risk" not in result.slots  # a plan, means or a time is not taken back


async def test_a_false_alarm_with_no_earlier_message_asks_what_happened(make_tracker,
                                                                        domain) -> None:
    tracker = make_tracker("I'm not suicidal", "safety_false_alarm",
                           slots={"risk": "self_harm", "safety_check_pending": "self_harm"})
    tracker.events.append(user("I'm not suicidal", "safety_false_alarm", []))
    result = await act(ActionSafetyFollowUp(), tracker, domain)
    assert result.responses == ["utter_safety_false_alarm", "utter_clarify_without_context"]
    assert result.slots["safety_check_pending"] is None and "risk" not in result.slots


async def test_i_am_not_suicidal_with_nothing_raised_is_simply_heard(make_tracker,
                                                                     domain) -> None:
    tracker = misread_and_false_alarm(make_tracker, "self_harm", "concern", {})
    result = await act(ActionSafetyFollowUp(), tracker, domain)
    assert result.responses == ["utter_safety_safe_no_risk"]
    assert result.slots["risk_detected"] is False and "risk" not in result.slots


# --- while `risk` is abuse: no findings, no advice ----------------------------------------

def abuse_known(**extra: Any) -> Dict[str, Any]:
    return {"risk": "abuse", "last_findings": ["codependent:boundaries"],
            "last_alternatives": ["codependent:helping"], **extra}


@pytest.mark.parametrize("sentences, entities", [
    (None, []),
    ([{"text": "I cover his shifts.", "ranking": ranking((HELPING, 0.9))},
      {"text": "I never say no to him.",
       "ranking": ranking(("situation_codependent_boundaries", 0.9))}], []),
    (None, [{"entity": "risk_negated", "value": "true"}]),
])
async def test_a_situation_while_abuse_is_known_gets_no_findings(
        make_tracker, domain, profile_store: ProfileStore, sentences, entities) -> None:
    tracker = make_tracker(SITUATION, HELPING, 0.9, ranking((HELPING, 0.9)),
                           slots=abuse_known(), entities=entities)
    tracker.latest_message["sentence_rankings"] = sentences
    result = await act(ActionAnalyzeSituation(), tracker, domain)
    assert result.responses == ABUSE_AWARE
    assert result.slots == {**NO_FINDINGS, "safety_check_pending": None,
                            "shared": ["said:utter_abuse_aware:0"]}
    assert profile_store.results("test-user") == []


@pytest.mark.parametrize("text, response", [
    (SITUATION, "utter_child_aware"),
    ("What am I supposed to do, report my own son?", "utter_child_aware_question"),
])
async def test_a_situation_while_a_child_is_at_risk_gets_no_findings(
        make_tracker, domain, profile_store: ProfileStore, text: str, response: str) -> None:
    tracker = make_tracker(text, HELPING, 0.9, ranking((HELPING, 0.9)),
                           slots={"risk": "child", "last_findings": ["codependent:helping"]})
    result = await act(ActionAnalyzeSituation(), tracker, domain)
    assert result.responses == [response, "utter_safety_child_resources"]
    assert result.slots["findings"] == [] and result.slots["risk_detected"] is True
    assert profile_store.results("test-user") == []


async def test_a_typed_dimension_word_while_abuse_is_known_gets_no_findings(make_tracker,
                                                                            domain) -> None:
    tracker = make_tracker("I can never say no to him", "choose_dimension", 0.4,
                           ranking(("choose_dimension", 0.4),
                                   ("situation_codependent_boundaries", 0.5)),
                           slots=abuse_known(dimension="boundaries"))
    result = await act(ActionResolveClarification(), tracker, domain)
    assert result.responses == ABUSE_AWARE
    assert result.slots["findings"] == [] and result.slots["dimension"] is None


FOLLOW_UPS = [(ActionFollowUp(), "ask_why", "why?"),
              (ActionFollowUp(), "ask_what_to_do", "what can I do about it?"),
              (ActionFollowUp(), "tell_me_more", "tell me more"),
              (ActionCorrectFinding(), "correct_finding", "that's not it")]


@pytest.mark.parametrize("action, intent, text", FOLLOW_UPS)
async def test_follow_ups_while_abuse_is_known_get_no_advice(make_tracker, domain, action,
                                                             intent, text) -> None:
    tracker = make_tracker(text, intent, slots=abuse_known())
    result = await act(action, tracker, domain, check_risk_detected=False)
    # "What can I do?" gets Tandem's own suggestion (advocates, safety plans); the others the
    # answer that control is not love. Never the advice for a codependent pattern.
    expected = (["utter_abuse_aware_what_to_do"] if intent == "ask_what_to_do"
                else ABUSE_AWARE_QUESTION)
    assert result.responses == expected
    assert not ADVICE & set(result.responses)
    # No question is left open for a dimension menu.
    assert result.slots.get("clarify_candidates") is None and "correcting" not in result.slots


@pytest.mark.parametrize("action, intent, text", FOLLOW_UPS)
async def test_follow_ups_while_abuse_is_known_set_risk_detected(make_tracker, domain, action,
                                                                 intent, text) -> None:
    await act(action, make_tracker(text, intent, slots=abuse_known()), domain)


async def test_abuse_stays_known_after_a_later_self_harm_concern(make_tracker, domain) -> None:
    slots = {"risk": "abuse"}
    tracker = make_tracker("...", "crisis_self_harm", entities=verdict("self_harm", "concern"),
                           slots=slots)
    slots = after(slots, await act(ActionRespondToCrisis(), tracker, domain))
    slots = after(slots, await act(ActionSafetyFollowUp(), make_tracker(
        "I'm safe", "safety_safe", slots=slots), domain))
    tracker = make_tracker(SITUATION, HELPING, 0.9, ranking((HELPING, 0.9)), slots=slots)
    result = await act(ActionAnalyzeSituation(), tracker, domain)
    assert result.responses == ABUSE_AWARE


# --- concept questions ------------------------------------------------------------------------

async def test_a_concept_question_while_abuse_is_known_gets_the_abuse_aware_answer(
        make_tracker, domain) -> None:
    tracker = concept_tracker(make_tracker, abuse_known(),
                              utter_action="utter_concept/what_is_codependency")
    result = await act(ActionAnswerConcept(), tracker, domain)
    assert result.responses == ABUSE_AWARE_QUESTION
    assert result.slots == {**NO_FINDINGS, "safety_check_pending": None,
                            "shared": ["said:utter_abuse_aware_question:0"]}


async def test_the_abuse_aware_answer_is_not_repeated_word_for_word(make_tracker,
                                                                   domain) -> None:
    shared: List[str] = []
    said = []
    for _ in range(3):
        tracker = make_tracker(SITUATION, HELPING, 0.9, ranking((HELPING, 0.9)),
                               slots={**abuse_known(), "shared": shared})
        result = await act(ActionAnalyzeSituation(), tracker, domain)
        shared = result.slots["shared"]
        said.append(result.responses)
    assert [r[0] for r in said] == ["utter_abuse_aware", "utter_abuse_aware_1",
                                    "utter_abuse_aware_2"]
    # The resources come every time: a helpline is never trimmed for style.
    assert all(r[-1] == "utter_safety_abuse_resources" for r in said)


@pytest.mark.parametrize("risk", [None, "self_harm", "child"])
async def test_a_concept_question_gets_the_response_selector_s_answer(make_tracker, domain,
                                                                      risk) -> None:
    tracker = concept_tracker(make_tracker, {"risk": risk},
                              utter_action="utter_concept/what_is_codependency")
    result = await act(ActionAnswerConcept(), tracker, domain)
    assert result.responses == ["utter_concept/what_is_codependency"]
    assert result.events == []


async def test_a_concept_question_with_no_selected_answer_gets_the_fallback(make_tracker,
                                                                            domain) -> None:
    result = await act(ActionAnswerConcept(), concept_tracker(make_tracker), domain)
    assert result.responses == ["utter_fallback"]
