"""Glue for the guided self-check form: who it is about, and the result."""

from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.actions import remember
from actions.common import latest_intent, memory, said
from tandem import knowledge, self_check
from tandem.vocabulary import (
    CHECK_PERSON,
    DIMENSIONS,
    LAST_EVIDENCE,
    LAST_FINDINGS,
    SELF_CHECK_INTERRUPTIONS,
    parse_crisis_intent,
    self_check_slot,
)


PERSON = CHECK_PERSON
ANSWER_SLOTS = [self_check_slot(d) for d in DIMENSIONS]


# Which questions were asked in this self-check (tandem.conversation.Memory keys).
ASKED = "asked"


def cleared(tracker: Tracker) -> List[EventType]:
    """Empties the form's slots so the next self-check starts from the first question."""
    remembered = memory(tracker)
    remembered.forget(ASKED)
    return [SlotSet(name, None) for name in [PERSON, *ANSWER_SLOTS]] + said(remembered)


class ActionAskQuestion(Action):
    """Asks one self-check question; asked again after an interruption, in other words."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        remembered = memory(tracker)
        times = remembered.take(f"{ASKED}:{self.slot}", 3)
        again = "" if times == 0 else f"again_{times or 2}_"
        dispatcher.utter_message(response=f"utter_ask_{again}{self.slot}")
        return said(remembered)


# One asking action per question: Rasa's form looks for `action_ask_<slot>`.
ASKING_ACTIONS = [type(f"ActionAsk_{slot}", (ActionAskQuestion,), {"slot": slot})
                  for slot in ANSWER_SLOTS]


def typed_answer(slot: str, tracker: Tracker) -> Dict[str, Any]:
    """An answer in the person's own words ("every single time, sadly") for the slot asked.

    The buttons and the usual words set the slot through the `frequency` entity; this reads
    the rest, so the question is not asked again word for word.
    """
    if tracker.get_slot("requested_slot") != slot or tracker.get_slot(slot):
        return {}
    # An interruption's words are never read as an answer (the frequency mapping skips
    # the same intents, scripts/generate_yaml.py).
    intent = latest_intent(tracker)
    if intent in SELF_CHECK_INTERRUPTIONS or parse_crisis_intent(intent):
        return {}
    if next(tracker.get_latest_entity_values("frequency"), None):
        return {}
    answer = self_check.read_frequency(tracker.latest_message.get("text") or "")
    return {slot: answer} if answer else {}


class ValidateSelfCheckForm(FormValidationAction):
    """Turns "my mum" into "your mum" for the questions; reads answers in people's words."""

    def name(self) -> str:
        return "validate_self_check_form"

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """Adds answers typed in the person's own words to rasa_sdk's extraction."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        extracted = {name: value for name in ANSWER_SLOTS
                     for name, value in typed_answer(name, tracker).items()}
        tracker.slots.update(extracted)
        return events + [SlotSet(name, value) for name, value in extracted.items()]

    def validate_check_person(self, slot_value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        """A short phrase naming who the relationship is with."""
        phrase = self_check.person_phrase(str(slot_value or ""), knowledge.get())
        return {PERSON: phrase}


class ActionSelfCheckResult(Action):
    """Where the answers put the person, what most needs care, and what is healthy."""

    def name(self) -> str:
        return "action_self_check_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        kb = knowledge.get()
        answers = {d: tracker.get_slot(self_check_slot(d)) for d in DIMENSIONS}
        result = self_check.score(answers, kb)
        dispatcher.utter_message(response="utter_self_check_result",
                                 lines=self_check.result_lines(result, kb))
        if result.needs_care:
            # One message for what needs care: the rows named, the first one explained;
            # "what can I do about the ... part?" reaches any row afterwards.
            first = kb.dimension(result.needs_care[0])
            dispatcher.utter_message(
                response="utter_self_check_needs_care",
                names=" and ".join(kb.dimension(d).name for d in result.needs_care),
                dimension_name=first.name, table_cell=first.codependent.table_cell,
                explanation=first.codependent.explanation, section=first.codependent.section)
        if not result.needs_care:
            dispatcher.utter_message(response="utter_self_check_all_healthy")
        elif result.healthy:
            first = kb.dimension(result.healthy[0])
            dispatcher.utter_message(
                response="utter_self_check_healthy",
                names=", ".join(kb.dimension(d).name for d in result.healthy),
                affirmation=first.interdependent.advice)
        else:
            dispatcher.utter_message(response="utter_self_check_nothing_healthy")
        await remember(tracker, result.findings, None, kind="self_check")
        # Follow-ups ("what can I do about the saying no part?") work on the result's rows,
        # the ones that most need care first.
        rows = sorted(result.findings, key=lambda key: key.split(":")[1] not in result.needs_care)
        return cleared(tracker) + [SlotSet(LAST_FINDINGS, rows), SlotSet(LAST_EVIDENCE, None)]


class ActionCancelSelfCheck(Action):
    """Stops the self-check and forgets its answers."""

    def name(self) -> str:
        return "action_cancel_self_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_self_check_paused")
        return cleared(tracker)
