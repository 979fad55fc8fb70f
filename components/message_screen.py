"""NLU component that routes danger and unusable input before dialogue policies see it.

It runs after the intent classifiers. Danger always wins: a message the crisis screen
flags becomes the `crisis` intent, whatever else it says. Messages Tandem cannot read
(empty, no words, very long, not English) become `out_of_scope` with an `input_issue`
entity, so the domain can pick the right kind answer.
"""

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

from actions import language, safety

CRISIS = "crisis"
OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
INPUT_ISSUE = "input_issue"
# Words that are function words elsewhere but ordinary English (or names, or chat slang)
# here: found in Tandem's own English training data.
_ENGLISH_TOO = frozenset(
    "af ai aux ben bin car certain co come comment con cos dan die different dont door dos e "
    "ex fine gran gross gut hen hi hun im later local man men met mia mil min na op per plus "
    "possible premier pres sea sent solo son state stop suit ta tag total u van via want war "
    "y ya yo zero".split())
# Function words of other languages that are not also English words.
_FOREIGN = (GERMAN | SPANISH | FRENCH | ITALIAN | DUTCH | PORTUGUESE) - ENGLISH - _ENGLISH_TOO


def input_issue(text: Optional[str], max_chars: int) -> Optional[str]:
    """Why a message cannot be analysed: empty, no_words, too_long, not_english or None."""
    if not text or not text.strip():
        return "empty"
    words = language.words(text)
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
        result = safety.assess(text, message.get(INTENT_RANKING_KEY) or [])
        if result.at_risk:
            self._set_intent(message, CRISIS)
            return
        if intent.get(INTENT_NAME_KEY) == CRISIS:
            # Too unsure, or its danger words were all negated ("I would never hurt myself"):
            # let the analysis action decide, which answers calmly to negated danger.
            message.set(INTENT, {INTENT_NAME_KEY: FALLBACK, PREDICTED_CONFIDENCE_KEY: 1.0},
                        add_to_output=True)
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

