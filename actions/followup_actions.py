"""Glue for what comes after an explanation: why, what to do, more, corrections, feedback."""

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import abuse_aware_reply, clarification_buttons, profiles
from actions.common import remembered_risk
from tandem import knowledge
from tandem.vocabulary import (
    CANDIDATES,
    CORRECTING,
    FEEDBACK_PENDING,
    LAST_ALTERNATIVES,
    LAST_FINDINGS,
    Finding,
    parse_keys,
)

# The article's section on growth backs every "what can I do about it?".
GROWTH_CONCEPT = "growth_and_healing"


def abuse_known(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """The abuse-aware reply and its slot events, while the session knows of abuse; else None.

    There is no finding to follow up then: no advice about saying no or setting limits.
    """
    if remembered_risk(tracker) == "abuse":
        what_to_do = (tracker.latest_message.get("intent") or {}).get("name") == "ask_what_to_do"
        return abuse_aware_reply(dispatcher, question=True, what_to_do=what_to_do)
    return None


def latest_finding(tracker: Tracker) -> Optional[Finding]:
    """The most confident finding of the latest analysed message, if any."""
    return next(iter(parse_keys(tracker.get_slot(LAST_FINDINGS))), None)


def finding_or_ask(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Finding]:
    """The latest finding; without one, asks the person to describe a situation first."""
    finding = latest_finding(tracker)
    if finding is None:
        dispatcher.utter_message(response="utter_follow_up_without_context")
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
    """Answers "why?", "what can I do?" and "tell me more" about the latest finding."""

    def name(self) -> str:
        return "action_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        abuse = abuse_known(dispatcher, tracker)
        if abuse is not None:
            return abuse
        finding = finding_or_ask(dispatcher, tracker)
        if finding is None:
            return []
        kb = knowledge.get()
        dimension = kb.dimension(finding.dimension)
        related = kb.concepts[dimension.related_concept]
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "ask_why":
            dispatcher.utter_message(
                response="utter_why", dimension_name=dimension.name, pole=finding.pole,
                codependent_cell=dimension.codependent.table_cell,
                interdependent_cell=dimension.interdependent.table_cell,
                concept_answer=related.answer, concept_section=related.section)
        elif intent == "ask_what_to_do":
            growth = kb.concepts[GROWTH_CONCEPT]
            dispatcher.utter_message(
                response="utter_what_to_do", advice=dimension.pole(finding.pole).advice,
                growth_answer=growth.answer, growth_section=growth.section)
        else:
            dispatcher.utter_message(response="utter_tell_me_more",
                                     concept_answer=related.answer,
                                     concept_section=related.section)
        return []


class ActionCorrectFinding(Action):
    """"That's not it": offers the next likely dimensions as buttons and waits."""

    def name(self) -> str:
        return "action_correct_finding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        abuse = abuse_known(dispatcher, tracker)
        if abuse is not None:
            return abuse
        finding = finding_or_ask(dispatcher, tracker)
        if finding is None:
            return []
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
        helpful = (tracker.latest_message.get("intent") or {}).get("name") == "feedback_helpful"
        await profiles().record_feedback(tracker.sender_id, helpful, pending)
        dispatcher.utter_message(
            response="utter_feedback_thanks" if helpful else "utter_feedback_sorry")
        return [SlotSet(FEEDBACK_PENDING, None)]
