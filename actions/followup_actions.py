"""Glue for what comes after an explanation: why, what to do, more, corrections, feedback."""

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    abuse_aware_reply,
    clarification_buttons,
    offer_stands,
    profiles,
    utter_fresh,
)
from actions.common import (
    latest_entity,
    latest_intent,
    memory,
    remembered_risk,
    safety_reply,
    said,
    say,
)
from tandem import conversation, knowledge
from tandem.vocabulary import (
    CANDIDATES,
    CORRECTING,
    DIMENSION,
    FEEDBACK_PENDING,
    LAST_ALTERNATIVES,
    LAST_EVIDENCE,
    LAST_FINDINGS,
    Finding,
    parse_keys,
)


def abuse_known(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """The abuse-aware reply and its slot events, while the session knows of abuse; else None.

    There is no finding to follow up then: no advice about saying no or setting limits.
    """
    if remembered_risk(tracker) == "abuse":
        what_to_do = latest_intent(tracker) == "ask_what_to_do"
        return abuse_aware_reply(dispatcher, question=True, what_to_do=what_to_do)
    return None


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


def previous_user_timestamp(tracker: Tracker) -> Optional[float]:
    """When the person sent the message before this one (the one being corrected)."""
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest:
                return event.get("timestamp")
            seen_latest = True
    return None


class ActionFollowUp(Action):
    """Answers "why?", "what could I try?", "what does healthy look like?" and "tell me more"."""

    def name(self) -> str:
        return "action_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        abuse = abuse_known(dispatcher, tracker)
        if abuse is not None:
            return abuse
        intent = latest_intent(tracker)
        child_first: List[EventType] = []
        if remembered_risk(tracker) == "child" and intent == "ask_what_to_do":
            # A child at risk comes before any pattern: who can help with that, first.
            dispatcher.utter_message(response="utter_child_aware_what_to_do")
            child_first = safety_reply("child")
        asked: List[EventType] = []
        finding = finding_or_ask(dispatcher, tracker, asked) if not child_first else \
            latest_finding(tracker)
        if finding is None:
            return child_first + asked
        kb = knowledge.get()
        remembered = memory(tracker)
        if intent == "ask_why":
            reply = conversation.why(kb, finding, str(tracker.get_slot(LAST_EVIDENCE) or ""),
                                     remembered)
        elif intent == "ask_what_to_do":
            reply = conversation.suggestions(kb, finding, remembered)
        elif intent == "ask_healthy":
            reply = conversation.healthy_side(kb, finding, remembered)
        else:
            reply = conversation.more(kb, finding, remembered)
        say(dispatcher, [reply])
        return child_first + said(remembered)


class ActionAboutTheAnswer(Action):
    """"So it's my fault?", "is that normal?", "should I leave him?": a direct, kind answer."""

    def name(self) -> str:
        return "action_about_the_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        abuse = abuse_known(dispatcher, tracker)
        if abuse is not None:
            return abuse
        topic = (latest_intent(tracker) or "").removeprefix("ask_")
        found = latest_finding(tracker) is not None
        response = f"utter_about_{topic}" + ("" if found or topic == "should_leave"
                                             else "_no_finding")
        return utter_fresh(dispatcher, tracker, response)


class ActionRespondToDistress(Action):
    """Upset without danger: care and an open door; with danger known, the offer stands."""

    def name(self) -> str:
        return "action_respond_to_distress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        risk = remembered_risk(tracker)
        if risk:
            # "I'm not going to do anything, I'm just so tired of it all" after danger.
            return offer_stands(dispatcher, risk, tracker=tracker)
        return utter_fresh(dispatcher, tracker, "utter_distress")


class ActionCloseTurn(Action):
    """Thanks and goodbye, with the one "was this helpful?" of the session if it is due."""

    def name(self) -> str:
        return "action_close_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        intent = latest_intent(tracker)
        dispatcher.utter_message(response="utter_goodbye" if intent == "goodbye"
                                 else "utter_thanks")
        remembered = memory(tracker)
        asked = conversation.ask_feedback(remembered)
        if not asked:
            return []
        say(dispatcher, asked)
        pending = tracker.get_slot(LAST_FINDINGS) or []
        return said(remembered) + [SlotSet(FEEDBACK_PENDING, pending)]


class ActionCorrectFinding(Action):
    """"That's not it": offers the next likely dimensions as buttons and waits."""

    def name(self) -> str:
        return "action_correct_finding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        abuse = abuse_known(dispatcher, tracker)
        if abuse is not None:
            return abuse
        asked: List[EventType] = []
        finding = finding_or_ask(dispatcher, tracker, asked)
        if finding is None:
            return asked
        alternatives = parse_keys(tracker.get_slot(LAST_ALTERNATIVES))
        dispatcher.utter_message(response="utter_ask_which_fits",
                                 buttons=clarification_buttons(alternatives))
        return [
            SlotSet(CANDIDATES, [f.key for f in alternatives] or [finding.key]),
            SlotSet(CORRECTING, {"finding": finding.key,
                                 "message_timestamp": previous_user_timestamp(tracker)}),
        ]


class ActionRecordFeedback(Action):
    """Counts an answer to "was this helpful?"."""

    def name(self) -> str:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        pending = tracker.get_slot(FEEDBACK_PENDING)
        if not pending:
            dispatcher.utter_message(response="utter_feedback_without_question")
            return []
        helpful = latest_intent(tracker) == "feedback_helpful"
        await profiles().record_feedback(tracker.sender_id, helpful, pending)
        dispatcher.utter_message(
            response="utter_feedback_thanks" if helpful else "utter_feedback_sorry")
        return [SlotSet(FEEDBACK_PENDING, None)]
