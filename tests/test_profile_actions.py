"""Summary, forget-me and anonymous mode, with the actions writing to a real SQLite store."""

from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnalyzeSituation, ActionResolveClarification
from actions.memory_actions import ActionForgetMe, ActionGoAnonymous, ActionShowSummary
from tandem import knowledge
from actions import summary
from storage.profiles import ProfileStore
from tests.conftest import ranking
from tests.test_actions import responses, run, slots

HELPING = "situation_codependent_helping"


def analyse(make_tracker, domain, intent: str = HELPING, **tracker_args) -> None:
    tracker = make_tracker("I cover his shifts so his boss won't find out", intent, 0.9,
                           ranking((intent, 0.9), ("greet", 0.1)), **tracker_args)
    run(ActionAnalyzeSituation(), CollectingDispatcher(), tracker, domain)


def test_each_explained_situation_is_recorded_without_its_words(
        make_tracker, domain, profile_store: ProfileStore) -> None:
    analyse(make_tracker, domain)
    analyse(make_tracker, domain, "situation_interdependent_boundaries")
    rows = profile_store.results("test-user")
    assert [r.findings for r in rows] == ['["codependent:helping"]',
                                          '["interdependent:boundaries"]']
    assert all("cover" not in str(vars(r)) for r in rows)


def test_a_picked_dimension_is_recorded(make_tracker, domain,
                                        profile_store: ProfileStore) -> None:
    tracker = make_tracker('/choose_dimension{"dimension":"helping"}', "choose_dimension",
                           slots={"clarify_candidates": ["codependent:helping",
                                                         "codependent:honesty"],
                                  "dimension": "helping"})
    run(ActionResolveClarification(), CollectingDispatcher(), tracker, domain)
    assert profile_store.summary("test-user").most_frequent == "codependent:helping"


def test_anonymous_mode_stops_recording(make_tracker, domain, dispatcher,
                                        profile_store: ProfileStore) -> None:
    events = run(ActionGoAnonymous(), dispatcher, make_tracker("don't remember me"), domain)
    assert slots(events) == {"anonymous": True}
    assert responses(dispatcher) == ["utter_anonymous_on"]
    analyse(make_tracker, domain, slots={"anonymous": True})
    assert profile_store.results("test-user") == []


def test_summary_counts_dimensions_and_gives_the_growth_advice(
        make_tracker, domain, dispatcher, profile_store: ProfileStore) -> None:
    for intent in (HELPING, HELPING, "situation_interdependent_boundaries"):
        analyse(make_tracker, domain, intent)
    run(ActionShowSummary(), dispatcher, make_tracker("show my summary", "show_summary"),
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


def test_summary_on_the_web_widget_comes_with_a_chart(make_tracker, domain, dispatcher,
                                                      profile_store: ProfileStore) -> None:
    analyse(make_tracker, domain)
    tracker = make_tracker("show my summary", "show_summary")
    tracker.events.append({"event": "user", "text": "show my summary",
                           "input_channel": "socketio", "parse_data": {}})
    run(ActionShowSummary(), dispatcher, tracker, domain)
    images = [m["image"] for m in dispatcher.messages if m.get("image")]
    assert len(images) == 1 and images[0].startswith("data:image/png;base64,")


def test_chart_is_a_png_of_all_nine_dimensions() -> None:
    png = summary.chart_png({"helping": {"codependent": 2, "interdependent": 1}},
                            knowledge.get())
    assert png.startswith(b"\x89PNG") and 5_000 < len(png) < 200_000


def test_summary_with_nothing_recorded(make_tracker, domain, dispatcher) -> None:
    run(ActionShowSummary(), dispatcher, make_tracker("my results", "show_summary"), domain)
    assert responses(dispatcher) == ["utter_summary_empty"]


def test_forget_me_deletes_the_results_and_marks_the_conversation(
        make_tracker, domain, dispatcher, profile_store: ProfileStore) -> None:
    analyse(make_tracker, domain)
    profile_store.record("someone-else", ["codependent:honesty"], "codependent", "rest")
    events = run(ActionForgetMe(), dispatcher, make_tracker("/affirm", "affirm"), domain)
    assert slots(events) == {"forget_confirmed": True}
    assert responses(dispatcher) == ["utter_forgotten"]
    assert profile_store.results("test-user") == []
    assert profile_store.summary("someone-else").total == 1


def test_summary_in_anonymous_mode_says_later_messages_are_missing(
        make_tracker, domain, dispatcher, profile_store: ProfileStore) -> None:
    analyse(make_tracker, domain)
    tracker = make_tracker("show my summary", "show_summary", slots={"anonymous": True})
    run(ActionShowSummary(), dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_summary", "utter_summary_anonymous_note"]
