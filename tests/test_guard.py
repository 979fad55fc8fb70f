"""connectors.guard: the trouble replies go through Rasa's response generation, per channel."""

import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain

from connectors import guard as guard_module
from connectors.guard import MAX_SENDER_ID, STORAGE_TROUBLE, TROUBLE, guard, trouble_reply
from storage.outage import HANDLING_MESSAGE, StorageUnavailable
from tandem import vocabulary

ROOT = Path(__file__).resolve().parent.parent
PLAIN_TROUBLE = "Sorry, trouble (plain)."
SLACK_TROUBLE = "Sorry, *trouble* (Slack)."
PLAIN_STORAGE = "Sorry, no memory (plain)."
SLACK_STORAGE = "Sorry, *no memory* (Slack)."


@pytest.fixture
def agent(monkeypatch: pytest.MonkeyPatch) -> Agent:
    """An agent with Rasa's templated NLG on a domain with Slack variations."""
    domain = Domain.from_dict({"responses": {
        TROUBLE: [{"text": PLAIN_TROUBLE}, {"text": SLACK_TROUBLE, "channel": "slack"}],
        STORAGE_TROUBLE: [{"text": PLAIN_STORAGE},
                          {"text": SLACK_STORAGE, "channel": "slack",
                           "buttons": [{"title": "Try again", "payload": "/greet"}]}],
    }})
    made = Agent(domain=domain)
    monkeypatch.setattr(guard_module, "current_agent", lambda: made)
    return made


class Channel(CollectingOutputChannel):
    """Collects what is sent, under a chosen channel name."""

    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel

    def name(self) -> str:
        return self.channel


def _texts(channel: Channel) -> List[str]:
    return [m.get("text") for m in channel.messages]


@pytest.mark.parametrize("channel, expected", [("slack", SLACK_TROUBLE), ("rest", PLAIN_TROUBLE),
                                               ("telegram", PLAIN_TROUBLE)])
async def test_the_trouble_reply_uses_the_channel_s_variation(agent: Agent, channel: str,
                                                              expected: str) -> None:
    reply = await trouble_reply(TROUBLE, "ann", channel)
    assert reply["text"] == expected and reply["utter_action"] == TROUBLE


@pytest.mark.parametrize("channel", ["slack", "rest"])
async def test_the_reply_is_what_rasa_sends_for_an_utter_action(agent: Agent,
                                                                channel: str) -> None:
    from rasa.core.actions.action import ActionBotResponse
    from rasa.shared.core.trackers import DialogueStateTracker

    reply = await trouble_reply(STORAGE_TROUBLE, "ann", channel)
    [uttered] = await ActionBotResponse(STORAGE_TROUBLE).run(
        Channel(channel), agent.nlg, DialogueStateTracker("ann", agent.domain.slots),
        agent.domain)
    rasa_s = uttered.message()  # what Rasa's processor sends to the channel
    assert {**reply, "timestamp": None} == {**rasa_s, "timestamp": None}
    if channel == "slack":
        assert reply["text"] == SLACK_STORAGE
        assert reply["buttons"] == [{"title": "Try again", "payload": "/greet"}]


async def _handled(handler: Any, channel: str) -> Channel:
    output = Channel(channel)
    await guard(handler)(UserMessage("hello", output, "ann"))
    return output


@pytest.mark.parametrize("channel, expected", [("slack", SLACK_STORAGE), ("rest", PLAIN_STORAGE)])
async def test_storage_down_gets_the_storage_reply_for_the_channel(agent: Agent, channel: str,
                                                                   expected: str) -> None:
    async def storage_down(message: UserMessage) -> None:
        assert HANDLING_MESSAGE.get()
        raise StorageUnavailable("tracker store unreachable: OperationalError")

    assert _texts(await _handled(storage_down, channel)) == [expected]


@pytest.mark.parametrize("channel, expected", [("slack", SLACK_TROUBLE), ("rest", PLAIN_TROUBLE)])
async def test_silence_or_a_failure_gets_the_trouble_reply(agent: Agent, channel: str,
                                                           expected: str) -> None:
    async def silent(message: UserMessage) -> None:
        return None

    async def failing(message: UserMessage) -> None:
        raise RuntimeError("action server down")

    assert _texts(await _handled(silent, channel)) == [expected]
    assert _texts(await _handled(failing, channel)) == [expected]


async def test_an_answered_message_gets_nothing_more(agent: Agent) -> None:
    async def answers(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "hi"})

    assert _texts(await _handled(answers, "slack")) == ["hi"]


async def test_without_a_model_the_person_still_gets_an_answer(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_agent() -> Any:
        raise AttributeError("no agent loaded")

    monkeypatch.setattr(guard_module, "current_agent", no_agent)
    reply: Dict[str, Any] = await trouble_reply(TROUBLE, "ann", "rest")
    assert reply == guard_module.LAST_RESORT


def test_the_sender_id_limit_is_the_vocabulary_s() -> None:
    from connectors.rest import body_problem

    assert MAX_SENDER_ID == vocabulary.MAX_SENDER_ID
    problem = body_problem(b'{"sender": "' + b"x" * 256 + b'", "message": "hi"}')
    assert problem is not None and f"1 to {vocabulary.MAX_SENDER_ID}" in problem


def test_channels_do_not_import_the_tracker_store() -> None:
    code = ("import sys, connectors.guard, storage.outage\n"
            "print(sorted(m for m in ('storage.tracker_store', 'rasa.core.tracker_store', "
            "'sqlalchemy', 'rasa.core.agent') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_the_outage_module_needs_no_rasa() -> None:
    code = "import sys, storage.outage\nprint(any(m.startswith('rasa') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr[-2000:]
