"""Several patterns per message, follow-ups, corrections, feedback and the self-check."""

from typing import Any, Dict, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from tandem import analysis, knowledge, self_check, text
from actions.actions import ActionAnalyzeSituation, ActionResolveClarification
from actions.followup_actions import (
    ActionAboutTheAnswer,
    ActionCloseTurn,
    ActionCorrectFinding,
    ActionFollowUp,
    ActionRecordFeedback,
    ActionRespondToDistress,
)
from actions.self_check_actions import (
    ASKING_ACTIONS,
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
    # One line per pattern with the person's words, then the quick replies.
    assert responses(dispatcher) == ["utter_several_patterns", "utter_several_summary_mixed"]
    assert '"I cover his shifts so his boss won\'t find out"' in dispatcher.messages[0]["lines"]
    assert dispatcher.messages[0]["count"] == 2
    assert len(profile_store.results("test-user")) == 1


def followup(make_tracker, intent: str, last: List[str], **extra: Any):
    return make_tracker("why?", intent, slots={"last_findings": last, **extra})


async def follow_up(make_tracker, domain, intent: str, last: List[str],
                    **extra: Any) -> "tuple[CollectingDispatcher, Dict[str, Any]]":
    """Runs one follow-up; returns what was said and the slots set."""
    said = CollectingDispatcher()
    events = await run(ActionFollowUp(), said, followup(make_tracker, intent, last, **extra),
                       domain)
    return said, slots(events)


def rendered(domain, message: Dict[str, Any]) -> str:
    """A message's text as the person sees it."""
    return domain["responses"][message["response"]][0]["text"].format(**message)


@pytest.mark.parametrize("intent, pole, firsts", [
    ("ask_why", "codependent", ["utter_why_words", "utter_why_idea", "utter_why_said_all"]),
    ("ask_what_to_do", "codependent", ["utter_try_codependent_0", "utter_try_codependent_1",
                                       "utter_try_said_all_codependent"]),
    ("ask_what_to_do", "interdependent", ["utter_try_interdependent_0",
                                          "utter_try_interdependent_1",
                                          "utter_try_said_all_interdependent"]),
    ("ask_healthy", "codependent", ["utter_healthy_side", "utter_healthy_said_codependent"]),
    ("ask_healthy", "interdependent", ["utter_healthy_already",
                                       "utter_healthy_said_interdependent"]),
    ("tell_me_more", "codependent", ["utter_tell_me_more", "utter_more_point"]),
])
async def test_a_follow_up_asked_again_offers_something_new_then_says_so(
        make_tracker, domain, intent, pole, firsts) -> None:
    shared: List[str] = []
    texts = []
    for expected in firsts:
        said, state = await follow_up(make_tracker, domain, intent, [f"{pole}:give_and_take"],
                                      shared=shared,
                                      last_evidence="I do everything and he never offers")
        assert responses(said) == [expected]
        texts.append(rendered(domain, said.messages[0]))
        shared = state["shared"]
    assert len(set(texts)) == len(texts)


async def test_suggestions_are_tandem_s_and_fit_the_row(make_tracker, domain) -> None:
    said, _ = await follow_up(make_tracker, domain, "ask_what_to_do", ["codependent:helping"])
    text = rendered(domain, said.messages[0])
    assert "Tandem's suggestions" in text and "the article says" not in text.lower()
    assert said.messages[0]["options"].count("\n- ") >= 1


async def test_why_names_the_words_that_led_to_the_reading(make_tracker, domain) -> None:
    said, _ = await follow_up(make_tracker, domain, "ask_why", ["codependent:give_and_take"],
                              last_evidence="honestly I do everything and she never offers")
    text = rendered(domain, said.messages[0])
    assert '"i do everything"' in text and '"never offers"' in text


async def test_a_follow_up_names_the_self_check_row_asked_about(make_tracker, domain) -> None:
    tracker = make_tracker("what can I do about the saying no part?", "ask_what_to_do",
                           entities=[{"entity": "dimension", "value": "boundaries"}],
                           slots={"last_findings": ["codependent:give_and_take",
                                                    "codependent:boundaries"]})
    said = CollectingDispatcher()
    await run(ActionFollowUp(), said, tracker, domain)
    assert "no" in said.messages[0]["options"].lower()
    boundaries = knowledge.get().talk["boundaries"].codependent.suggestions[0]
    assert said.messages[0]["options"].splitlines()[0] == f"- {boundaries[0]}"


@pytest.mark.parametrize("intent, found, response", [
    ("ask_blame", ["codependent:helping"], "utter_about_blame"),
    ("ask_blame", [], "utter_about_blame_no_finding"),
    ("ask_normal", ["codependent:helping"], "utter_about_normal"),
    ("ask_should_leave", ["codependent:helping"], "utter_about_should_leave"),
])
async def test_questions_about_the_answer_get_a_direct_reply(make_tracker, domain, dispatcher,
                                                             intent, found, response) -> None:
    tracker = make_tracker("so it's my fault?", intent, slots={"last_findings": found})
    events = slots(await run(ActionAboutTheAnswer(), dispatcher, tracker, domain))
    assert responses(dispatcher) == [response] and list(events) == ["shared"]
    # Asked again, it is answered in other words.
    again = CollectingDispatcher()
    tracker = make_tracker("so it's my fault?", intent,
                           slots={"last_findings": found, "shared": events["shared"]})
    await run(ActionAboutTheAnswer(), again, tracker, domain)
    assert responses(again) == [f"{response}_1"]


async def test_questions_about_the_answer_while_abuse_is_known(make_tracker, domain,
                                                               dispatcher) -> None:
    tracker = make_tracker("should I leave him?", "ask_should_leave",
                           slots={"risk": "abuse", "last_findings": ["codependent:helping"]})
    await run(ActionAboutTheAnswer(), dispatcher, tracker, domain)
    assert "utter_safety_abuse_resources" in responses(dispatcher)


async def test_was_this_helpful_is_asked_once_and_only_after_an_answer(make_tracker,
                                                                       domain) -> None:
    nothing = CollectingDispatcher()
    await run(ActionCloseTurn(), nothing, make_tracker("thanks", "thanks"), domain)
    assert responses(nothing) == ["utter_thanks"]
    first = CollectingDispatcher()
    events = slots(await run(ActionCloseTurn(), first, make_tracker(
        "thanks", "thanks", slots={"shared": ["answer#0"],
                                   "last_findings": ["codependent:helping"]}), domain))
    assert responses(first) == ["utter_thanks", "utter_ask_helpful"]
    assert events["feedback_pending"] == ["codependent:helping"]
    again = CollectingDispatcher()
    await run(ActionCloseTurn(), again, make_tracker("bye", "goodbye",
                                                     slots={"shared": events["shared"]}), domain)
    assert responses(again) == ["utter_goodbye"]


@pytest.mark.parametrize("risk, response", [(None, "utter_distress"),
                                            ("self_harm", "utter_safety_offer_stands_self_harm")])
async def test_distress_is_met_with_care_and_safety_holds(make_tracker, domain, dispatcher,
                                                          risk, response) -> None:
    tracker = make_tracker("i'm just so tired of all of it", "distress", slots={"risk": risk})
    await run(ActionRespondToDistress(), dispatcher, tracker, domain)
    assert responses(dispatcher) == [response]
    assert not dispatcher.messages[0].get("buttons")


async def test_follow_up_without_a_finding_asks_for_a_situation(make_tracker, domain,
                                                                dispatcher) -> None:
    await run(ActionFollowUp(), dispatcher, followup(make_tracker, "ask_why", []), domain)
    assert responses(dispatcher) == ["utter_follow_up_without_context"]


async def test_that_is_not_it_to_a_clarifying_question_is_none_of_these(
        make_tracker, domain, dispatcher) -> None:
    """The menu's "None of these" and a typed "that's not it" get the same answer."""
    tracker = followup(make_tracker, "correct_finding", [],
                       clarify_candidates=["codependent:give_and_take", "codependent:security"])
    assert await run(ActionCorrectFinding(), dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_deny_ack"]


async def test_a_correction_remembers_which_message_it_corrects(make_tracker, domain) -> None:
    """The correction is stored against the message before "that's not it", by its time."""
    tracker = followup(make_tracker, "correct_finding", ["codependent:helping"],
                       last_alternatives=["codependent:honesty", "codependent:security"])
    tracker.events = [{"event": "user", "text": "I cover his shifts", "timestamp": 41.0},
                      {"event": "bot", "text": "That sounds like ..."},
                      {"event": "user", "text": "that's not it", "timestamp": 42.0}]
    events = slots(await run(ActionCorrectFinding(), CollectingDispatcher(), tracker, domain))
    assert events["correcting"]["message_timestamp"] == 41.0


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
    # The thanks takes the reflection's place: a corrected answer is three messages too.
    assert responses(picked) == ["utter_correction_thanks", "utter_pattern",
                                 "utter_point_codependent"]
    (correction,) = profile_store.corrections()
    assert (correction.original, correction.corrected) == ("codependent:helping",
                                                            "codependent:honesty")


async def test_a_retelling_after_a_correction_still_names_the_person(make_tracker, domain
                                                                      ) -> None:
    """"I just can't say no" after "that's not it" is about the boyfriend named before."""
    intent = "situation_codependent_boundaries"
    tracker = make_tracker("i just cant say no, even when i'm exhausted", intent, 0.9,
                           ranking((intent, 0.9), ("greet", 0.1)),
                           slots={"correcting": {"finding": "codependent:identity"},
                                  "last_evidence": "I always cancel my own plans when my "
                                                   "boyfriend wants to hang out"})
    dispatcher = CollectingDispatcher()
    await run(ActionAnalyzeSituation(), dispatcher, tracker, domain)
    reflection = dispatcher.messages[0]
    assert reflection["response"] == "utter_reflection"
    assert "your boyfriend" in reflection["reflection"]


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
    ("Sam", "Sam"), ("", None), ("a b c d e f g h i", None),
    ("It's about my boyfriend, Dev", "your boyfriend"), ("Probably my ex and me", "your ex"),
    ("my older sister who lives abroad", "your older sister"),
    ("with Sam from work", "Sam from work")])
def test_person_phrase(typed: str, phrase: Any) -> None:
    assert self_check.person_phrase(typed, knowledge.get()) == phrase


@pytest.mark.parametrize("typed, answer", [
    ("every single time, sadly", "often"), ("Now and again, depends on the week", "sometimes"),
    ("not often", "rarely"), ("hardly ever tbh", "rarely"), ("not always", "sometimes"),
    ("I dunno", None),
    ("my sister pays for everything and her husband never offers to help at all, ever", None)])
def test_answers_in_people_s_own_words(typed: str, answer: Any) -> None:
    assert self_check.read_frequency(typed) == answer


async def test_the_form_reads_an_answer_in_the_person_s_words(make_tracker, domain,
                                                              dispatcher) -> None:
    tracker = make_tracker("every single time, sadly", "answer_frequency",
                           slots={"requested_slot": "sc_feelings", "check_person": "your mum"})
    events = await ValidateSelfCheckForm().get_extraction_events(dispatcher, tracker, domain)
    assert {"event": "slot", "name": "sc_feelings", "value": "often",
            "timestamp": None} in events


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
    # One heading, one message for what needs care, one for what is healthy.
    assert responses(dispatcher) == ["utter_self_check_result", "utter_self_check_needs_care",
                                     "utter_self_check_healthy"]
    assert dispatcher.messages[1]["names"] == "give and take and your feelings"
    # The form's answers are cleared; the result's rows stay for follow-ups, care first.
    rows = events.pop("last_findings")
    assert events.pop("shared") == []
    assert {rows[0], rows[1]} == {"codependent:give_and_take", "codependent:feelings"}
    assert all(value is None for value in events.values()) and len(events) == 11
    (row,) = profile_store.results("test-user", kind="self_check")
    assert "codependent:give_and_take" in row.findings
    found = profile_store.summary("test-user")
    assert found.total == 0  # situations are counted apart ...
    assert "codependent:give_and_take" in found.self_check  # ... from the latest self-check


async def test_a_question_asked_again_is_worded_differently(make_tracker, domain) -> None:
    shared: List[str] = []
    asked = []
    for _ in range(3):
        said = CollectingDispatcher()
        ask = next(a for a in ASKING_ACTIONS if a().name() == "action_ask_sc_feelings")()
        events = slots(await run(ask, said, make_tracker("", slots={"shared": shared}), domain))
        shared = events["shared"]
        asked.append(responses(said)[0])
    assert asked == ["utter_ask_sc_feelings", "utter_ask_again_1_sc_feelings",
                     "utter_ask_again_2_sc_feelings"]
    texts = {domain["responses"][name][0]["text"] for name in asked}
    assert len(texts) == 3


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


async def test_what_to_do_while_a_child_is_at_risk_is_only_about_the_child(make_tracker,
                                                                          domain) -> None:
    said, state = await follow_up(make_tracker, domain, "ask_what_to_do",
                                  ["codependent:boundaries"], risk="child")
    assert responses(said) == ["utter_child_aware_what_to_do"]
    assert state["risk_detected"] is True


@pytest.mark.parametrize("risk", ["child", "self_harm"])
async def test_is_that_normal_after_danger_keeps_the_offer_of_help(make_tracker, domain,
                                                                   dispatcher, risk) -> None:
    tracker = make_tracker("is that normal?", "ask_normal",
                           slots={"risk": risk, "last_findings": ["codependent:helping"]})
    await run(ActionAboutTheAnswer(), dispatcher, tracker, domain)
    assert responses(dispatcher)[0].startswith("utter_safety_offer_stands")


async def test_no_was_this_helpful_after_danger(make_tracker, domain, dispatcher) -> None:
    tracker = make_tracker("thanks", "thanks", slots={"shared": ["answer#0"], "risk": "self_harm"})
    await run(ActionCloseTurn(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_thanks"]
