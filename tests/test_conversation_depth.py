"""Several patterns per message, follow-ups, corrections, feedback and the self-check."""

from typing import Any, Dict, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from tandem import analysis, knowledge, self_check, text
from actions.actions import ActionAnalyzeSituation, ActionResolveClarification
from actions.followup_actions import ActionCorrectFinding, ActionFollowUp, ActionRecordFeedback
from actions.self_check_actions import (
    ActionCancelSelfCheck,
    ActionSelfCheckResult,
    ValidateSelfCheckForm,
)
from storage.profiles import ProfileStore
from tests.conftest import ranking
from tests.test_actions import responses, run, slots


def sentence(text: str, *pairs: Any) -> Dict[str, Any]:
    return {"text": text, "ranking": ranking(*pairs)}


COVER = sentence("I cover his shifts so his boss won't find out.",
                 ("situation_codependent_helping", 0.8), ("situation_codependent_honesty", 0.1))
HIDE = sentence("I never tell him how upset I am, I just say it's fine.",
                ("situation_codependent_honesty", 0.6), ("situation_codependent_feelings", 0.3))
FRIENDS = sentence("We both have our own friends and that's fine.",
                   ("situation_interdependent_identity", 0.7), ("greet", 0.1))
VAGUE = sentence("It's been a long week.", ("situation_codependent_helping", 0.3),
                 ("greet", 0.3))


def test_two_confident_sentences_on_different_dimensions_are_two_findings() -> None:
    found = analysis.sentence_findings([COVER, HIDE, VAGUE])
    assert [e.finding.key for e in found] == ["codependent:helping", "codependent:honesty"]
    assert found[0].sentence == COVER["text"]


def test_one_confident_sentence_is_not_several_patterns() -> None:
    assert analysis.sentence_findings([COVER, VAGUE]) == []
    assert analysis.sentence_findings(None) == []


def test_same_dimension_twice_counts_once() -> None:
    again = sentence("And I cover for him with his mum too.",
                     ("situation_codependent_helping", 0.9))
    assert analysis.sentence_findings([COVER, again]) == []


def test_alternatives_skip_the_found_dimensions() -> None:
    found = analysis.alternatives(ranking(("situation_codependent_helping", 0.5),
                                          ("situation_interdependent_helping", 0.2),
                                          ("situation_codependent_honesty", 0.1),
                                          ("situation_codependent_security", 0.05)),
                                  exclude=["helping"])
    assert [f.key for f in found] == ["codependent:honesty", "codependent:security"]


@pytest.mark.parametrize("message, quote", [
    ("I cover his shifts.", "I cover his shifts"),
    ("  spaced   out  words!! ", "spaced out words"),
])
def test_short_quote(message: str, quote: str) -> None:
    assert text.short_quote(message) == quote


def test_long_quotes_are_cut_at_a_word() -> None:
    quote = text.short_quote("word " * 40)
    assert quote.endswith("word…") and len(quote) <= text.MAX_QUOTE_CHARS + 1


async def test_several_patterns_are_quoted_and_summed_up(make_tracker, domain, dispatcher,
                                                         profile_store: ProfileStore) -> None:
    tracker = make_tracker(COVER["text"] + " " + FRIENDS["text"],
                           "situation_codependent_helping", 0.6,
                           ranking(("situation_codependent_helping", 0.6),
                                   ("situation_interdependent_identity", 0.3)))
    tracker.latest_message["sentence_rankings"] = [COVER, FRIENDS]
    events = await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    assert slots(events)["findings"] == ["codependent:helping", "interdependent:identity"]
    assert slots(events)["pattern"] == "mixed" and slots(events)["about"] == "self"
    assert responses(dispatcher) == ["utter_finding_quoted", "utter_explanation",
                                     "utter_finding_quoted", "utter_explanation",
                                     "utter_multi_summary_mixed", "utter_ask_helpful"]
    assert dispatcher.messages[0]["quote"] == "I cover his shifts so his boss won't find out"
    assert dispatcher.messages[4]["count"] == 2
    assert len(profile_store.results("test-user")) == 1


def followup(make_tracker, intent: str, last: List[str], **extra: Any):
    return make_tracker("why?", intent, slots={"last_findings": last, **extra})


@pytest.mark.parametrize("intent, response", [("ask_why", "utter_why"),
                                              ("ask_what_to_do", "utter_what_to_do"),
                                              ("tell_me_more", "utter_tell_me_more")])
async def test_follow_ups_answer_from_the_article(make_tracker, domain, dispatcher, intent,
                                                  response) -> None:
    events = await run(ActionFollowUp(), dispatcher,
                       followup(make_tracker, intent, ["codependent:helping"]), domain)
    assert events == []
    message = dispatcher.messages[0]
    assert message["response"] == response
    text = domain["responses"][response][0]["text"].format(**message)
    assert "Article section" in text
    if intent == "tell_me_more":
        assert message["concept_section"] == "Helping vs. enabling"


async def test_follow_up_without_a_finding_asks_for_a_situation(make_tracker, domain,
                                                                dispatcher) -> None:
    await run(ActionFollowUp(), dispatcher, followup(make_tracker, "ask_why", []), domain)
    assert responses(dispatcher) == ["utter_follow_up_without_context"]


async def test_that_is_not_it_offers_alternatives_and_the_pick_is_recorded(
        make_tracker, domain, profile_store: ProfileStore) -> None:
    asked = CollectingDispatcher()
    tracker = followup(make_tracker, "correct_finding", ["codependent:helping"],
                       last_alternatives=["codependent:honesty", "codependent:security"])
    events = slots(await run(ActionCorrectFinding(), asked, tracker, domain))
    assert events["clarify_candidates"] == ["codependent:honesty", "codependent:security"]
    assert events["correcting"]["finding"] == "codependent:helping"
    titles = [b["title"] for b in asked.messages[0]["buttons"]]
    assert len(titles) == 3 and titles[-1] == "None of these"

    picked = CollectingDispatcher()
    tracker = make_tracker('/choose_dimension{"dimension":"honesty"}', "choose_dimension",
                           slots={"clarify_candidates": events["clarify_candidates"],
                                  "dimension": "honesty", "correcting": events["correcting"]})
    result = slots(await run(ActionResolveClarification(), picked, tracker, domain))
    assert result["findings"] == ["codependent:honesty"] and result["correcting"] is None
    assert responses(picked)[0] == "utter_correction_thanks"
    (correction,) = profile_store.corrections()
    assert (correction.original, correction.corrected) == ("codependent:helping",
                                                            "codependent:honesty")


@pytest.mark.parametrize("intent, helpful, response", [
    ("feedback_helpful", True, "utter_feedback_thanks"),
    ("feedback_not_helpful", False, "utter_feedback_sorry")])
async def test_feedback_is_counted(make_tracker, domain, dispatcher, profile_store: ProfileStore,
                                   intent, helpful, response) -> None:
    tracker = make_tracker("/" + intent, intent,
                           slots={"feedback_pending": ["codependent:helping"]})
    events = await run(ActionRecordFeedback(), dispatcher, tracker, domain)
    assert slots(events) == {"feedback_pending": None}
    assert responses(dispatcher) == [response]
    assert profile_store.feedback_counts()[helpful] == 1


async def test_feedback_with_nothing_asked_is_not_counted(make_tracker, domain, dispatcher,
                                                          profile_store: ProfileStore) -> None:
    await run(ActionRecordFeedback(), dispatcher, make_tracker("helpful", "feedback_helpful"),
              domain)
    assert profile_store.feedback_counts() == {True: 0, False: 0}


# --- Self-check -----------------------------------------------------------------------

ANSWERS = {"give_and_take": "often", "helping": "often", "identity": "rarely",
           "authenticity": "sometimes", "feelings": "often", "self_worth": "rarely",
           "security": "sometimes", "boundaries": "rarely", "honesty": "often"}


def test_answers_are_read_in_each_question_s_direction() -> None:
    kb = knowledge.get()
    result = self_check.score(ANSWERS, kb)
    standings = dict(result.standings)
    assert standings["give_and_take"] == "codependent"      # often, often = codependent
    assert standings["helping"] == "interdependent"         # often, often = healthy
    assert standings["self_worth"] == "codependent"         # rarely, often = healthy
    assert standings["identity"] == "interdependent"        # rarely, often = codependent
    assert standings["authenticity"] is None                # sometimes
    assert result.needs_care == ("give_and_take", "feelings")
    assert "helping" in result.healthy and "honesty" in result.healthy
    assert "- give and take: leans codependent" in self_check.result_lines(result, kb)


@pytest.mark.parametrize("typed, phrase", [
    ("my mum", "your mum"), ("With my husband", "your husband"), ("partner", "your partner"),
    ("Sam", "Sam"), ("", None), ("a b c d e f g h i", None)])
def test_person_phrase(typed: str, phrase: Any) -> None:
    assert self_check.person_phrase(typed, knowledge.get()) == phrase


def test_validation_turns_my_into_your(make_tracker, domain, dispatcher) -> None:
    result = ValidateSelfCheckForm().validate_check_person("my best friend", dispatcher,
                                                           make_tracker("my best friend"), domain)
    assert result == {"check_person": "your best friend"}


async def test_self_check_result_names_what_needs_care_and_what_is_healthy(
        make_tracker, domain, dispatcher, profile_store: ProfileStore) -> None:
    answers = {f"sc_{d}": a for d, a in ANSWERS.items()}
    tracker = make_tracker("/answer_frequency", "answer_frequency",
                           slots={"check_person": "your mum", **answers})
    events = slots(await run(ActionSelfCheckResult(), dispatcher, tracker, domain))
    assert responses(dispatcher) == ["utter_self_check_result", "utter_self_check_needs_care",
                                     "utter_self_check_needs_care", "utter_self_check_healthy"]
    assert all(value is None for value in events.values()) and len(events) == 10
    (row,) = profile_store.results("test-user", kind="self_check")
    assert "codependent:give_and_take" in row.findings
    assert profile_store.summary("test-user").total == 0  # summaries count situations only


async def test_cancelling_clears_the_answers(make_tracker, domain, dispatcher) -> None:
    events = slots(await run(ActionCancelSelfCheck(), dispatcher, make_tracker("stop"), domain))
    assert responses(dispatcher) == ["utter_self_check_paused"]
    assert events["sc_honesty"] is None and events["check_person"] is None


def test_every_self_check_question_names_the_person_and_has_three_buttons(domain) -> None:
    for dimension in knowledge.DIMENSIONS:
        (question,) = domain["responses"][f"utter_ask_sc_{dimension}"]
        assert "{check_person}" in question["text"]
        assert [b["title"] for b in question["buttons"]] == ["Often", "Sometimes", "Rarely"]


def test_the_message_s_own_top_dimension_is_reported_first() -> None:
    whole = ranking(("situation_codependent_honesty", 0.5), ("situation_codependent_helping", 0.4))
    found = analysis.sentence_findings([COVER, HIDE], whole)
    assert [e.finding.key for e in found] == ["codependent:honesty", "codependent:helping"]


async def test_anonymous_mode_keeps_the_self_check_out_of_the_profile(
        make_tracker, domain, dispatcher, profile_store: ProfileStore) -> None:
    answers = {f"sc_{d}": a for d, a in ANSWERS.items()}
    tracker = make_tracker("/answer_frequency", "answer_frequency",
                           slots={"check_person": "your mum", "anonymous": True, **answers})
    await run(ActionSelfCheckResult(), dispatcher, tracker, domain)
    assert profile_store.results("test-user", kind="self_check") == []


def test_parse_keys_skips_what_is_not_a_finding() -> None:
    keys = ["codependent:helping", "nonsense", "codependent:nowhere", "interdependent:honesty"]
    assert [f.key for f in analysis.parse_keys(keys)] == ["codependent:helping",
                                                          "interdependent:honesty"]
    assert analysis.parse_keys(None) == []
