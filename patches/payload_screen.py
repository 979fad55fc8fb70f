"""Danger inside a typed "/intent" payload is screened like any other message."""

import functools
from typing import Any, List

from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message


def screen_payloads() -> str:
    """Runs Tandem's danger screen on "/intent" payloads after Rasa has parsed them.

    Rasa's RegexMessageHandler runs after every NLU component and replaces the parse of a
    message starting with "/" by a new message holding only the payload's intent and
    entities, so the message screen's verdict on it is lost. People can type payloads
    (README, "Typed /intent payloads"); danger typed inside one
    (`/situation_codependent_helping{"dimension": "he will kill me tonight"}`) must still
    get the safety reply, so the same screen runs on the raw text here.
    """
    from components.message_screen import screen_for_danger

    process = RegexMessageHandler.process

    @functools.wraps(process)
    def process_and_screen(self: RegexMessageHandler, messages: List[Message],
                           domain: Any = None) -> List[Message]:
        parsed = process(self, messages, domain)
        for message in parsed:
            if str(message.get(TEXT) or "").startswith("/"):
                screen_for_danger(message)
        return parsed

    RegexMessageHandler.process = process_and_screen
    return "danger in typed /intent payloads screened"
