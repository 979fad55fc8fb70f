"""How Tandem answers inside one conversation: reflect first, stay short, never repeat.

Pure logic with no Rasa imports. A reply is a list of `Say` items (a domain response and
the values for its placeholders); the actions utter them. `Memory` is what Tandem has
already said in this session (the `shared` slot), so the full citation is given once,
"was this helpful?" is asked once, and a follow-up asked twice offers something new or
says that Tandem has shared what it has.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from tandem import text
from tandem.analysis import RELATIONS, Evidence, named_relation, overall_pattern
from tandem.knowledge import Knowledge, PoleTalk
from tandem.vocabulary import Finding

# Keys of `Memory` that are not per-row paragraphs.
CITED = "cited"
FEEDBACK_ASKED = "feedback_asked"
ANSWER = "answer#"
# Buttons are offered only for a genuine near-tie: candidates this close to the top one.
NEAR_TIE = 0.08
# A typed pick ("the second one", "more the feelings thing") is a short message.
MAX_PICK_WORDS = 8
# A bare ordinal answer ("second", "the last") is this short.
MAX_ORDINAL_WORDS = 3
ORDINALS = {"first": 0, "1st": 0, "one": 0, "1": 0, "top": 0, "second": 1, "2nd": 1,
            "two": 1, "2": 1, "middle": 1, "third": 2, "3rd": 2, "three": 2, "3": 2,
            "fourth": 3, "4th": 3, "four": 3, "4": 3}
LAST_WORDS = ("last", "final", "bottom")


@dataclass(frozen=True)
class Say:
    """One message: a domain response and the values of its placeholders."""

    response: str
    values: Dict[str, Any] = field(default_factory=dict)


class Memory:
    """What Tandem has already said in this session, as short keys."""

    def __init__(self, keys: Optional[Iterable[str]] = None) -> None:
        self.keys: List[str] = list(keys or [])

    def __contains__(self, key: str) -> bool:
        return key in self.keys

    def add(self, key: str) -> None:
        """Remembers that `key` was said."""
        if key not in self.keys:
            self.keys.append(key)

    def first_time(self, key: str) -> bool:
        """True, and remembers `key`, when it has not been said yet."""
        if key in self.keys:
            return False
        self.keys.append(key)
        return True

    def forget(self, prefix: str) -> None:
        """Forgets every key under `prefix` (a new self-check asks its questions afresh)."""
        self.keys = [key for key in self.keys if not key.startswith(f"{prefix}:")]

    def next_unsaid(self, prefix: str, count: int) -> Optional[int]:
        """The first of `count` numbered paragraphs under `prefix` not yet said."""
        return next((i for i in range(count) if f"{prefix}:{i}" not in self), None)

    def take(self, prefix: str, count: int) -> Optional[int]:
        """Like next_unsaid, and remembers the one returned."""
        index = self.next_unsaid(prefix, count)
        if index is not None:
            self.add(f"{prefix}:{index}")
        return index

    @property
    def answers(self) -> int:
        """How many times Tandem has explained a pattern in this session."""
        return sum(1 for key in self.keys if key.startswith(ANSWER))

    def citation(self, kb: Knowledge) -> str:
        """The full citation the first time in a conversation, then "Martin, 2018"."""
        if CITED in self:
            return kb.short_attribution
        self.add(CITED)
        return kb.attribution


def fresh(memory: Memory, response: str, variants: int = 3) -> str:
    """A response's next unsaid wording: `response`, then `response_1`, `response_2`...

    The last wording is kept short, so saying it again is not a repeated paragraph.
    """
    index = memory.take(f"said:{response}", variants)
    index = variants - 1 if index is None else index
    return response if index == 0 else f"{response}_{index}"


def row_key(kind: str, finding: Finding) -> str:
    """The memory prefix for one kind of paragraph about one side of one row."""
    return f"{kind}:{finding.pole}:{finding.dimension}"


def person(kb: Knowledge, relation: Optional[str], unnamed: str = "someone_described") -> str:
    """How a reply names another person: "your sister", or a label when no one is named."""
    if relation in RELATIONS:
        return f"{kb.labels['person_prefix']} {relation}"
    return kb.labels[unnamed]


def dimension_name(kb: Knowledge, dimension: str, about: str) -> str:
    """The row's name, spoken of the person it is about ("your feelings" -> "their feelings")."""
    name = kb.dimension(dimension).name
    if about == "self":
        return name
    return re.sub(rf"\b{kb.labels['person_prefix']}\b", kb.labels["their"], name)


def reflection(kb: Knowledge, finding: Finding, about: str, message: str,
               memory: Memory) -> Optional[Say]:
    """One sentence in the person's terms, not said before in this session; else None."""
    talk = kb.talk[finding.dimension].pole(finding.pole)
    other = about != "self"
    variants = talk.reflect_other if other else talk.reflect_self
    index = memory.take(row_key("reflect_other" if other else "reflect", finding), len(variants))
    if index is None:
        return None
    who = (person(kb, about) if other
           else person(kb, named_relation(message), unnamed="other_person"))
    sentence = variants[index].format(other=who, person=who, Person=who[:1].upper() + who[1:])
    return Say("utter_reflection", {"reflection": sentence})


def explain_one(kb: Knowledge, finding: Finding, about: str, message: str,
                memory: Memory, opener: Optional[str] = None) -> List[Say]:
    """Reflection, the pattern with the table cell, one article point with quick replies.

    A row already explained in this session is named again without repeating its cell,
    with a new article point while there is one. An `opener` response takes the
    reflection's place, so the answer stays at three messages: the direct answer to "is it
    bad that I ...?", or the thanks for a correction.
    """
    memory.add(f"{ANSWER}{memory.answers}")
    reply: List[Say] = []
    reflected = (Say(fresh(memory, opener)) if opener
                 else reflection(kb, finding, about, message, memory))
    if reflected:
        reply.append(reflected)
    entry = kb.dimension(finding.dimension).pole(finding.pole)
    talk = kb.talk[finding.dimension].pole(finding.pole)
    values = {"pole_phrase": kb.pole_phrases[finding.pole],
              "dimension_name": dimension_name(kb, finding.dimension, about)}
    point = memory.take(row_key("point", finding), len(talk.article_points))
    if row_key("explained", finding) in memory:
        # The same row again: name it, and add only what is new.
        if point is None:
            return reply + [Say(f"utter_pattern_again_{finding.pole}", values)]
        reply.append(Say("utter_pattern_again_short", values))
    else:
        memory.add(row_key("explained", finding))
        reply.append(Say("utter_pattern", {**values, "table_cell": entry.table_cell,
                                           "citation": memory.citation(kb)}))
        if point is None:
            return reply
    reply.append(Say(f"utter_point_{finding.pole}",
                     {"point": talk.article_points[point or 0].text}))
    return reply


def pattern_lines(kb: Knowledge, evidence: Sequence[Evidence], about: str) -> str:
    """One line per pattern: the person's words and the row it sounds like."""
    return "\n".join(
        kb.labels["pattern_line"].format(
            quote=text.short_quote(item.sentence), pole_phrase=kb.pole_phrases[item.finding.pole],
            dimension=dimension_name(kb, item.finding.dimension, about))
        for item in evidence)


def explain_several(kb: Knowledge, evidence: Sequence[Evidence], about: str,
                    memory: Memory, long_message: bool = False) -> List[Say]:
    """Several patterns: one line each, then what they add up to, with quick replies."""
    memory.add(f"{ANSWER}{memory.answers}")
    findings = [item.finding for item in evidence]
    for finding in findings:
        memory.add(row_key("explained_briefly", finding))
    intro = "utter_long_focus" if long_message else "utter_several_patterns"
    return [
        Say(intro, {"count": len(evidence), "lines": pattern_lines(kb, evidence, about)}),
        # Said again in a session, the summary is a short second wording, not the paragraph.
        Say(fresh(memory, f"utter_several_summary_{overall_pattern(findings)}", variants=2),
            {"citation": memory.citation(kb)}),
    ]


def explain(kb: Knowledge, evidence: Sequence[Evidence], about: str, message: str,
            memory: Memory, long_message: bool = False,
            opener: Optional[str] = None) -> List[Say]:
    """The answer for a message's findings (at most three messages)."""
    if len(evidence) == 1 and not long_message:
        return explain_one(kb, evidence[0].finding, about, message, memory, opener)
    return explain_several(kb, evidence, about, memory, long_message)


def matched_cues(talk: PoleTalk, sentence: str) -> List[str]:
    """The cue words of one side of a row that appear in the person's words."""
    lowered = " " + " ".join(re.findall(r"[a-z0-9']+", text.normalise(sentence))) + " "
    return [cue for cue in talk.cues if f" {cue} " in lowered]


def why(kb: Knowledge, finding: Finding, evidence: str, memory: Memory,
        question: str = "") -> Say:
    """Which of the person's words led to the reading; then the idea behind the row.

    With no cue words to name, a codependent reading's first answer quotes the message with
    the idea at once.

    "Why is that a problem? She's my mum" asks something else first: whether closeness
    to family can be the problem. The answer to that comes once, before the usual steps.
    """
    dimension = kb.dimension(finding.dimension)
    talk = kb.talk[finding.dimension].pole(finding.pole)
    values = {"dimension_name": dimension.name, "pole_phrase": kb.pole_phrases[finding.pole],
              "table_cell": dimension.pole(finding.pole).table_cell}
    relation = named_relation(question)
    closeness = kb.concepts["who_can_be_codependent"]
    if (finding.pole == "codependent" and relation is not None
            and memory.first_time(f"concept:{closeness.key}")):
        return Say("utter_why_close_to_them", {**values, "person": person(kb, relation),
                                               "concept_answer": closeness.answer,
                                               "citation": memory.citation(kb)})
    step = memory.take(row_key("why", finding), 2)
    concept = kb.concepts[dimension.related_concept]
    if step == 0:
        cues = matched_cues(talk, evidence)
        if evidence and cues:
            return Say("utter_why_words", {**values, "quote": text.short_quote(evidence),
                                           "cues": ", ".join(f'"{c}"' for c in cues[:3])})
        if (evidence and finding.pole == "codependent"
                and memory.first_time(f"concept:{concept.key}")):
            # No cue words to point at: the reading rests on the whole message, so the
            # answer to "why?" is why the row matters, not the row named again. (The idea
            # explains the codependent side; a healthy reading needs no defending.)
            return Say("utter_why_quote_idea", {**values, "quote": text.short_quote(evidence),
                                                "concept_answer": concept.answer,
                                                "citation": memory.citation(kb)})
        if evidence:
            return Say("utter_why_quote", {**values, "quote": text.short_quote(evidence)})
        return Say("utter_why_row", values)
    if step == 1:
        if memory.first_time(f"concept:{concept.key}"):
            return Say("utter_why_idea", {"concept_answer": concept.answer,
                                          "citation": memory.citation(kb)})
    return Say("utter_why_said_all", values)


def suggestions(kb: Knowledge, finding: Finding, memory: Memory) -> Say:
    """Tandem's own small options for this side of the row, a new round each time."""
    rounds = kb.talk[finding.dimension].pole(finding.pole).suggestions
    index = memory.take(row_key("try", finding), len(rounds))
    if index is None:
        return Say(f"utter_try_said_all_{finding.pole}")
    options = "\n".join(f"- {option}" for option in rounds[index])
    return Say(f"utter_try_{finding.pole}_{min(index, 1)}", {"options": options})


def healthy_side(kb: Knowledge, finding: Finding, memory: Memory) -> Say:
    """What the healthy side of the row looks like, once; then says it has been shared."""
    dimension = kb.dimension(finding.dimension)
    if not memory.first_time(f"healthy:{finding.dimension}"):
        return Say(f"utter_healthy_said_{finding.pole}", {"dimension_name": dimension.name})
    if finding.pole == "interdependent":
        return Say("utter_healthy_already", {
            "table_cell": dimension.interdependent.table_cell,
            "other_cell": dimension.codependent.table_cell, "citation": memory.citation(kb)})
    return Say("utter_healthy_side", {
        "table_cell": dimension.interdependent.table_cell,
        "explanation": dimension.interdependent.explanation, "citation": memory.citation(kb)})


def more(kb: Knowledge, finding: Finding, memory: Memory) -> Say:
    """"Tell me more": the idea behind the row, then further article points, then done."""
    dimension = kb.dimension(finding.dimension)
    concept = kb.concepts[dimension.related_concept]
    if memory.first_time(f"concept:{concept.key}"):
        return Say("utter_tell_me_more", {"concept_answer": concept.answer,
                                          "citation": memory.citation(kb)})
    points = kb.talk[finding.dimension].pole(finding.pole).article_points
    index = memory.take(row_key("point", finding), len(points))
    if index is None:
        return Say("utter_more_said_all", {"dimension_name": dimension.name})
    return Say("utter_more_point", {"point": points[index].text,
                                    "citation": memory.citation(kb)})


def open_question(kb: Knowledge, candidates: Sequence[Finding], memory: Memory) -> Optional[Say]:
    """One open question in plain words about the likeliest row, not asked before."""
    for candidate in candidates:
        questions = kb.talk[candidate.dimension].open_questions
        index = memory.take(f"open:{candidate.dimension}", len(questions))
        if index is not None:
            return Say("utter_open_question", {"question": questions[index]})
    return None


def near_tie(candidates: Sequence[Finding], gap: float = NEAR_TIE) -> List[Finding]:
    """The two or three candidates genuinely tied with the top one; [] when there is a leader."""
    if not candidates:
        return []
    top = candidates[0].confidence
    tied = [c for c in candidates if top - c.confidence <= gap]
    return tied if len(tied) >= 2 else []


def typed_pick(message: str, candidates: Sequence[Finding], kb: Knowledge,
               dimension: Optional[str] = None) -> Optional[Finding]:
    """The candidate a typed answer picks: "the second", "the feelings one", "saying no"."""
    if not candidates or text.word_count(message) > MAX_PICK_WORDS:
        return None
    if dimension:
        return next((c for c in candidates if c.dimension == dimension), None)
    words = re.findall(r"[a-z0-9']+", text.normalise(message))
    # "He always has to have the last word" is a situation, not a pick: an ordinal picks
    # only in a short answer or next to "one", "option" or "number".
    pick_like = len(words) <= MAX_ORDINAL_WORDS or bool({"one", "option", "number"} & set(words))
    if pick_like and "before last" in " ".join(words) and len(candidates) >= 2:
        return candidates[-2]
    for word in words if pick_like else ():
        if word in ORDINALS and ORDINALS[word] < len(candidates) and (
                word not in ("one",) or len(words) <= 2):
            return candidates[ORDINALS[word]]
        if word in LAST_WORDS:
            return candidates[-1]
    spoken = " ".join(words)
    for candidate in candidates:
        row = kb.dimension(candidate.dimension)
        names = {row.name, row.label, candidate.dimension.replace("_", " ")}
        if any(_content(name) and _content(name) <= set(words) for name in names) or \
                any(name.lower() in spoken for name in names):
            return candidate
    return None


_NAME_FILLER = frozenset("your you the of or and with them who a".split())


def _content(name: str) -> set:
    """The words of a row's name that carry its meaning ("your feelings" -> {"feelings"})."""
    return {w for w in re.findall(r"[a-z']+", name.lower()) if w not in _NAME_FILLER}


def feedback_due(memory: Memory) -> bool:
    """"Was this helpful?" is asked at most once, and only after Tandem explained something."""
    return memory.answers >= 1 and FEEDBACK_ASKED not in memory


def ask_feedback(memory: Memory) -> Tuple[Say, ...]:
    """The one "was this helpful?" of a session, if it is due."""
    if not feedback_due(memory):
        return ()
    memory.add(FEEDBACK_ASKED)
    return (Say("utter_ask_helpful"),)
