"""The README's first command, `make shell`, holds a real conversation in a terminal."""

import os
import shutil
import signal
from pathlib import Path

import pexpect
import pytest

from tests.servers import MODEL, ROOT, free_port

pytestmark = pytest.mark.slow  # runs `make shell` with the trained model

PROMPT = "Your input ->"


@pytest.fixture
def shell(tmp_path: Path):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    env = dict(os.environ, ACTION_PORT=str(free_port()), RASA_PORT=str(free_port()),
               TANDEM_DB_URL=f"sqlite:///{tmp_path / 'shell.db'}", TERM="dumb")
    env.pop("TANDEM_ACTION_URL", None)  # let the Makefile point rasa at its action server
    child = pexpect.spawn(shutil.which("make") or "make", ["--no-print-directory", "shell"],
                          cwd=str(ROOT), env=env, encoding="utf-8", timeout=240,
                          dimensions=(50, 200))
    child.logfile_read = open(tmp_path / "shell.log", "w")
    try:
        child.expect(PROMPT)
        yield child
    finally:
        try:
            if child.isalive():
                child.sendline("/stop")
                child.expect(pexpect.EOF, timeout=60)
        finally:
            child.close(force=True)
            # The action server runs in the background of make's recipe, in make's process
            # group: end the group too, or a failed conversation leaves it running.
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def say(child: pexpect.spawn, text: str, *expected: str, until: str = PROMPT) -> None:
    """Type a line, then wait until every expected phrase has been printed, in order."""
    child.sendline(text)
    for phrase in (*expected, until):
        child.expect_exact(phrase, timeout=120)


def test_short_conversation_in_rasa_shell(shell: pexpect.spawn) -> None:
    say(shell, "hello", "I'm Tandem", "not a therapist")
    say(shell, "I cook, clean, pay the bills and plan everything, and my husband never once "
               "asks how my day was",
        "That sounds like a codependent pattern around give and take", "Sharon Martin",
        until="What could I try?")
    # rasa shell shows the quick replies as a menu; Enter picks the first one, "Why?".
    shell.expect_exact("Type out your own message...", timeout=60)
    say(shell, "", "You wrote")
    # Imminent danger (a time and the means): resources first, no buttons to pick from.
    say(shell, "I want to end my life tonight, I've got the pills here", "988",
        "findahelpline.com")
