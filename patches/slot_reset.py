"""Per-message slots cleared by Rasa itself, so a message costs one action-server call."""

import functools
from typing import Any, Iterable, List

from rasa.core.actions.action import ActionExtractSlots
from rasa.shared.core.events import Event, SlotSet, UserUttered

from tandem.vocabulary import OFFERS_KEPT_FOR_MESSAGES, OPEN_QUESTIONS, PER_MESSAGE_SLOTS


def reset_events(tracker: Any) -> List[Event]:
    """SlotSet events that clear the per-message slots (and an open question, unless answered).

    Only slots whose value differs from the cleared one get an event, so a tracker does not
    grow by five events a message.
    """
    events: List[Event] = [SlotSet(name, value) for name, value in PER_MESSAGE_SLOTS.items()
                           if tracker.slots.get(name) is not None
                           and tracker.get_slot(name) != value]
    intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
    events.extend(SlotSet(name, None) for name, answers in OPEN_QUESTIONS.items()
                  if intent not in answers and tracker.slots.get(name) is not None
                  and tracker.get_slot(name))
    events.extend(SlotSet(name, None) for name, kept in OFFERS_KEPT_FOR_MESSAGES.items()
                  if tracker.slots.get(name) is not None and tracker.get_slot(name)
                  and messages_since_offer(tracker.events, name) > kept)
    return events


def messages_since_offer(events: Iterable[Event], slot: str) -> int:
    """How many user messages arrived since `slot` was last given a value (this one too)."""
    count = 0
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            count += 1
        elif isinstance(event, SlotSet) and event.key == slot and event.value:
            break
    return count


def clear_per_message_slots() -> str:
    """Prepends the per-message slot resets to Rasa's slot extraction after each user message.

    Tandem's analysis contract (docs/contract.md) says `findings`, `pattern`,
    `risk_detected`, `about` and `input_issue` describe the latest message only. Rasa has
    no "reset on every message" mapping (a `from_intent` mapping may not set null), so a
    custom action used to run for it: a second call to the action server on every message.
    `action_extract_slots` runs in-process right after each user message, before the
    message's own action; the resets go first so an entity of this message (e.g.
    `input_issue`) still sets its slot.
    """
    run = ActionExtractSlots.run

    @functools.wraps(run)
    async def run_with_resets(self: ActionExtractSlots, output_channel: Any, nlg: Any,
                              tracker: Any, domain: Any) -> List[Event]:
        resets = reset_events(tracker)
        extracted = await run(self, output_channel, nlg, tracker, domain)
        return resets + list(extracted)

    ActionExtractSlots.run = run_with_resets
    return "per-message slots cleared in-process"
