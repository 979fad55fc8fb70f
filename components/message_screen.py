"""NLU component that routes danger and unusable input before dialogue policies see it.

It runs after the intent classifiers. Danger always wins: a message the crisis screen
flags becomes the `crisis` intent, whatever else it says. Messages Tandem cannot read
(empty, no words, very long, not English) become `out_of_scope` with an `input_issue`
entity, so the domain can pick the right kind answer.
"""

import re
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from spacy.lang.de.stop_words import STOP_WORDS as GERMAN
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
from spacy.lang.es.stop_words import STOP_WORDS as SPANISH
from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH
from spacy.lang.it.stop_words import STOP_WORDS as ITALIAN
from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH
from spacy.lang.pt.stop_words import STOP_WORDS as PORTUGUESE

from actions import safety

CRISIS = "crisis"
OUT_OF_SCOPE = "out_of_scope"
INPUT_ISSUE = "input_issue"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Function words of other languages that are not also English ones ("a", "me", "no" ...).
_FOREIGN = (GERMAN | SPANISH | FRENCH | ITALIAN | DUTCH | PORTUGUESE) - ENGLISH


def input_issue(text: Optional[str], max_chars: int) -> Optional[str]:
    """Why a message cannot be analysed: empty, no_words, too_long, not_english or None."""
    if not text or not text.strip():
        return "empty"
    words = _WORD.findall(text)
    if not words:
        return "no_words"
    if len(text) > max_chars:
        return "too_long"
    letters = "".join(words)
    if sum(1 for ch in letters if ord(ch) > 0x24F) > len(letters) / 2:
        return "not_english"  # mostly a non-Latin script
    lowered = {w.lower() for w in words}
    foreign = len(lowered & _FOREIGN)
    english = len(lowered & ENGLISH)
    # Distinct function words, so slang like "im fine if shes fine" stays English.
    if foreign >= 3 and foreign > english:
        return "not_english"
    return None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class MessageScreen(GraphComponent):
    """Overrides the intent for danger and for input Tandem cannot analyse."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Messages longer than `max_chars` get a "please shorten it" answer."""
        return {"max_chars": 3000}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._max_chars = int(config["max_chars"])

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "MessageScreen":
        """Creates the component (it has nothing to train)."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Screens each message in place."""
        for message in messages:
            self._screen(message)
        return messages

    def _screen(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return  # button payloads are parsed by Rasa's RegexMessageHandler
        intent = message.get(INTENT) or {}
        result = safety.assess(text, intent.get(INTENT_NAME_KEY),
                               float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
        if result.at_risk:
            self._set_intent(message, CRISIS)
            return
        if intent.get(INTENT_NAME_KEY) == CRISIS:
            # Too unsure, or its danger words were all negated ("I would never hurt myself").
            self._demote_crisis(message)
        issue = input_issue(text, self._max_chars)
        if issue:
            self._set_intent(message, OUT_OF_SCOPE)
            entities = list(message.get(ENTITIES) or [])
            entities.append({"entity": INPUT_ISSUE, "value": issue, "start": 0,
                             "end": len(text), "extractor": type(self).__name__})
            message.set(ENTITIES, entities, add_to_output=True)

    @staticmethod
    def _set_intent(message: Message, name: str) -> None:
        message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True)

    @staticmethod
    def _demote_crisis(message: Message) -> None:
        """A crisis guess the screen did not confirm falls back to the next intent."""
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                   if r.get(INTENT_NAME_KEY) != CRISIS]
        if ranking:
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
