"""Answers to follow-ups about the latest finding, shared by the follow-up and analysis actions.

A message that opens with a follow-up ("What else? He gets upset whenever I suggest
anything") is a follow-up even when the classifier reads a situation in it.
"""

from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    latest_entity,
    memory,
    remembered_risk,
    safety_reply,
    said,
    say,
    utter_fresh,
)
from tandem import conversation, knowledge
from tandem.vocabulary import DIMENSION, LAST_EVIDENCE, LAST_FINDINGS, Finding, parse_keys


def latest_finding(tracker: Tracker) -> Optional[Finding]:
    """The finding a follow-up is about: the row the person names, else the latest one.

    After the self-check every row has a finding, so "what can I do about the saying no
    part?" is about that row.
    """
    findings = parse_keys(tracker.get_slot(LAST_FINDINGS))
    named = latest_entity(tracker, DIMENSION)
    chosen = next((f for f in findings if f.dimension == named), None)
    return chosen or next(iter(findings), None)


def finding_or_ask(dispatcher: CollectingDispatcher, tracker: Tracker,
                   events: List[EventType]) -> Optional[Finding]:
    """The latest finding; without one, asks the person to describe a situation first."""
    finding = latest_finding(tracker)
    if finding is None:
        events.extend(utter_fresh(dispatcher, tracker, "utter_follow_up_without_context"))
    return finding


def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker,
                     intent: Optional[str], row: Optional[Finding] = None) -> List[EventType]:
    """Why, what could I try, what healthy looks like, or more, about the latest finding.

    `row` is another row the question names ("what does it look like when someone knows
    their worth?"). While a child is known to be at risk, "what can I do?" names who can
    help with the child, and nothing more.
    """
    if remembered_risk(tracker) == "child" and intent == "ask_what_to_do":
        # A child at risk comes before any pattern, and no advice about the people
        # involved: who can help with the child, and nothing else.
        dispatcher.utter_message(response="utter_child_aware_what_to_do")
        return safety_reply("child")
    asked: List[EventType] = []
    finding = row or finding_or_ask(dispatcher, tracker, asked)
    if finding is None:
        return asked
    kb = knowledge.get()
    remembered = memory(tracker)
    if intent == "ask_why":
        reply = conversation.why(kb, finding, str(tracker.get_slot(LAST_EVIDENCE) or ""),
                                 remembered, question=tracker.latest_message.get("text") or "")
    elif intent == "ask_what_to_do":
        reply = conversation.suggestions(kb, finding, remembered)
    elif intent == "ask_healthy":
        reply = conversation.healthy_side(kb, finding, remembered)
    else:
        reply = conversation.more(kb, finding, remembered)
    say(dispatcher, [reply])
    return said(remembered)
