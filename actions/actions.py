"""Rasa glue: read the tracker, call the pure logic, utter responses, set slots."""

import logging
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    analysis_slots,
    danger_words_negated,
    latest_ranking,
    latest_text,
    previous_user_message,
    remembered_risk,
    safety_reply,
)
from storage.repository import ProfileRepository
from tandem import analysis, knowledge, text
from tandem.vocabulary import (
    ANONYMOUS,
    CANDIDATES,
    CORRECTING,
    DIMENSION,
    FEEDBACK_PENDING,
    FORGET_SLOT,
    INPUT_ISSUE,
    LAST_ALTERNATIVES,
    LAST_FINDINGS,
    RISK,
    SAFETY_CHECK_PENDING,
    SENTENCE_RANKINGS,
    Finding,
    other_pole,
)

logger = logging.getLogger(__name__)

# Slots a new session starts without (the rest carry over, as Rasa's default action does).
# `risk` describes one session (docs/contract.md): a new one starts without it.
CLEARED_ON_NEW_SESSION = {CANDIDATES, DIMENSION, INPUT_ISSUE, FORGET_SLOT, RISK,
                          SAFETY_CHECK_PENDING, "session_started_metadata"}
# The web widget shows images; other channels get the summary as text only.
CHANNELS_WITH_CHART = {"socketio"}


@lru_cache(maxsize=1)
def profiles() -> ProfileRepository:
    """The profile store on TANDEM_DB_URL, connected on first use."""
    return ProfileRepository()


async def remember(tracker: Tracker, keys: Sequence[str], pattern: Optional[str],
                   kind: str = "situation") -> None:
    """Adds a result to the person's profile, unless they asked not to be remembered.

    A storage failure costs only the record (the repository logs it): the person still
    gets their answer.
    """
    if keys and not tracker.get_slot(ANONYMOUS):
        await profiles().record(tracker.sender_id, keys, pattern,
                                tracker.get_latest_input_channel(), kind=kind)


def explain(dispatcher: CollectingDispatcher, finding: Finding) -> None:
    """Utter the pattern, the article's table cell, its explanation and the other pole."""
    kb = knowledge.get()
    dimension = kb.dimension(finding.dimension)
    entry = dimension.pole(finding.pole)
    dispatcher.utter_message(
        response="utter_finding",
        pole_phrase=kb.pole_phrases[finding.pole],
        dimension_name=dimension.name,
        table_cell=entry.table_cell,
        attribution=kb.attribution,
    )
    dispatcher.utter_message(
        response="utter_explanation", explanation=entry.explanation, section=entry.section
    )
    dispatcher.utter_message(
        response=f"utter_contrast_{finding.pole}",
        other_cell=dimension.pole(other_pole(finding.pole)).table_cell,
        advice=entry.advice,
    )


def explain_quoted(dispatcher: CollectingDispatcher, evidence: analysis.Evidence) -> None:
    """One of several patterns: the person's words, the table cell, the explanation."""
    kb = knowledge.get()
    finding = evidence.finding
    dimension = kb.dimension(finding.dimension)
    entry = dimension.pole(finding.pole)
    dispatcher.utter_message(
        response="utter_finding_quoted", quote=text.short_quote(evidence.sentence),
        pole_phrase=kb.pole_phrases[finding.pole], dimension_name=dimension.name,
        table_cell=entry.table_cell, attribution=kb.attribution)
    dispatcher.utter_message(
        response="utter_explanation", explanation=entry.explanation, section=entry.section)


def summarise_several(dispatcher: CollectingDispatcher, findings: Sequence[Finding]) -> None:
    """One short combined summary after several patterns."""
    kb = knowledge.get()
    patterns = "; ".join(kb.labels["pattern_item"].format(
        pole_phrase=kb.pole_phrases[f.pole], dimension=kb.dimension(f.dimension).name)
        for f in findings)
    dispatcher.utter_message(response=f"utter_multi_summary_{analysis.overall_pattern(findings)}",
                             count=len(findings), patterns=patterns)


async def report(dispatcher: CollectingDispatcher, tracker: Tracker,
           evidence: Sequence[analysis.Evidence], about: str = "self",
           ranking: Sequence[Dict[str, Any]] = ()) -> List[EventType]:
    """Explains one finding, or several with the person's words; then asks if it helped."""
    findings = [e.finding for e in evidence]
    if len(evidence) == 1:
        explain(dispatcher, findings[0])
    else:
        for item in evidence:
            explain_quoted(dispatcher, item)
        summarise_several(dispatcher, findings)
    dispatcher.utter_message(response="utter_ask_helpful")
    await remember(tracker, [f.key for f in findings], analysis.overall_pattern(findings))
    others = analysis.alternatives(ranking, exclude=[f.dimension for f in findings])
    return analysis_slots(findings, about=about) + [
        SlotSet(LAST_FINDINGS, [f.key for f in findings]),
        SlotSet(LAST_ALTERNATIVES, [f.key for f in others]),
        SlotSet(FEEDBACK_PENDING, [f.key for f in findings]),
    ]


def clarification_buttons(candidates: Sequence[Finding]) -> List[Dict[str, Any]]:
    """Buttons naming the candidate dimensions in plain words."""
    kb = knowledge.get()
    buttons = [
        {
            "title": kb.dimension(c.dimension).label,
            "payload": f'/choose_dimension{{"dimension":"{c.dimension}"}}',
        }
        for c in candidates
    ]
    buttons.append({"title": kb.labels["none_of_these"], "payload": "/deny"})
    return buttons


def abuse_aware_reply(dispatcher: CollectingDispatcher, question: bool = False,
                      what_to_do: bool = False) -> List[EventType]:
    """While `risk` is abuse: no findings, no advice to confront or refuse; the offer stands.

    "What can I do?" gets Tandem's own suggestion (people who help with safety plans);
    any other question the answer that control is not love; anything else the reminder
    that keeping the peace can be how a person stays safe.
    """
    if what_to_do:
        dispatcher.utter_message(response="utter_abuse_aware_what_to_do")
        return safety_reply("abuse")
    dispatcher.utter_message(response="utter_abuse_aware_question" if question
                             else "utter_abuse_aware")
    dispatcher.utter_message(response="utter_safety_abuse_resources")
    return safety_reply("abuse")


def offer_stands(dispatcher: CollectingDispatcher, risk: str,
                 ask_again: bool = True) -> List[EventType]:
    """After danger earlier in the session: a gentle word that help is still there.

    For self-harm it asks whether the person is safe, unless that question is already open
    (`ask_again=False`): it does not keep asking, so the conversation can go on.
    """
    if risk == "self_harm" and not ask_again:
        dispatcher.utter_message(response="utter_safety_offer_stands_self_harm_no_ask")
        return safety_reply(risk)
    dispatcher.utter_message(response=f"utter_safety_offer_stands_{risk}")
    return safety_reply(risk, check_in=risk == "self_harm")


async def analyze(dispatcher: CollectingDispatcher, tracker: Tracker, message: str,
            ranking: Sequence[Dict[str, Any]], sentence_rankings: Any = None,
            negated: bool = False) -> List[EventType]:
    """Explain a message's pattern, or ask about it, in the light of the session's risk."""
    if message.startswith("/"):
        # A typed "/situation_..." payload forces an intent without words to analyse;
        # Tandem's buttons never send one, so it must not produce findings.
        dispatcher.utter_message(response="utter_fallback")
        return analysis_slots()
    risk = remembered_risk(tracker)
    if risk == "abuse":
        # "Is that normal? He says it's because he loves me" gets the answer to its question.
        return abuse_aware_reply(dispatcher, question=text.is_question(message))
    about = analysis.whose_pattern(message)
    several = analysis.sentence_findings(sentence_rankings, ranking)
    if several:
        return await report(dispatcher, tracker, several, about, ranking)
    decision = analysis.decide(ranking, words=text.word_count(message))
    if decision.findings:
        evidence = [analysis.Evidence(f, message) for f in decision.findings]
        return await report(dispatcher, tracker, evidence, about, ranking)
    if risk or negated:
        # Nothing to explain, and danger is in the air: never a menu of dimensions.
        if risk:
            return offer_stands(dispatcher, risk)
        dispatcher.utter_message(response="utter_glad_you_are_safe")
        return analysis_slots()
    if decision.too_short:
        dispatcher.utter_message(response="utter_ask_for_more")
        return analysis_slots()
    if decision.needs_clarification:
        dispatcher.utter_message(response="utter_ask_clarify",
                                 buttons=clarification_buttons(decision.candidates))
        return analysis_slots(candidates=decision.candidates)
    dispatcher.utter_message(response="utter_fallback")
    return analysis_slots()


async def analyze_latest(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Explain the latest message, using the screen's verdict that came with it."""
    return await analyze(dispatcher, tracker, latest_text(tracker), latest_ranking(tracker),
                   tracker.latest_message.get(SENTENCE_RANKINGS),
                   negated=danger_words_negated(tracker))


class ActionSessionStart(Action):
    """Starts each session with a two-line introduction and the not-therapy note."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_intro")
        # Carry the person's slots into the new session, as Rasa's default action does;
        # the per-message analysis slots are reset by the next message anyway.
        carried = [SlotSet(name, value) for name, value in tracker.current_slot_values().items()
                   if value is not None and name not in CLEARED_ON_NEW_SESSION]
        return [SessionStarted(), *carried, ActionExecuted("action_listen")]


class ActionAnalyzeSituation(Action):
    """Screens for danger, then explains the pattern or asks which dimension fits."""

    def name(self) -> str:
        return "action_analyze_situation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        return await analyze_latest(dispatcher, tracker)


class ActionResolveClarification(Action):
    """Completes the analysis (or a correction) with the dimension the person picked."""

    def name(self) -> str:
        return "action_resolve_clarification"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        chosen: Optional[str] = tracker.get_slot(DIMENSION)
        candidates = tracker.get_slot(CANDIDATES) or []
        if not candidates and not latest_text(tracker).startswith("/"):
            # Nothing was asked: a typed message that names a dimension ("my identity is
            # wrapped up in him") is more likely a situation than an answer.
            return await analyze_latest(dispatcher, tracker) + [SlotSet(DIMENSION, None)]
        finding = analysis.resolve(candidates, chosen)
        if finding is None:
            dispatcher.utter_message(response="utter_clarify_without_context")
            return analysis_slots() + [SlotSet(DIMENSION, None)]
        correcting = tracker.get_slot(CORRECTING)
        if correcting:
            await profiles().record_correction(
                tracker.sender_id, str(correcting.get("finding")), finding.key,
                correcting.get("message_timestamp"))
            dispatcher.utter_message(response="utter_correction_thanks")
        clarified = str((previous_user_message(tracker) or {}).get("text") or "")
        about = analysis.whose_pattern(clarified) if clarified else "self"
        events = await report(dispatcher, tracker, [analysis.Evidence(finding, "")], about)
        return events + [SlotSet(DIMENSION, None), SlotSet(CORRECTING, None)]
