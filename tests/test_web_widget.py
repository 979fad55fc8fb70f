"""End to end in a headless browser: web/index.html, rasa-webchat over socket.io, a real bot.

Needs Debian's chromium (/usr/bin/chromium) and `make web-install` (web/node_modules); fails
with the reason when either is missing (skipped instead with TANDEM_ALLOW_SKIP=1).
Screenshots go to results/web/ (the CI artifact).
"""

import json
import threading
from pathlib import Path
from typing import Dict, Iterator, List, Tuple
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from bench.data import ROOT
from scripts.serve_web import WIDGET, main, make_server
from tests.servers import Bot, running_bot

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SHOTS = ROOT / "results" / "web"
REPLY_SECONDS = 60  # the first message after start-up warms the NLU pipeline up
# rasa-webchat's bundled CSS @imports the Inter font from Google; it is the only remote
# request the page makes, is blocked here, and the widget falls back to sans-serif.
ALLOWED_REMOTE_HOSTS = {"fonts.googleapis.com"}

SITUATION = ("I always pay for everything and cancel my own plans whenever my girlfriend "
             "needs something, and I never ask for anything back")
# Checked against the REST webhook of a running bot (several fresh senders, and mid-
# conversation): "he needs me" gets utter_ask_clarify with the buttons of the security,
# give-and-take ("Who does the giving") and self-worth rows and "None of these" (the
# classifier puts them within 0.08 of each other). Each retrained model is checked again.
VAGUE = "he needs me"
CHOSEN_PAYLOAD = '/choose_dimension{"dimension":"give_and_take"}'  # "Who does the giving"
AFTER_RELOAD = ("I told my mum no when she asked me to host christmas again and I honestly "
                "didn't feel guilty about it, she was fine")
NO_REPLY_HINT = (
    "no bot message reached the widget. If rasa.log (next to tracker.db) shows \"coroutine "
    "'AsyncServer.enter_room' was never awaited\", credentials.yml uses Rasa 3.6's stock "
    "`socketio` channel, whose session_request does not await enter_room (RasaHQ/rasa#13027, "
    "python-socketio >= 5.10), so no reply reaches a persistent session; use "
    "connectors.socketio.SocketIOChannel.")

needs_browser = pytest.mark.requires(
    CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
needs_widget = pytest.mark.requires(
    WIDGET.exists(),
    "web/node_modules/rasa-webchat is missing: run `make web-install` (npm ci in web/)")


@pytest.fixture(scope="module")
def web_url() -> Iterator[str]:
    """scripts/serve_web.py's server for web/ on a free loopback port, in a thread."""
    server = make_server(0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def bot(web_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder: Path = tmp_path_factory.mktemp("web")
    with running_bot(folder / "tracker.db", rasa_args=["--cors", web_url]) as running:
        yield running


@pytest.fixture()
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def bot_messages(page: Page, text: str):
    return page.locator("#rw-messages .rw-response").filter(has_text=text)


# The introduction (action_session_start), which answers the widget's opening payload
# /greet, and utter_greet's variations, which must not follow it.
GREETING_MARKS = ("not a therapist", "Hello!", "Hi there.")
# Everything shown in #rw-messages, top to bottom, without the "..." typing bubble.
TRANSCRIPT_JS = """() => Array.from(document.querySelectorAll(
    '#rw-messages .rw-message:not(.rw-typing-indication) :is(.rw-client, .rw-response)'))
  .map(e => [e.classList.contains('rw-client') ? 'person' : 'bot', e.innerText.trim()])"""


def transcript(page: Page) -> List[Tuple[str, str]]:
    return [(who, text) for who, text in page.evaluate(TRANSCRIPT_JS)]


def is_greeting(text: str) -> bool:
    return any(mark in text for mark in GREETING_MARKS)


def assert_greeting_above_first_message(page: Page, first: str) -> None:
    """The introduction and greeting are shown, all of them above the person's first message
    (the issue: they arrived after it, so the bot seemed to ignore what the person wrote)."""
    shown = transcript(page)
    people = [i for i, (who, _) in enumerate(shown) if who == "person"]
    assert people and shown[people[0]][1] == first, shown
    greetings = [i for i, (who, text) in enumerate(shown) if who == "bot" and is_greeting(text)]
    assert greetings, f"no introduction or greeting in the widget: {shown}"
    assert max(greetings) < people[0], f"a greeting is shown below the first message: {shown}"


def settled(page: Page) -> None:
    """Wait until the widget has shown every queued bot message (no "..." bubble)."""
    expect(page.locator("#rw-messages .rw-typing-indication")).to_have_count(0)


def session_id(page: Page) -> str:
    stored = page.evaluate("window.localStorage.getItem('chat_session')")
    assert stored, "the widget stored no chat_session in localStorage"
    return json.loads(stored)["session_id"]


def user_texts(tracker: Dict) -> List[str]:
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def send(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message to Tandem")
    box.fill(text)
    box.press("Enter")
    expect(page.locator("#rw-messages .rw-client").filter(has_text=text).first).to_be_visible()


@pytest.mark.slow  # a browser, the widget and a running bot
@needs_browser
@needs_widget
def test_widget_conversation_with_buttons_survives_a_reload(
        web_url: str, bot: Bot, browser: Browser) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(REPLY_SECONDS * 1000)
    expect.set_options(timeout=REPLY_SECONDS * 1000)
    errors: List[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    remote: List[str] = []

    def block_remote(route: Route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    page.route("**/*", block_remote)
    page.goto(f"{web_url}/?server={bot.url}")

    # The page itself: language, heading, the disclaimer, the bot URL from ?server=.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tandem")
    expect(page.get_by_role("note")).to_contain_text("not a therapist")
    expect(page.locator("#server-url")).to_have_text(bot.url)

    # Open the widget with its launcher, a real <button> with a name, and send a first
    # message at once, before the answer to the opening payload /greet is on screen (the bot
    # shows each message after a typing delay of at least 0.8 s).
    launcher = page.get_by_role("button", name="Open chat with Tandem")
    assert launcher.evaluate("e => e.tagName") == "BUTTON"
    launcher.click()
    first_box = page.get_by_role("textbox", name="Message to Tandem")
    first_box.fill(SITUATION)
    early = transcript(page)
    assert not [text for _, text in early if is_greeting(text)], (
        f"the greeting was on screen before the first message was sent: {early}")
    first_box.press("Enter")
    # Whatever the timing, the introduction ends up above the first message.
    expect(bot_messages(page, "not a therapist"), NO_REPLY_HINT).to_be_visible()
    expect(page.locator("#rw-messages .rw-client").filter(has_text=SITUATION)).to_have_count(1)
    assert_greeting_above_first_message(page, SITUATION)

    # Input and send button are named; the bot's messages are a live log.
    box = page.get_by_role("textbox", name="Message to Tandem")
    assert box.get_attribute("placeholder")
    assert page.get_by_role("button", name="Send").evaluate("e => e.tagName") == "BUTTON"
    assert page.get_by_role("button", name="Close chat").count() >= 1
    expect(page.get_by_role("log", name="Conversation with Tandem")).to_have_attribute(
        "aria-live", "polite")

    # A clear situation (sent above, as the first message): the finding and the article's
    # explanation.
    expect(bot_messages(page, "That sounds like a codependent pattern around give and take")
           ).to_be_visible()
    # /greet opens the session, so the introduction is the whole greeting: no second hello.
    expect(bot_messages(page, "Hello!").or_(bot_messages(page, "Hi there."))).to_have_count(0)
    # The full citation once per conversation; the quick replies offer more.
    expect(bot_messages(page, "Sharon Martin, LCSW")).to_have_count(1)
    expect(page.locator("#rw-messages .rw-replies").last.get_by_role("button")).to_have_count(4)

    # A vague one: a clarifying question with quick replies, answered by clicking one.
    send(page, VAGUE)
    expect(bot_messages(page, "I want to get this right")).to_be_visible()
    replies = page.locator("#rw-messages .rw-replies").last.get_by_role("button")
    # Two or three tied rows (the model decides how many are close) and "None of these".
    expect(replies.filter(has_text="None of these")).to_have_count(1)
    expect(replies.filter(has_text="Who does the giving")).to_have_count(1)
    assert 3 <= replies.count() <= 4, [r.inner_text() for r in replies.all()]
    for reply in replies.all():
        expect(reply).to_have_attribute("tabindex", "0")
    settled(page)
    page.screenshot(path=str(SHOTS / "widget-clarify.png"))
    replies.filter(has_text="Who does the giving").click()
    # Either pole: a repeated finding is worded "That's ... again", a new one "That sounds like".
    expect(bot_messages(page, "pattern around give and take")).to_have_count(2)
    settled(page)
    page.screenshot(path=str(SHOTS / "widget-conversation.png"))

    assert_greeting_above_first_message(page, SITUATION)
    sender = session_id(page)
    before = user_texts(bot.tracker(sender))
    assert before == ["/greet", SITUATION, VAGUE, CHOSEN_PAYLOAD]

    # Reload: the history comes back from localStorage, the session id is the same ...
    page.reload()
    expect(page.locator("#rw-messages")).to_be_visible()
    for text in (SITUATION, VAGUE):
        expect(page.locator("#rw-messages .rw-client").filter(has_text=text)).to_have_count(1)
    expect(bot_messages(page, "not a therapist")).to_have_count(1)
    expect(bot_messages(page, "pattern around give and take")).to_have_count(2)
    assert session_id(page) == sender
    assert_greeting_above_first_message(page, SITUATION)

    # ... and the conversation goes on in the same tracker.
    send(page, AFTER_RELOAD)
    # After the first finding the citation is short.
    expect(bot_messages(page, "That sounds like an interdependent (healthy) pattern")
           ).to_contain_text("(Martin, 2018)")
    expect(bot_messages(page, "Sharon Martin, LCSW")).to_have_count(1)
    settled(page)
    page.screenshot(path=str(SHOTS / "widget-after-reload.png"))
    tracker = bot.tracker(sender)
    assert user_texts(tracker) == [*before, AFTER_RELOAD]
    assert tracker["latest_input_channel"] == "socketio"
    assert tracker["slots"]["findings"] == ["interdependent:boundaries"]

    assert not errors, errors
    assert {urlparse(url).hostname for url in remote} <= ALLOWED_REMOTE_HOSTS, remote
    context.close()


def test_serve_web_refuses_to_start_without_the_widget(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(FileNotFoundError, match="make web-install"):
        make_server(0, root=tmp_path)
    # main() checks the real web/; only meaningful when the widget is not installed.
    if not WIDGET.exists():
        assert main(["0"]) == 1
        assert "make web-install" in capsys.readouterr().err

