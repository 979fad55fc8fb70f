"""Summary, forget-me and anonymous mode, with the actions writing to a real SQLite store."""

import logging
from typing import List

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

from actions import actions as actions_module
from actions import followup_actions, memory_actions
from actions.actions import ActionAnalyzeSituation, ActionResolveClarification
from actions.followup_actions import ActionRecordFeedback
from actions.memory_actions import ActionForgetMe, ActionGoAnonymous, ActionShowSummary
from actions.self_check_actions import ActionSelfCheckResult
from tandem import knowledge
from actions import summary
from storage.profiles import ProfileStore
from storage.repository import ProfileRepository
from tests.conftest import ranking
from tests.test_actions import responses, run, slots

HELPING = "situation_codependent_helping"


async def analyse(make_tracker, domain, intent: str = HELPING, **tracker_args) -> None:
    tracker = make_tracker("I cover his shifts so his boss won't find out", intent, 0.9,
                           ranking((intent, 0.9), ("greet", 0.1)), **tracker_args)
    await run(ActionAnalyzeSituation(), CollectingDispatcher(), tracker, domain)


async def test_each_explained_situation_is_recorded_without_its_words(
        make_tracker, domain, profile_store: ProfileStore) -> None:
    await analyse(make_tracker, domain)
    await analyse(make_tracker, domain, "situation_interdependent_boundaries")
    rows = profile_store.results("test-user")
    assert [r.findings for r in rows] == ['["codependent:helping"]',
                                          '["interdependent:boundaries"]']
    assert all("cover" not in str(vars(r)) for r in rows)


async def test_a_picked_dimension_is_recorded(make_tracker, domain,
                                              profile_store: ProfileStore) -> None:
    tracker = make_tracker('/choose_dimension{"dimension":"helping"}', "choose_dimension",
                           slots={"clarify_candidates": ["codependent:helping",
                                                         "codependent:honesty"],
                                  "dimension": "helping"})
    await run(ActionResolveClarification(), CollectingDispatcher(), tracker, domain)
    assert profile_store.summary("test-user").most_frequent == "codependent:helping"


async def test_anonymous_mode_stops_recording(make_tracker, domain, dispatcher,
                                              profile_store: ProfileStore) -> None:
    events = await run(ActionGoAnonymous(), dispatcher, make_tracker("don't remember me"), domain)
    assert slots(events) == {"anonymous": True}
    assert responses(dispatcher) == ["utter_anonymous_on"]
    await analyse(make_tracker, domain, slots={"anonymous": True})
    assert profile_store.results("test-user") == []


async def test_summary_counts_dimensions_and_gives_the_growth_advice(
        make_tracker, domain, dispatcher, profile_store: ProfileStore) -> None:
    for intent in (HELPING, HELPING, "situation_interdependent_boundaries"):
        await analyse(make_tracker, domain, intent)
    await run(ActionShowSummary(), dispatcher, make_tracker("show my summary", "show_summary"),
              domain)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_summary"
    assert message["total"] == 3 and message["top_count"] == 2
    assert message["top_dimension"] == "helping"
    kb = knowledge.get()
    assert message["top_advice"] == kb.dimension("helping").codependent.advice
    assert "- helping: 2 codependent, 0 interdependent" in message["lines"]
    boundaries = kb.dimension("boundaries").name
    assert f"- {boundaries}: 0 codependent, 1 interdependent" in message["lines"]
    template = domain["responses"]["utter_summary"][0]["text"]
    assert template.format(**message)  # every placeholder is filled


async def test_summary_on_the_web_widget_comes_with_a_chart(make_tracker, domain, dispatcher,
                                                            profile_store: ProfileStore) -> None:
    await analyse(make_tracker, domain)
    tracker = make_tracker("show my summary", "show_summary")
    tracker.events.append({"event": "user", "text": "show my summary",
                           "input_channel": "socketio", "parse_data": {}})
    await run(ActionShowSummary(), dispatcher, tracker, domain)
    images = [m["image"] for m in dispatcher.messages if m.get("image")]
    assert len(images) == 1 and images[0].startswith("data:image/png;base64,")


def test_chart_is_a_png_of_all_nine_dimensions() -> None:
    png = summary.chart_png({"helping": {"codependent": 2, "interdependent": 1}},
                            knowledge.get())
    assert png.startswith(b"\x89PNG") and 5_000 < len(png) < 200_000


async def test_summary_with_nothing_recorded(make_tracker, domain, dispatcher) -> None:
    await run(ActionShowSummary(), dispatcher, make_tracker("my results", "show_summary"), domain)
    assert responses(dispatcher) == ["utter_summary_empty"]


async def test_forget_me_deletes_the_results_and_marks_the_conversation(
        make_tracker, domain, dispatcher, profile_store: ProfileStore) -> None:
    await analyse(make_tracker, domain)
    profile_store.record("someone-else", ["codependent:honesty"], "codependent", "rest")
    events = await run(ActionForgetMe(), dispatcher, make_tracker("/affirm", "affirm"), domain)
    assert slots(events) == {"forget_confirmed": True}
    assert responses(dispatcher) == ["utter_forgotten"]
    assert profile_store.results("test-user") == []
    assert profile_store.summary("someone-else").total == 1


async def test_summary_in_anonymous_mode_says_later_messages_are_missing(
        make_tracker, domain, dispatcher, profile_store: ProfileStore) -> None:
    await analyse(make_tracker, domain)
    tracker = make_tracker("show my summary", "show_summary", slots={"anonymous": True})
    await run(ActionShowSummary(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_summary", "utter_summary_anonymous_note"]


async def test_forget_me_with_nothing_kept_still_forgets(make_tracker, domain,
                                                        dispatcher) -> None:
    events = await run(ActionForgetMe(), dispatcher, make_tracker("/affirm", "affirm"), domain)
    assert slots(events) == {"forget_confirmed": True}
    assert responses(dispatcher) == ["utter_forgotten"]


# --- The database is down: the repository swallows it, the person still gets an answer ---

@pytest.fixture
def broken_storage(monkeypatch) -> List[int]:
    """Every action's profiles() is a ProfileRepository whose database cannot be opened."""
    attempts: List[int] = []

    def unreachable() -> ProfileStore:
        attempts.append(1)
        raise OperationalError("connect", None, ConnectionRefusedError("database is down"))

    repository = ProfileRepository(store_factory=unreachable)
    for module in (actions_module, memory_actions, followup_actions):
        monkeypatch.setattr(module, "profiles", lambda: repository)
    return attempts


@pytest.mark.parametrize("action, text, intent", [
    (ActionShowSummary(), "show my summary", "show_summary"),
    (ActionForgetMe(), "/affirm", "affirm"),
])
async def test_summary_and_forget_me_say_the_memory_is_unreachable(
        make_tracker, domain, dispatcher, broken_storage, caplog, action, text, intent) -> None:
    with caplog.at_level(logging.WARNING):
        events = await run(action, dispatcher, make_tracker(text, intent), domain)
    assert responses(dispatcher) == ["utter_storage_trouble"]
    # Above all, a failed forget must not mark the conversation for deletion as if done.
    assert events == []
    assert broken_storage and "test-user" not in caplog.text


async def test_analysis_self_check_and_feedback_still_answer_without_storage(
        make_tracker, domain, broken_storage) -> None:
    explained = CollectingDispatcher()
    tracker = make_tracker("I cover his shifts so his boss won't find out", HELPING, 0.9,
                           ranking((HELPING, 0.9), ("greet", 0.1)))
    events = await run(ActionAnalyzeSituation(), explained, tracker, domain)
    assert slots(events)["findings"] == ["codependent:helping"]
    assert responses(explained)[-1] == "utter_point_codependent"

    picked = CollectingDispatcher()
    tracker = make_tracker('/choose_dimension{"dimension":"honesty"}', "choose_dimension",
                           slots={"clarify_candidates": ["codependent:honesty"],
                                  "dimension": "honesty",
                                  "correcting": {"finding": "codependent:helping",
                                                 "message_timestamp": 1.0}})
    events = await run(ActionResolveClarification(), picked, tracker, domain)
    assert slots(events)["findings"] == ["codependent:honesty"]
    assert responses(picked)[:2] == ["utter_correction_thanks", "utter_pattern"]

    thanked = CollectingDispatcher()
    tracker = make_tracker("/feedback_helpful", "feedback_helpful",
                           slots={"feedback_pending": ["codependent:helping"]})
    events = await run(ActionRecordFeedback(), thanked, tracker, domain)
    assert slots(events) == {"feedback_pending": None}
    assert responses(thanked) == ["utter_feedback_thanks"]

    checked = CollectingDispatcher()
    answers = {f"sc_{d}": "often" for d in knowledge.DIMENSIONS}
    tracker = make_tracker("/answer_frequency", "answer_frequency",
                           slots={"check_person": "your mum", **answers})
    events = await run(ActionSelfCheckResult(), checked, tracker, domain)
    assert responses(checked)[0] == "utter_self_check_result"
    state = slots(events)
    assert state.pop("last_findings")  # the result's rows, for follow-ups
    assert state.pop("shared") == []
    assert all(value is None for value in state.values())
    # Every write was tried (analysis, correction and its result, feedback, self-check).
    assert len(broken_storage) == 5
