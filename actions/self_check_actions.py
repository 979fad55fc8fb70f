"""Glue for the guided self-check form: who it is about, and the result."""

from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.actions import remember
from tandem import knowledge, self_check
from tandem.vocabulary import CHECK_PERSON, DIMENSIONS, self_check_slot


PERSON = CHECK_PERSON
ANSWER_SLOTS = [self_check_slot(d) for d in DIMENSIONS]


def cleared() -> List[EventType]:
    """Empties the form's slots so the next self-check starts from the first question."""
    return [SlotSet(name, None) for name in [PERSON, *ANSWER_SLOTS]]


class ValidateSelfCheckForm(FormValidationAction):
    """Turns "my mum" into "your mum" for the questions; asks again if no one is named."""

    def name(self) -> str:
        return "validate_self_check_form"

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
        for key in result.needs_care:
            dimension = kb.dimension(key)
            dispatcher.utter_message(
                response="utter_self_check_needs_care", dimension_name=dimension.name,
                table_cell=dimension.codependent.table_cell,
                explanation=dimension.codependent.explanation,
                section=dimension.codependent.section)
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
        return cleared()


class ActionCancelSelfCheck(Action):
    """Stops the self-check and forgets its answers."""

    def name(self) -> str:
        return "action_cancel_self_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_self_check_paused")
        return cleared()
