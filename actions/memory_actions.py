"""Glue for what a person can ask about their own results: summary, forget me, anonymous."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from tandem import knowledge
from actions import summary
from actions.actions import CHANNELS_WITH_CHART, profiles
from tandem.vocabulary import ANONYMOUS, FORGET_SLOT


def self_check_part(dispatcher: CollectingDispatcher, found: summary.Summary,
                    kb: knowledge.Knowledge) -> None:
    """The latest self-check's leanings, when the person has done one."""
    if not found.self_check_at:
        return
    dispatcher.utter_message(
        response="utter_summary_self_check", when=found.self_check_at.strftime("%d %b %Y"),
        **summary.self_check_rows(found.self_check, kb))


class ActionShowSummary(Action):
    """What the person has described over time, with the article's advice for the top one."""

    def name(self) -> str:
        return "action_show_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        found = await profiles().summary(tracker.sender_id)
        if found is None:
            dispatcher.utter_message(response="utter_storage_trouble")
            return []
        top = summary.top_pattern(found)
        kb = knowledge.get()
        if top is None:
            if not found.self_check_at:
                dispatcher.utter_message(response="utter_summary_empty")
            self_check_part(dispatcher, found, kb)
            return []
        dimension = kb.dimension(top.dimension)
        entry = dimension.pole(top.pole)
        dispatcher.utter_message(
            response="utter_summary", total=found.total,
            since=found.first_recorded.strftime("%d %b %Y") if found.first_recorded else "",
            lines=summary.dimension_lines(found, kb), top_pole_phrase=kb.pole_phrases[top.pole],
            top_dimension=dimension.name, top_count=top.times, top_advice=entry.advice,
            top_section=entry.section)
        self_check_part(dispatcher, found, kb)
        if tracker.get_latest_input_channel() in CHANNELS_WITH_CHART:
            dispatcher.utter_message(
                image=summary.as_data_uri(summary.chart_png(found.counts, kb)))
        if tracker.get_slot(ANONYMOUS):
            dispatcher.utter_message(response="utter_summary_anonymous_note")
        return []


class ActionForgetMe(Action):
    """Deletes the person's results; the tracker store then deletes the conversation."""

    def name(self) -> str:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        if await profiles().forget(tracker.sender_id) is None:
            dispatcher.utter_message(response="utter_storage_trouble")
            return []
        dispatcher.utter_message(response="utter_forgotten")
        return [SlotSet(FORGET_SLOT, True)]


class ActionGoAnonymous(Action):
    """From now on, nothing about this person goes into the profile store."""

    def name(self) -> str:
        return "action_go_anonymous"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_anonymous_on")
        return [SlotSet(ANONYMOUS, True)]
