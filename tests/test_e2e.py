"""End to end over REST: real action server, real rasa server, slots read from the tracker."""

import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests

from tests.servers import Bot, running_bot

pytestmark = pytest.mark.slow  # starts the action server and rasa


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder: Path = tmp_path_factory.mktemp("e2e")
    with running_bot(folder / "tracker.db") as running:
        yield running


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def texts(replies) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_first_reply_introduces_tandem_and_disclaims_therapy(bot: Bot) -> None:
    replies = bot.send(new_sender(), "hello")
    assert "Tandem" in replies[0]["text"]
    assert "not a therapist" in replies[0]["text"]


def test_codependent_situation_sets_the_analysis_slots(bot: Bot) -> None:
    sender = new_sender()
    replies = bot.send(sender, "I do all the cooking, cleaning and bills and my husband never "
                               "even asks how my day was. I'm exhausted and nobody helps me.")
    slots = bot.slots(sender)
    assert slots["findings"] == ["codependent:give_and_take"]
    assert slots["pattern"] == "codependent"
    assert slots["risk_detected"] is False
    assert "codependent pattern around give and take" in texts(replies)
    assert "Sharon Martin" in texts(replies)


def test_interdependent_situation(bot: Bot) -> None:
    sender = new_sender()
    bot.send(sender, "I told my mum no when she asked me to host christmas again and I "
                     "honestly didn't feel guilty about it, she was fine")
    slots = bot.slots(sender)
    assert slots["findings"] == ["interdependent:boundaries"]
    assert slots["pattern"] == "interdependent"


def test_crisis_gets_resources_and_no_explanation(bot: Bot) -> None:
    sender = new_sender()
    replies = bot.send(sender, "I cover for him all the time and last night he choked me")
    body = texts(replies)
    # Violence: that kind's resources first (the domestic violence line, not the suicide line).
    assert "1-800-799-7233" in body and "findahelpline.com" in body
    assert "codependent pattern" not in body
    slots = bot.slots(sender)
    assert slots["risk_detected"] is True
    assert slots["findings"] == []
    assert slots["pattern"] is None


def test_slots_reset_on_a_message_that_is_not_analysed(bot: Bot) -> None:
    sender = new_sender()
    bot.send(sender, "I always lie to my sister's boss and say she's sick when she's hungover")
    assert bot.slots(sender)["findings"]
    bot.send(sender, "thanks")
    slots = bot.slots(sender)
    assert slots["findings"] == [] and slots["pattern"] is None
    assert slots["risk_detected"] is False


def test_vague_message_gets_a_clarifying_question_and_the_button_resolves_it(bot: Bot) -> None:
    sender = new_sender()
    replies = bot.send(sender, "he needs me")
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert len(buttons) >= 3  # two or three dimensions plus "None of these"
    slots = bot.slots(sender)
    assert slots["findings"] == [] and slots["pattern"] is None
    candidates = slots["clarify_candidates"]
    assert 2 <= len(candidates) <= 3
    chosen = buttons[1]["payload"]
    replies = bot.send(sender, chosen)
    dimension = chosen.split('"dimension":"')[1].split('"')[0]
    findings = bot.slots(sender)["findings"]
    assert len(findings) == 1 and findings[0].endswith(f":{dimension}")
    assert "That sounds like" in texts(replies)


def test_typed_dimension_name_also_resolves_the_question(bot: Bot) -> None:
    sender = new_sender()
    bot.send(sender, "he needs me")
    assert bot.slots(sender)["clarify_candidates"]
    bot.send(sender, "being abandoned")
    assert bot.slots(sender)["findings"][0].endswith(":security")


def test_choosing_a_dimension_with_nothing_to_clarify_asks_for_the_situation(bot: Bot) -> None:
    sender = new_sender()
    replies = bot.send(sender, '/choose_dimension{"dimension":"helping"}')
    assert "what's happening" in texts(replies)
    assert bot.slots(sender)["findings"] == []


@pytest.mark.parametrize("text,answer", [
    ("", "didn't catch anything"),
    ("   ", "didn't catch anything"),
    ("\U0001F62D\U0001F62D\U0001F62D", "only read words"),
    ("hola, mi novio no me deja salir con mis amigas y siempre revisa mi telefono",
     "only understand English"),
    ("what's the capital of Australia", "outside what I can help with"),
], ids=["empty", "whitespace", "emoji", "spanish", "off-topic"])
def test_unusable_input_gets_a_kind_answer(bot: Bot, text: str, answer: str) -> None:
    sender = new_sender()
    bot.send(sender, "hi")  # past the introduction, so the answer is the only reply
    replies = bot.send(sender, text)
    assert answer in texts(replies)
    assert bot.slots(sender)["findings"] == []


def test_a_long_outpouring_is_read_not_refused(bot: Bot) -> None:
    """600 words get the sentences that carry patterns, quoted, not "please shorten it"."""
    story = ("It started when we moved in together and I honestly don't know when it changed. "
             "I pay for everything and he never says thank you, not even for the rent. "
             "When he's in a bad mood I feel it all day, like his mood becomes mine. "
             "My friends say I've disappeared, and I don't really know what I like anymore. ")
    sender = new_sender()
    bot.send(sender, "hi")
    replies = bot.send(sender, story * 12)  # about 3,500 characters
    assert "focused on the parts" in texts(replies)
    assert len(replies) <= 3
    assert bot.slots(sender)["findings"]


def test_concept_question_is_answered_from_the_article(bot: Bot) -> None:
    replies = bot.send(new_sender(), "what is the difference between helping and enabling?")
    assert "Source: Sharon Martin" in texts(replies)


def test_forced_intent_cannot_fake_findings_or_skip_the_safety_screen(bot: Bot) -> None:
    sender = new_sender()
    bot.send(sender, "/situation_codependent_helping")
    assert bot.slots(sender)["findings"] == []
    replies = bot.send(sender, "/crisis_self_harm")
    assert "988" in texts(replies)
    assert bot.slots(sender)["risk_detected"] is True


@pytest.mark.parametrize("channel", ["slack", "telegram"])
def test_channels_without_credentials_are_switched_off(bot: Bot, channel: str) -> None:
    response = requests.post(f"{bot.url}/webhooks/{channel}/webhook", json={"a": 1},
                             timeout=30)
    assert response.status_code == 404
    assert "not configured" in response.json()["error"]


# --- Memory: summary, forget me, anonymous mode, sender ids (SQLite) -----------------------

SITUATIONS = [
    "I always lie to my sister's boss and say she's sick when she's hungover",
    "I do all the cooking, cleaning and bills and my husband never even asks how my day "
    "was. I'm exhausted and nobody helps me.",
    "I told my mum no when she asked me to host christmas again and I honestly didn't feel "
    "guilty about it, she was fine",
]


def test_summary_counts_what_the_person_described(bot: Bot) -> None:
    sender = new_sender()
    for text in SITUATIONS:
        bot.send(sender, text)
    analysed = sum(1 for e in bot.tracker(sender)["events"]
                   if e["event"] == "slot" and e["name"] == "findings" and e["value"])
    assert bot.rows("tandem_results", sender) == analysed >= 2
    body = texts(bot.send(sender, "show my summary"))
    assert f"({analysed} in all)" in body
    assert "codependent" in body and "Article section" in body


def test_forget_me_deletes_every_row_of_that_person_only(bot: Bot) -> None:
    sender, other = new_sender(), new_sender()
    for person in (sender, other):
        bot.send(person, SITUATIONS[1])
    assert bot.rows("events", sender) > 0 and bot.rows("tandem_results", sender) == 1
    replies = bot.send(sender, "please forget me")
    buttons = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert buttons == ["/affirm", "/deny"]
    assert "deleted" in texts(bot.send(sender, "/affirm"))
    assert bot.rows("events", sender) == 0
    assert bot.rows("tandem_results", sender) == 0
    assert bot.rows("events", other) > 0 and bot.rows("tandem_results", other) == 1
    assert "Tandem" in texts(bot.send(sender, "hi"))  # a fresh start, with the intro


def test_saying_no_to_forgetting_keeps_everything(bot: Bot) -> None:
    sender = new_sender()
    bot.send(sender, SITUATIONS[0])
    bot.send(sender, "delete all my data")
    assert "haven't deleted anything" in texts(bot.send(sender, "/deny"))
    assert bot.rows("tandem_results", sender) == 1


def test_anonymous_mode_records_nothing_more(bot: Bot) -> None:
    sender = new_sender()
    bot.send(sender, SITUATIONS[0])
    assert "won't add anything" in texts(bot.send(sender, "don't remember me"))
    bot.send(sender, SITUATIONS[1])
    assert bot.slots(sender)["findings"]  # still explained
    assert bot.rows("tandem_results", sender) == 1


@pytest.mark.parametrize("sender", ["Zoë 😀 日本 ✓", "x'); DROP TABLE events;--", "a" * 255,
                                    "50%_off\\path"])
def test_unusual_sender_ids_are_stored_and_kept_apart(bot: Bot, sender: str) -> None:
    # Read from the database: Rasa's HTTP API does not unquote ids in its URL paths.
    assert "give and take" in texts(bot.send(sender, SITUATIONS[1]))
    assert bot.rows("events", sender) > 0
    assert bot.rows("tandem_results", sender) == 1


@pytest.mark.parametrize("body", [
    {"sender": "x" * 256, "message": "hi"},
    {"sender": "", "message": "hi"},
    {"sender": "a\nb", "message": "hi"},
    {"message": "hi"},
    {"sender": 42, "message": "hi"},
    {"sender": "ok", "message": ["hi"]},
    {"sender": "ok", "message": "x" * 20_001},
    {"sender": "ok", "message": "I do everything for him. " * 4_000},  # 100,000 characters
    [1, 2, 3],
])
def test_bad_rest_bodies_get_a_clean_400(bot: Bot, body: object) -> None:
    response = requests.post(f"{bot.url}/webhooks/rest/webhook", json=body, timeout=30)
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.parametrize("raw", [
    b"{not json", b"\xff\xfe\x00", b"",
    b'{"sender": "ok", "message": "invalid \xff\xfe utf-8"}',
    b'{"sender": "ok", "message": "lone surrogate \\ud800"}',
    b'{"sender": "\\udfff", "message": "hi"}',
])
def test_non_json_rest_bodies_get_a_clean_400(bot: Bot, raw: bytes) -> None:
    response = requests.post(f"{bot.url}/webhooks/rest/webhook", data=raw, timeout=30,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert bot.send(new_sender(), "hello")  # and the server keeps serving


@pytest.mark.parametrize("content_type, body", [
    ("text/plain", b'{"sender": "ok", "message": "hi"}'),
    ("application/x-www-form-urlencoded", b"sender=ok&message=hi"),
    ("", b'{"sender": "ok", "message": "hi"}'),
])
def test_wrong_content_type_gets_a_clean_415(bot: Bot, content_type: str, body: bytes) -> None:
    response = requests.post(f"{bot.url}/webhooks/rest/webhook", data=body, timeout=30,
                             headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert "application/json" in response.json()["error"]


@pytest.mark.parametrize("payload", [
    '/situation_codependent_helping{"dimension": "helping"}',
    '/choose_dimension{"dimension": "not_a_dimension"}',
    '/situation_interdependent_boundaries@0.99',
    '/out_of_scope{"input_issue": "<script>alert(1)</script>"}',
    '/nlu_fallback',
    '/no_such_intent',
])
def test_forced_intents_never_produce_findings(bot: Bot, payload: str) -> None:
    sender = new_sender()
    bot.send(sender, "hi")
    replies = bot.send(sender, payload)
    assert replies and all(r.get("text") for r in replies)
    slots = bot.slots(sender)
    assert slots["findings"] == [] and slots["pattern"] is None


def test_danger_inside_a_forced_payload_still_gets_the_safety_reply(bot: Bot) -> None:
    sender = new_sender()
    replies = bot.send(sender, '/situation_codependent_helping{"dimension": "he said he will '
                               'kill me tonight"}')
    assert "1-800-799-7233" in texts(replies)
    assert bot.slots(sender)["risk_detected"] is True


def test_twenty_messages_in_one_second_from_one_sender(bot: Bot) -> None:
    from concurrent.futures import ThreadPoolExecutor

    sender = new_sender()
    bot.send(sender, "hi")
    messages = [f"message {i}: I always do the dishes and he never helps" for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda text: bot.send(sender, text), messages))
    assert all(replies)  # every one answered, none refused or lost
    events = bot.tracker(sender)["events"]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(users[1:]) == sorted(messages)
    # Handled one at a time: every user turn is answered before the next one starts.
    kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
    turns = "".join("u" if k == "user" else "b" for k in kinds)
    # "hi" opens the session, so the introduction before it is its only answer.
    after_hello = turns[turns.index("u") + 1:]
    assert "uu" not in after_hello and after_hello.endswith("b")
    assert bot.send(new_sender(), "hello")  # and the server keeps serving others


# --- Deeper conversations: several patterns, follow-ups, the self-check --------------------

@pytest.mark.parametrize("text, findings, pattern", [
    ("I do all the cooking and cleaning and he never lifts a finger. I'm terrified he'll "
     "leave me if I ever complain.",
     ["codependent:give_and_take", "codependent:security"], "codependent"),
    ("My husband and I split the chores and both support each other. But I can't say no to "
     "my mum, I always end up agreeing to whatever she wants.",
     ["codependent:boundaries", "interdependent:give_and_take"], "mixed"),
])
def test_two_patterns_in_one_message_are_both_reported_with_the_person_s_words(
        bot: Bot, text: str, findings: list, pattern: str) -> None:
    sender = new_sender()
    body = texts(bot.send(sender, text))
    slots = bot.slots(sender)
    assert slots["findings"] == findings and slots["pattern"] == pattern
    assert body.count('- "') == 2
    assert "I noticed 2 patterns" in body
    assert len(bot.send(sender, "ok thanks")) <= 2


def test_why_and_what_to_do_after_an_explanation(bot: Bot) -> None:
    sender = new_sender()
    bot.send(sender, SITUATIONS[1])
    assert "You wrote" in texts(bot.send(sender, "why?"))
    first = texts(bot.send(sender, "what can I do about it"))
    assert "Tandem's suggestions" in first
    again = texts(bot.send(sender, "anything else I could try?"))
    assert again and again != first


def test_self_check_over_rest_with_a_crisis_in_the_middle(bot: Bot) -> None:
    sender = new_sender()
    assert "who is the relationship with" in texts(bot.send(sender, "check my relationship"))
    first = bot.send(sender, "my mum")
    assert "your mum" in texts(first) and len(first[-1]["buttons"]) == 3
    bot.send(sender, '/answer_frequency{"frequency":"often"}')
    crisis = texts(bot.send(sender, "I want to kill myself"))
    assert "988" in crisis and "paused the self-check" in crisis
    resumed = texts(bot.send(sender, "check my relationship"))
    assert "2/9." in resumed  # picks up at the second question
    for answer in ["rarely", "often", "sometimes", "often", "rarely", "often", "sometimes",
                   "rarely"]:
        replies = bot.send(sender, f'/answer_frequency{{"frequency":"{answer}"}}')
    result = texts(replies)
    assert "row by row" in result and "most needs care" in result
    assert bot.rows("tandem_results", sender) == 1
