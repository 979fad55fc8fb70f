"""NLU component that routes danger and unusable input before dialogue policies see it.

It runs after the intent classifiers and decides risk once per message (tandem.safety):
danger always wins, so a flagged message becomes the crisis intent of its kind
(`crisis_self_harm`, `crisis_abuse`, `crisis_child`) with `risk_kind` and `risk_level`
entities, whatever else it says. The actions read that verdict and never screen again.
Messages Tandem cannot read (empty, no words, very long, not English) become
`out_of_scope` with an `input_issue` entity, so the domain can pick the right kind answer.
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

from tandem import safety, text
from tandem.vocabulary import (
    INPUT_ISSUE,
    RISK_IMMINENCE,
    RISK_NEGATED,
    crisis_intent,
    parse_crisis_intent,
)

OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
# A danger phrase that names no kind ("I'm not safe") is answered as the most general kind
# of danger to someone else's hand; the actions use the kind remembered in the session first.
UNSPECIFIED_KIND = "abuse"
@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class MessageScreen(GraphComponent):
    """Overrides the intent for danger and for input Tandem cannot analyse."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Messages longer than `max_chars` get a "please shorten it" answer.

        Long messages are read (the analysis picks the sentences that carry patterns), up
        to about 2,000 words. The limit sits below the channels' own cap (20,000 characters,
        connectors/rest.py), so a message a channel had to cut short is never read as whole.
        """
        return {"max_chars": 12000}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._max_chars = int(config["max_chars"])
        # The language check imports spaCy's stop-word lists on first use (seconds): at
        # start-up rather than on the first message.
        text.input_issue("warm up", self._max_chars)

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
        text_ = message.get(TEXT) or ""
        if text_.startswith("/"):
            # Rasa's RegexMessageHandler replaces this parse with the payload's; the screen
            # runs on payloads after it (patches/payload_screen.py).
            return
        intent = message.get(INTENT) or {}
        risk = screen_for_danger(message, sentences=_sentences(message, text_))
        if risk.at_risk:
            return
        if risk.negated_only:
            _add_entities(message, [{"entity": RISK_NEGATED, "value": "true", "start": 0,
                                     "end": len(text_)}])
        if parse_crisis_intent(intent.get(INTENT_NAME_KEY)):
            # Too unsure, or its danger words were all negated ("I would never hurt myself"):
            # the analysis action answers calmly to negated danger.
            _set_intent(message, FALLBACK)
        issue = text.input_issue(text_, self._max_chars)
        if issue:
            _set_intent(message, OUT_OF_SCOPE)
            _add_entities(message, [{"entity": INPUT_ISSUE, "value": issue, "start": 0,
                                     "end": len(text_)}])


def _add_entities(message: Message, found: List[Dict[str, Any]]) -> None:
    entities = list(message.get(ENTITIES) or [])
    entities.extend(dict(e, extractor=MessageScreen.__name__) for e in found)
    message.set(ENTITIES, entities, add_to_output=True)


def _set_intent(message: Message, name: str) -> None:
    message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0},
                add_to_output=True)


def screen_for_danger(message: Message, sentences: Optional[List[str]] = None) -> safety.Risk:
    """Decide the message's risk; danger becomes its crisis intent with the verdict entities.

    The one place a parsed message is marked as dangerous: the screen component calls it for
    typed messages, and patches/payload_screen.py for "/intent" payloads.
    """
    text_ = message.get(TEXT) or ""
    risk = safety.assess(text_, message.get(INTENT_RANKING_KEY) or [], sentences=sentences,
                         imminence=message.get(RISK_IMMINENCE))
    if risk.at_risk:
        _set_intent(message, crisis_intent(risk.kind or UNSPECIFIED_KIND))
        _add_entities(message, [dict(e, start=0, end=len(text_)) for e in risk.entities()])
    return risk


def _sentences(message: Message, text_: str) -> List[str]:
    """The message's sentences, from SpacyNLP's parse when the pipeline made one."""
    doc = message.get("text_spacy_doc")
    if doc is not None and doc.has_annotation("SENT_START"):
        return [s.text.strip() for s in doc.sents if s.text.strip()]
    return text.split_sentences(text_)
