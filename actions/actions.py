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
    memory,
    previous_user_message,
    remembered_risk,
    safety_reply,
    said,
    say,
    utter_fresh,
)
from actions.follow_ups import answer_follow_up
from storage.repository import ProfileRepository
from tandem import analysis, conversation, knowledge, text
from tandem.vocabulary import (
    ANONYMOUS,
    CANDIDATES,
    CORRECTING,
    DIMENSION,
    FORGET_SLOT,
    INPUT_ISSUE,
    LAST_ALTERNATIVES,
    LAST_EVIDENCE,
    LAST_FINDINGS,
    RISK,
    SAFETY_CHECK_PENDING,
    SENTENCE_RANKINGS,
    SHARED,
    Finding,
    parse_keys,
)

logger = logging.getLogger(__name__)

# Slots a new session starts without (the rest carry over, as Rasa's default action does).
# `risk` describes one session (docs/contract.md): a new one starts without it.
CLEARED_ON_NEW_SESSION = {CANDIDATES, CORRECTING, DIMENSION, INPUT_ISSUE, FORGET_SLOT, RISK,
                          SAFETY_CHECK_PENDING, SHARED, "session_started_metadata"}
# Longer than this, a message is read for its sentences: up to three patterns, quoted.
LONG_MESSAGE_CHARS = 1500
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


async def report(dispatcher: CollectingDispatcher, tracker: Tracker,
                 evidence: Sequence[analysis.Evidence], about: str = "self",
                 ranking: Sequence[Dict[str, Any]] = (), message: str = "",
                 long_message: bool = False, opener: Optional[str] = None,
                 names_from: Optional[str] = None) -> List[EventType]:
    """Explains the findings in at most three messages and keeps them for follow-ups.

    `opener` is a response said in place of the reflection (tandem.conversation.explain_one);
    `names_from` the words whose "my sister" the reply names, if not the message's own.
    """
    findings = [e.finding for e in evidence]
    remembered = memory(tracker)
    say(dispatcher, conversation.explain(knowledge.get(), evidence, about, names_from or message,
                                         remembered, long_message, opener))
    await remember(tracker, [f.key for f in findings], analysis.overall_pattern(findings))
    others = analysis.alternatives(ranking, exclude=[f.dimension for f in findings])
    return analysis_slots(findings, about=about) + said(remembered) + [
        SlotSet(LAST_FINDINGS, [f.key for f in findings]),
        SlotSet(LAST_ALTERNATIVES, [f.key for f in others]),
        SlotSet(LAST_EVIDENCE, evidence[0].sentence or message),
        # A new reading ends any correction in progress (the next pick is about this one).
        SlotSet(CORRECTING, None),
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


def danger_aware_reply(dispatcher: CollectingDispatcher, tracker: Tracker, risk: str,
                       question: bool = False, what_to_do: bool = False) -> List[EventType]:
    """While `risk` is abuse (or child, for a situation): no findings, no advice to refuse.

    "What can I do?" gets Tandem's own suggestion (people who help with this); any other
    question the answer for that kind (control is not love; the child comes first);
    anything else the reminder of why Tandem won't read it as a pattern. Said again, in
    other words, with the resources every time (a helpline is never trimmed for style).
    """
    base = f"utter_{risk}_aware"
    events = utter_fresh(dispatcher, tracker, f"{base}_what_to_do" if what_to_do
                         else f"{base}_question" if question else base)
    if not what_to_do:
        dispatcher.utter_message(response=f"utter_safety_{risk}_resources")
    return safety_reply(risk) + events


def offer_stands(dispatcher: CollectingDispatcher, tracker: Tracker, risk: str,
                 ask_again: bool = True) -> List[EventType]:
    """After danger earlier in the session: a gentle word that help is still there.

    For self-harm it asks whether the person is safe, unless that question is already open
    (`ask_again=False`): it does not keep asking, so the conversation can go on. Said once
    in full; after that a short line that still names the help (no paragraph repeated).
    """
    remembered = memory(tracker)
    if f"offer:{risk}" in remembered:
        dispatcher.utter_message(response=f"utter_safety_still_here_{risk}")
        return safety_reply(risk) + said(remembered)
    remembered.add(f"offer:{risk}")
    extra = said(remembered)
    if risk == "self_harm" and not ask_again:
        dispatcher.utter_message(response="utter_safety_offer_stands_self_harm_no_ask")
        return safety_reply(risk) + extra
    dispatcher.utter_message(response=f"utter_safety_offer_stands_{risk}")
    return safety_reply(risk, check_in=risk == "self_harm") + extra


async def analyze(dispatcher: CollectingDispatcher, tracker: Tracker, message: str,
                  ranking: Sequence[Dict[str, Any]], sentence_rankings: Any = None,
                  negated: bool = False, menu: bool = True,
                  disputed: bool = False) -> List[EventType]:
    """Explain a message's pattern, or ask about it, in the light of the session's risk.

    With `menu=False` (after a false alarm) an unsure reading gets an open question only.
    `disputed`: the person has just said the alarm was wrong, so a child-at-risk reading
    is set aside for this message (a disclosure of abuse never is).
    """
    if message.startswith("/"):
        # A typed "/situation_..." payload forces an intent without words to analyse;
        # Tandem's buttons never send one, so it must not produce findings.
        dispatcher.utter_message(response="utter_fallback")
        return analysis_slots()
    risk = remembered_risk(tracker)
    if risk == "abuse" or (risk == "child" and not disputed):
        # "Is that normal? He says it's because he loves me" gets the answer to its question;
        # "I can't report my own daughter" is not a pattern to explain.
        return danger_aware_reply(dispatcher, tracker, risk, question=text.is_question(message))
    kb = knowledge.get()
    picked = conversation.typed_pick(message, parse_keys(tracker.get_slot(CANDIDATES)), kb)
    if picked is not None:
        # A typed answer to the buttons offered a message or two ago ("the feelings one").
        return await report_pick(dispatcher, tracker, picked)
    follow_up, row = follow_up_about_the_last_finding(tracker, message, ranking)
    if follow_up:
        # "What else? He gets upset whenever I suggest anything": a follow-up with a reason.
        return analysis_slots() + answer_follow_up(dispatcher, tracker, follow_up, row)
    about = analysis.whose_pattern(message)
    names_from = message
    if tracker.get_slot(CORRECTING) and not analysis.named_relation(message):
        # Retold after "that's not it", the words often name no one ("I just can't say no"):
        # the reply still speaks of the person named in the message being corrected.
        names_from = str(tracker.get_slot(LAST_EVIDENCE) or message)
    long_message = len(message) > LONG_MESSAGE_CHARS
    several = analysis.sentence_findings(sentence_rankings, ranking,
                                         at_least=1 if long_message else 2)
    if several:
        return await report(dispatcher, tracker, several, about, ranking, message, long_message,
                            names_from=names_from)
    decision = analysis.decide(ranking, words=text.word_count(message))
    if decision.findings:
        # "I used to ..., now ...": the reading rests on what is true now, so "Why?" quotes that.
        quoted = text.present_quote(message) or message
        evidence = [analysis.Evidence(f, quoted) for f in decision.findings]
        # "Is it bad that I ...?" is answered first: depending on others is normal.
        opener = "utter_hedged_answer" if text.is_hedged_question(message) else None
        return await report(dispatcher, tracker, evidence, about, ranking, message,
                            opener=opener, names_from=names_from)
    if risk or negated:
        # Nothing to explain, and danger is in the air: never a menu of dimensions.
        if risk:
            return offer_stands(dispatcher, tracker, risk)
        dispatcher.utter_message(response="utter_glad_you_are_safe")
        return analysis_slots()
    if decision.too_short:
        return analysis_slots() + utter_fresh(dispatcher, tracker, "utter_ask_for_more")
    if text.is_question(message):
        # A question is not a situation: it gets an answer or a question back, no menu.
        return analysis_slots() + utter_fresh(dispatcher, tracker, "utter_question_not_situation")
    if decision.needs_clarification:
        return ask_to_clarify(dispatcher, tracker, decision.candidates, menu)
    return analysis_slots() + utter_fresh(dispatcher, tracker, "utter_fallback")


# A follow-up's opening question this short ("What else?") is a follow-up, whatever follows.
SHORT_OPENING_WORDS = 4


def follow_up_about_the_last_finding(
        tracker: Tracker, message: str,
        ranking: Sequence[Dict[str, Any]]) -> "tuple[Optional[str], Optional[Finding]]":
    """The follow-up a message asks (and the row it asks about), else (None, None).

    "What else? He gets upset..." opens with a short follow-up; "Why is doing his
    applications a problem?" asks why about the row just explained. "What does it look like
    when someone knows their worth?" asks what healthy looks like on the row it names.
    "Why does my mum call six times a day?" names another row: that is a new situation.
    "May I ask why you read it that way? I had always thought of myself as a devoted wife"
    names nobody in its question, so it asks about the reading, whatever the rest reads as.
    """
    last = parse_keys(tracker.get_slot(LAST_FINDINGS))
    follow_up = text.follow_up_opening(message)
    if not follow_up or not last:
        return None, None
    opening = text.opening_sentence(message)
    top = next(iter(analysis.situation_ranking(ranking)), None)
    if (text.word_count(opening) <= SHORT_OPENING_WORDS or top is None
            or analysis.named_relation(opening) is None
            or top.dimension in {f.dimension for f in last}):
        return follow_up, None
    if follow_up == "ask_healthy":
        return follow_up, Finding("codependent", top.dimension)
    return None, None


def ask_to_clarify(dispatcher: CollectingDispatcher, tracker: Tracker,
                   candidates: Sequence[Finding], menu: bool = True) -> List[EventType]:
    """Buttons for a genuine near-tie of two or three rows; otherwise one open question."""
    tied = conversation.near_tie(candidates) if menu else []
    if tied:
        # Asked again later in words not yet used (the buttons are new each time).
        return analysis_slots(candidates=tied) + utter_fresh(
            dispatcher, tracker, "utter_ask_clarify", clarification_buttons(tied))
    remembered = memory(tracker)
    question = conversation.open_question(knowledge.get(), candidates, remembered)
    if question is None:
        return analysis_slots() + utter_fresh(dispatcher, tracker, "utter_ask_for_more")
    say(dispatcher, [question])
    return analysis_slots() + said(remembered)


async def report_pick(dispatcher: CollectingDispatcher, tracker: Tracker,
                      finding: Finding) -> List[EventType]:
    """The analysis (or correction) completed with the row the person picked."""
    correcting = tracker.get_slot(CORRECTING)
    if correcting:
        await profiles().record_correction(
            tracker.sender_id, str(correcting.get("finding")), finding.key,
            correcting.get("message_timestamp"))
    asked_about = str(tracker.get_slot(LAST_EVIDENCE) or "") if correcting else ""
    if not asked_about:
        asked_about = str((previous_user_message(tracker) or {}).get("text") or "")
    about = analysis.whose_pattern(asked_about) if asked_about else "self"
    # A correction's thanks takes the reflection's place: still three messages at most.
    events = await report(dispatcher, tracker, [analysis.Evidence(finding, asked_about)], about,
                          message=asked_about,
                          opener="utter_correction_thanks" if correcting else None)
    return events + [SlotSet(DIMENSION, None), SlotSet(CORRECTING, None),
                     SlotSet(CANDIDATES, None)]


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


def first_message_of_session(tracker: Tracker) -> bool:
    """True when the latest message is the person's first since the session started."""
    # The events are trimmed to the latest ten turns (patches/action_server.py), so
    # session_started may be missing; then the window holds several messages anyway.
    messages = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        messages += event.get("event") == "user"
    return messages <= 1


class ActionGreet(Action):
    """Greets back, unless the introduction has just greeted with this same message."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        # A session's first message gets the introduction, which already says hello and
        # asks what is happening; a second greeting under it reads as the bot not listening.
        if not first_message_of_session(tracker):
            dispatcher.utter_message(response="utter_greet")
        return []


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
        finding = analysis.resolve(candidates, chosen) or conversation.typed_pick(
            latest_text(tracker), parse_keys(candidates), knowledge.get())
        if finding is None:
            dispatcher.utter_message(response="utter_clarify_without_context")
            return analysis_slots() + [SlotSet(DIMENSION, None)]
        return await report_pick(dispatcher, tracker, finding)
