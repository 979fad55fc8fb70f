"""What every Tandem action shares: reading the latest message and the per-message slots."""

from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from tandem import analysis, conversation
from tandem.conversation import Memory, Say
from tandem.vocabulary import (
    ABOUT,
    CANDIDATES,
    FINDINGS,
    PATTERN,
    RISK,
    RISK_DETECTED,
    RISK_KIND,
    RISK_LEVEL,
    RISK_NEGATED,
    SAFETY_CHECK_PENDING,
    SHARED,
    Finding,
)


def analysis_slots(findings: Sequence[Finding] = (), at_risk: bool = False,
                   candidates: Sequence[Finding] = (),
                   about: Optional[str] = None) -> List[EventType]:
    """The slot events that describe one analysed (or screened) message."""
    return [
        SlotSet(FINDINGS, [f.key for f in findings]),
        SlotSet(PATTERN, analysis.overall_pattern(findings)),
        SlotSet(RISK_DETECTED, at_risk),
        SlotSet(ABOUT, about if findings else None),
        SlotSet(CANDIDATES, [c.key for c in candidates] or None),
    ]


def latest_text(tracker: Tracker) -> str:
    """The text of the person's latest message ('' when there is none)."""
    return tracker.latest_message.get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent of the person's latest message."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_ranking(tracker: Tracker) -> List[Dict[str, Any]]:
    """The classifier's intent ranking of the latest message."""
    return list(tracker.latest_message.get("intent_ranking") or [])


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    """The first value of one entity in the latest message."""
    return next(tracker.get_latest_entity_values(entity), None)


def screened_risk(tracker: Tracker) -> "tuple[Optional[str], Optional[str]]":
    """(kind, level) the NLU message screen decided for the latest message."""
    return latest_entity(tracker, RISK_KIND), latest_entity(tracker, RISK_LEVEL)


def danger_words_negated(tracker: Tracker) -> bool:
    """True when the message had danger words, all clearly negated ("I'd never...")."""
    return latest_entity(tracker, RISK_NEGATED) is not None


def previous_user_message(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The person's message before the latest one, as a tracker event.

    That is the message a false alarm or a picked dimension is about.
    """
    users = [e for e in tracker.events if e.get("event") == "user"]
    return users[-2] if len(users) >= 2 else None


def remembered_risk(tracker: Tracker) -> Optional[str]:
    """The kind of danger recognised earlier in this session, if any."""
    return tracker.get_slot(RISK)


def next_risk(remembered: Optional[str], new: Optional[str]) -> Optional[str]:
    """The session's risk after a new danger: abuse, once known, is never replaced.

    While `risk` is abuse nothing may be explained as codependency; a later self-harm or
    child disclosure adds to that, it does not make the abuse go away.
    """
    if remembered == "abuse" or new is None:
        return remembered
    return new


def safety_reply(kind: str, risk_slot: Optional[str] = None, check_in: bool = False,
                 remembered: Optional[str] = None) -> List[EventType]:
    """Slot events for a message that got a safety reply or a check-in."""
    events = analysis_slots(at_risk=True)
    events.append(SlotSet(SAFETY_CHECK_PENDING, kind if check_in else None))
    risk = next_risk(remembered, risk_slot)
    if risk:
        events.append(SlotSet(RISK, risk))
    return events


def memory(tracker: Tracker) -> Memory:
    """What Tandem has already said in this session."""
    return Memory(tracker.get_slot(SHARED) or [])


def say(dispatcher: CollectingDispatcher, items: Sequence[Say]) -> None:
    """Utters each planned message with its values."""
    for item in items:
        dispatcher.utter_message(response=item.response, **item.values)


def said(remembered: Memory) -> List[EventType]:
    """The slot event that keeps what was said, for the rest of the session."""
    return [SlotSet(SHARED, remembered.keys)]


def utter_fresh(dispatcher: CollectingDispatcher, tracker: Tracker, response: str,
                buttons: Optional[List[Dict[str, Any]]] = None) -> List[EventType]:
    """Utters the next unsaid wording of a fixed response; its slot event."""
    remembered = memory(tracker)
    dispatcher.utter_message(response=conversation.fresh(remembered, response),
                             buttons=buttons or [])
    return said(remembered)
