"""Safety first, for the whole conversation: replies by kind and level, and what follows them.

The NLU message screen decides the kind and level of danger once per message
(tandem.safety); these actions only read its verdict (`risk_kind`, `risk_level`
entities) and the `risk` the session remembers.
"""

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import analyze, danger_aware_reply, offer_stands
from actions.common import (
    analysis_slots,
    latest_intent,
    latest_ranking,
    latest_text,
    previous_user_message,
    remembered_risk,
    safety_reply,
    screened_risk,
)
from tandem.safety import IMMINENT
from tandem.vocabulary import (
    RISK,
    RISK_KIND,
    RISK_LEVEL,
    SAFETY_CHECK_PENDING,
    SENTENCE_RANKINGS,
    parse_crisis_intent,
)

SAFE, NOT_SAFE, RATHER_NOT_SAY = "safety_safe", "safety_not_safe", "safety_rather_not_say"
MINIMISE, FALSE_ALARM = "safety_minimise", "safety_false_alarm"
# A kind-less danger ("I'm not safe") with nothing remembered gets every kind's resources.
GENERAL = "general"


def imminent_reply(dispatcher: CollectingDispatcher, kind: Optional[str],
                   remembered: Optional[str]) -> List[EventType]:
    """Resources for that kind of danger first, short, then an invitation to keep talking."""
    dispatcher.utter_message(response=f"utter_safety_imminent_{kind or GENERAL}")
    return safety_reply(kind or GENERAL, risk_slot=kind, remembered=remembered)


def check_in(dispatcher: CollectingDispatcher, kind: str,
             remembered: Optional[str]) -> List[EventType]:
    """A warm "are you safe right now?" with quick replies; the answer decides what follows."""
    dispatcher.utter_message(response=f"utter_safety_check_in_{kind}")
    return safety_reply(kind, risk_slot=kind, check_in=True, remembered=remembered)


class ActionRespondToCrisis(Action):
    """Danger in this message: that kind's resources if imminent, a check-in if a concern."""

    def name(self) -> str:
        return "action_respond_to_crisis"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        kind, level = screened_risk(tracker)
        remembered = remembered_risk(tracker)
        if level is None and latest_text(tracker).startswith("/"):
            # A typed "/crisis_<kind>" payload has no verdict: its own kind, as imminent.
            kind, level = parse_crisis_intent(latest_intent(tracker)), IMMINENT
        # A danger phrase that names no kind ("I'm not safe") speaks of the danger already told.
        kind = kind or remembered
        if level != IMMINENT and kind:
            return check_in(dispatcher, kind, remembered)
        return imminent_reply(dispatcher, kind, remembered)


def _was_imminent(message: Dict[str, Any]) -> bool:
    entities = (message.get("parse_data") or {}).get("entities") or []
    return any(e.get("entity") == RISK_LEVEL and e.get("value") == IMMINENT for e in entities)


def _kind_of(message: Dict[str, Any]) -> Optional[str]:
    entities = (message.get("parse_data") or {}).get("entities") or []
    return next((e.get("value") for e in entities if e.get("entity") == RISK_KIND), None)


async def answer_false_alarm(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Apologise in one line, then answer what they meant: the misread message, analysed.

    The remembered risk is cleared only when the misread message was itself the one that
    set it at the concern level; a plan, means or a time told earlier is not taken back.
    """
    dispatcher.utter_message(response="utter_safety_false_alarm")
    misread = previous_user_message(tracker)
    risk = remembered_risk(tracker)
    # Cleared only if that message alone set the risk: no plan, means or time told anywhere
    # in the session, and no other message of another kind.
    flagged = [e for e in tracker.events if e.get("event") == "user" and _kind_of(e)]
    clears = (misread is not None and _kind_of(misread) == risk
              and not any(_was_imminent(e) for e in flagged)
              and all(_kind_of(e) == risk for e in flagged))
    events: List[EventType] = [SlotSet(SAFETY_CHECK_PENDING, None)]
    if clears:
        events.append(SlotSet(RISK, None))
    if misread is None:
        dispatcher.utter_message(response="utter_clarify_without_context")
        return analysis_slots() + events
    # Analyse the misread message as if the alarm had not been raised.
    parse = misread.get("parse_data") or {}
    shadow = _ShadowTracker(tracker, None if clears else risk)
    # No menu of dimensions right after an apology: an open question if unsure.
    return events + await analyze(dispatcher, shadow, str(misread.get("text") or ""),
                                  parse.get("intent_ranking") or [],
                                  parse.get(SENTENCE_RANKINGS), menu=False, disputed=True)


class _ShadowTracker(Tracker):
    """The tracker as it would be with another remembered risk (for a false alarm)."""

    def __init__(self, tracker: Tracker, risk: Optional[str]) -> None:
        slots = dict(tracker.slots, **{RISK: risk})
        super().__init__(tracker.sender_id, slots, tracker.latest_message, tracker.events,
                         tracker.is_paused(), tracker.followup_action, tracker.active_loop,
                         tracker.latest_action_name)


def answer_check_in(dispatcher: CollectingDispatcher, tracker: Tracker,
                    answer: str) -> List[EventType]:
    """What follows "are you safe right now?", or a person saying so unasked."""
    risk = remembered_risk(tracker)
    if answer == NOT_SAFE:
        return imminent_reply(dispatcher, risk, risk)
    if answer == RATHER_NOT_SAY:
        dispatcher.utter_message(response=f"utter_safety_rather_not_say_{risk or GENERAL}")
        return safety_reply(risk or GENERAL)
    if risk is None:
        dispatcher.utter_message(response="utter_safety_safe_no_risk")
        return analysis_slots() + [SlotSet(SAFETY_CHECK_PENDING, None)]
    dispatcher.utter_message(response=f"utter_safety_safe_{risk}")
    if risk == "abuse":
        dispatcher.utter_message(response="utter_safety_abuse_resources")
    return safety_reply(risk)


class ActionSafetyFollowUp(Action):
    """After a safety reply: safe, not safe, rather not say, minimising, or a false alarm."""

    def name(self) -> str:
        return "action_safety_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        intent = latest_intent(tracker)
        risk = remembered_risk(tracker)
        if intent == FALSE_ALARM:
            if risk is None:
                # Nothing was raised: "I'm not suicidal" unprompted is simply heard.
                dispatcher.utter_message(response="utter_safety_safe_no_risk")
                return analysis_slots()
            return await answer_false_alarm(dispatcher, tracker)
        if intent == MINIMISE:
            if risk is None:
                return await analyze(dispatcher, tracker, latest_text(tracker),
                                     latest_ranking(tracker))
            # Minimising never clears the risk and never gets "glad you're safe".
            return offer_stands(dispatcher, tracker, risk,
                                ask_again=not tracker.get_slot(SAFETY_CHECK_PENDING))
        return answer_check_in(dispatcher, tracker, intent or SAFE)


class ActionYesNo(Action):
    """"Yes" or "no": an answer to a pending safety check-in, or a plain acknowledgement."""

    def name(self) -> str:
        return "action_yes_no"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        yes = latest_intent(tracker) == "affirm"
        if tracker.get_slot(SAFETY_CHECK_PENDING):
            # "Are you safe right now?" "yes" / "no".
            return answer_check_in(dispatcher, tracker, SAFE if yes else NOT_SAFE)
        if remembered_risk(tracker) == "abuse" and not yes:
            # "No" can be going along to stay safe; after a child at risk it is just heard.
            return danger_aware_reply(dispatcher, tracker, "abuse")
        dispatcher.utter_message(response="utter_affirm_ack" if yes else "utter_deny_ack")
        return []


class ActionAnswerConcept(Action):
    """A question about the article's ideas; while abuse is known, the abuse-aware answer."""

    def name(self) -> str:
        return "action_answer_concept"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        if remembered_risk(tracker) == "abuse":
            # "Is that normal? He says it's because he loves me" is not a concept question.
            return danger_aware_reply(dispatcher, tracker, "abuse", question=True)
        selected = ((tracker.latest_message.get("response_selector") or {}).get("concept") or {})
        response = (selected.get("response") or {}).get("utter_action")
        dispatcher.utter_message(response=response or "utter_fallback")
        return []


__all__ = ["ActionRespondToCrisis", "ActionSafetyFollowUp", "ActionYesNo",
           "ActionAnswerConcept"]
