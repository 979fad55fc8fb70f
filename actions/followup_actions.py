"""Glue for what comes after an explanation: why, what to do, more, corrections, feedback."""

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import clarification_buttons, danger_aware_reply, offer_stands, profiles
from actions.common import (
    latest_intent,
    memory,
    previous_user_message,
    remembered_risk,
    said,
    say,
    utter_fresh,
)
from actions.follow_ups import answer_follow_up, finding_or_ask, latest_finding
from tandem import conversation
from tandem.vocabulary import (
    CANDIDATES,
    CORRECTING,
    FEEDBACK_PENDING,
    LAST_ALTERNATIVES,
    LAST_FINDINGS,
    parse_keys,
)


def abuse_known(dispatcher: CollectingDispatcher, tracker: Tracker
                 ) -> Optional[List[EventType]]:
    """The abuse-aware reply and its slot events, while the session knows of abuse; else None.

    There is no finding to follow up then: no advice about saying no or setting limits.
    """
    if remembered_risk(tracker) == "abuse":
        what_to_do = latest_intent(tracker) == "ask_what_to_do"
        return danger_aware_reply(dispatcher, tracker, "abuse", question=True,
                                  what_to_do=what_to_do)
    return None


class ActionFollowUp(Action):
    """Answers "why?", "what could I try?", "what does healthy look like?" and "tell me more"."""

    def name(self) -> str:
        return "action_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        known = abuse_known(dispatcher, tracker)
        if known is not None:
            return known
        return answer_follow_up(dispatcher, tracker, latest_intent(tracker))


class ActionAboutTheAnswer(Action):
    """"So it's my fault?", "is that normal?", "should I leave him?": a direct, kind answer."""

    def name(self) -> str:
        return "action_about_the_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        known = abuse_known(dispatcher, tracker)
        if known is not None:
            return known
        risk = remembered_risk(tracker)
        if risk:
            # After a child at risk or self-harm, "is that normal?" is not about a pattern.
            return offer_stands(dispatcher, tracker, risk)
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
            return offer_stands(dispatcher, tracker, risk)
        return utter_fresh(dispatcher, tracker, "utter_distress")


class ActionCloseTurn(Action):
    """Thanks and goodbye, with the one "was this helpful?" of the session if it is due."""

    def name(self) -> str:
        return "action_close_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        intent = latest_intent(tracker)
        remembered = memory(tracker)
        dispatcher.utter_message(response=conversation.fresh(
            remembered, "utter_goodbye" if intent == "goodbye" else "utter_thanks"))
        # After danger, "was this helpful?" is the wrong question.
        asked = () if remembered_risk(tracker) else conversation.ask_feedback(remembered)
        if not asked:
            return said(remembered)
        say(dispatcher, asked)
        pending = tracker.get_slot(LAST_FINDINGS) or []
        return said(remembered) + [SlotSet(FEEDBACK_PENDING, pending)]


class ActionCorrectFinding(Action):
    """"That's not it": offers the next likely dimensions as buttons and waits."""

    def name(self) -> str:
        return "action_correct_finding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        known = abuse_known(dispatcher, tracker)
        if known is not None:
            return known
        if tracker.get_slot(CANDIDATES):
            # Said to an open clarifying question, "that's not it" is its "None of these".
            dispatcher.utter_message(response="utter_deny_ack")
            return []
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
                                 "message_timestamp": (previous_user_message(tracker)
                                                       or {}).get("timestamp")}),
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
