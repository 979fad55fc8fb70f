"""Checks that what Tandem attributes to the article can be traced to the section it cites.

A sentence that says "the article ..." (or "the article's table") reports the article.
`untraceable` scores each such sentence against the text of the cited section(s) by
content-word overlap and returns those below `THRESHOLD`. Overlap cannot prove a paraphrase
right ("the article says codependency is caused by your partner" reuses the article's words),
but it catches the failure this guards against: a claim the cited section never makes (a
therapist, leaving, any suggestion of Tandem's own) put in the article's mouth.

A sentence is scored from the clause that names the article on (a lead-in of Tandem's own
before a ":" is not the article's), as a whole and clause by clause (split at ";", ":" and
", and" / ", but" ...); its score is the lowest. "The article adds that relationships bring
joy and chances to grow, ..., and a therapist can help with that." is mostly the article's
words, but its last clause is not. Clauses of fewer than `MIN_CLAUSE_WORDS` content words are
scored only as part of the whole: one paraphrased word would decide them.

Sections: the article's six headings. The opening paragraph before the first heading ("It's
normal and healthy to depend on others...") belongs to "What is interdependency?": the
knowledge file cites that section for it, and the opening leads straight into it. The table
lines belong to "Interdependency vs. codependency", which "... (table)" names too. The
footnote after the table ("*Your codependent partner can be ...") is "Article footnote". The
page around the article (breadcrumbs, title, hashtags, author bio, references) is in none.
"""

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Tuple

from tandem.text import normalise

HEADINGS = (
    "What is interdependency?",
    "What is codependency and what makes it unhealthy?",
    "A need to be needed",
    "Helping vs. enabling",
    "Interdependency encourages growth",
    "Interdependency vs. codependency",
)
TABLE = "Interdependency vs. codependency"
TABLE_SUFFIX = " (table)"
FOOTNOTE = "Article footnote"
# Sections named together ("What is interdependency?; A need to be needed") are one union.
REFERENCE_SEPARATOR = ";"

# Faithful paraphrases in knowledge/article.yml score 0.6 or more as a whole and per clause;
# the invented claims in tests/test_faithful.py score 0.5 or less. A two-word clause must
# find both words, a five-word one three.
THRESHOLD = 0.6
MIN_CLAUSE_WORDS = 2

# "the article", "the article's", "article's table" (apostrophes are straightened first).
ATTRIBUTION = re.compile(r"\bthe article\b|\barticle's table\b", re.IGNORECASE)
# "A suggestion of Tandem's own, not the article's" disowns the article: nothing to trace.
DISCLAIMER = re.compile(r"\bnot (?:from |in )?the article\b|\bthe article (?:does not|doesn't)\b",
                        re.IGNORECASE)
# A sentence that only cites: "(Article section: ...)", "(Source: ..., section ...)".
CITATION = re.compile(r"^\(?\s*(?:article section|source)\s*:", re.IGNORECASE)
# Tandem speaking for itself ("Tandem's suggestion: ...", "Tandem uses the nine rows ...").
TANDEM = re.compile(r"\bTandem\b")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
# A sentence ends at . ! or ? (and any closing quote or bracket) before whitespace and a
# capital, quote or bracket, or at a line break; "Helping vs. enabling" does not end one.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z\"(])|\n+")
CLAUSE_END = re.compile(
    r"\s*[;:]\s+|\s+(?:\u2013|\u2014|-)\s+"
    r"|,\s+(?=(?:and|but|so|while|which|because|though|although|whereas|where)\b)")
TOKEN = re.compile(r"[a-z]+")
POSSESSIVE = re.compile(r"'s\b")
# Tandem's names for a side of a row ("the article's healthy version"): a label, not a claim,
# and "healthy" alone must stay a claim word ("the article says codependency is healthy").
FRAMING = re.compile(r"\b(?:un)?healthy (?:version|side|pole)s?\b|\b(?:co|inter)dependent "
                     r"(?:version|side|pole)s?\b", re.IGNORECASE)

STOP_WORDS: FrozenSet[str] = frozenset("""
a about after again against all also am an and any are as at be because been before being
between both but by can cannot could did do does doing don done during each either even ever
every for from further get gets getting go goes going had has have having he her here hers
herself him himself his how i if in into is it its itself just least less let like ll made
make makes many may me might more most much must my myself neither no nor not now of off
often on once one only or other others our ours ourselves out over own rather re really s
same she should so some something still such t than that the their theirs them themselves
then there these they this those through thus to too under until up upon us ve very was we
were what when where whether which while who whom whose why will with within without would
yet you your yours yourself yourselves d m o y instead way ways thing things someone
somebody anyone anybody everyone everybody everything anything nothing else able vs etc
however always isn doesn didn wasn aren weren hasn haven won
""".split())

# Words that say where or how the article says something, not what it says. They are
# dropped from the attributed sentence only; the words of the claim that follows still have
# to be found in the section. Structure words ("row", "side", "nine") describe the table.
ATTRIBUTION_WORDS: FrozenSet[str] = frozenset("""
article articles says say said describe describes described calls call called name names
named notes note adds add puts put table tables section sections heading opens lists list
writes write explains explain separates contrast contrasts traces trace links link words
term terms row rows column columns side sides version versions picture sense test sign
signs kind suggests suggest according tandem nine two point points
""".split())

# Irregular forms the suffix rules cannot reach.
IRREGULAR = {"growth": "grow", "children": "child", "felt": "feel"}
# Stripped longest first, repeatedly ("partners", "partner", "partn"), while at least three
# letters remain; a final "e", "y" or "i" goes last, so "enabling"/"enable" and
# "relies"/"rely"/"reliance" meet. No "ive" or "ation": they would split "receive" from
# "receiving" and "validation" from "validate".
SUFFIXES = ("ness", "ment", "ings", "ing", "ions", "ion", "ities", "ity", "ency", "ence",
            "ents", "ent", "ance", "ant", "ism", "ise", "ize", "ers", "er", "ed", "ly", "al",
            "es", "ty", "s")
MIN_STEM = 3


@dataclass(frozen=True)
class Finding:
    """An attributed sentence, its score, and the weakest part's words the source lacks."""

    sentence: str
    score: float
    missing: Tuple[str, ...]


def split_sections(article: str) -> Dict[str, str]:
    """The article's sections by heading, plus the footnote (see the module docstring)."""
    lines = [line.strip() for line in normalise_quotes(article).splitlines()]
    sections: Dict[str, List[str]] = {heading: [] for heading in (*HEADINGS, FOOTNOTE)}
    current: Optional[str] = None
    opening: List[str] = []
    after_table = False
    for line in lines:
        if line in HEADINGS and not after_table:
            current = line
        elif current is None:
            # Only prose: the breadcrumb, title and hashtag lines do not end a sentence.
            if line.endswith((".", "?", "!")):
                opening.append(line)
        elif current == TABLE and line.startswith("\u00a9"):
            after_table = True  # "©Sharon Martin, LCSW" closes the table and the article
        elif after_table:
            if line.startswith("*"):
                sections[FOOTNOTE].append(line.lstrip("*").strip())
        elif line:
            sections[current].append(line)
    sections[HEADINGS[0]] = opening + sections[HEADINGS[0]]
    return {name: "\n".join(body) for name, body in sections.items()}


def section_text(sections: Dict[str, str], reference: Optional[str]) -> str:
    """The text a reference names: one section, several joined by ';', or (None) all of them."""
    if reference is None:
        return "\n".join(sections.values())
    parts = []
    for name in reference.split(REFERENCE_SEPARATOR):
        name = name.strip()
        if name.endswith(TABLE_SUFFIX):
            name = name[: -len(TABLE_SUFFIX)]
        if name not in sections:
            raise KeyError(f"no article section named {name!r}")
        parts.append(sections[name])
    return "\n".join(parts)


def normalise_quotes(text: str) -> str:
    """Straight quotes and apostrophes, so "it’s" and "it's" read alike."""
    for curly, straight in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'")):
        text = text.replace(curly, straight)
    return text


def strip_placeholders(text: str) -> str:
    """A response template without its {slots}: only the words it always says are scored."""
    return PLACEHOLDER.sub("", text)


def split_sentences(text: str) -> List[str]:
    """The sentences of `text`, stripped, without empty ones."""
    return [s.strip() for s in SENTENCE_END.split(normalise_quotes(text)) if s and s.strip()]


def is_citation(sentence: str) -> bool:
    """True for a sentence that only cites, like "(Article section: {section})"."""
    return bool(CITATION.match(strip_placeholders(sentence).strip()))


def is_attributed(sentence: str) -> bool:
    """True when the sentence reports the article ("the article says ...", "article's table")."""
    sentence = normalise_quotes(sentence)
    return (bool(ATTRIBUTION.search(sentence)) and not DISCLAIMER.search(sentence)
            and not is_citation(sentence))


def is_tandems(sentence: str) -> bool:
    """True when the sentence names Tandem as its source ("Tandem's suggestion: ...")."""
    return bool(TANDEM.search(sentence))


def attributed_sentences(text: str) -> List[str]:
    """The sentences of `text` that attribute something to the article."""
    return [s for s in split_sentences(text) if is_attributed(s)]


def stem(word: str) -> str:
    """A light suffix stemmer: "enabling" and "enable", "relies" and "rely" meet."""
    word = IRREGULAR.get(word, word)
    if word.endswith(("ies", "ied")) and len(word) > MIN_STEM + 2:
        word = word[:-3] + "y"
    changed = True
    while changed:
        changed = False
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                if suffix == "s" and word.endswith(("ss", "us", "is")):
                    continue  # "less", "status", "this" are not plurals
                word = word[: -len(suffix)]
                changed = True
                break
    if len(word) > MIN_STEM and word[-1] in "eyi":
        word = word[:-1]
    if len(word) > MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # "stopping" and "stop", "fully" and "full"
    return word


def _tokens(text: str) -> List[str]:
    # "the article's table", "the other person's": the possessive is not a word.
    text = POSSESSIVE.sub("", normalise(normalise_quotes(text)))
    return [t for t in TOKEN.findall(text) if len(t) > 1]


def content_words(text: str) -> FrozenSet[str]:
    """The stems of the words of `text` that carry meaning (no stop words)."""
    return frozenset(stem(t) for t in _tokens(text) if t not in STOP_WORDS)


def claim_words(sentence: str) -> FrozenSet[str]:
    """The content words of an attributed sentence, without {slots}, framing or attribution."""
    tokens = _tokens(FRAMING.sub(" ", strip_placeholders(sentence)))
    return frozenset(stem(t) for t in tokens
                     if t not in STOP_WORDS and t not in ATTRIBUTION_WORDS)


def score(sentence: str, source: str) -> Tuple[float, Tuple[str, ...]]:
    """The share of the sentence's claim words found in `source`, and the missing ones.

    A sentence with no claim words left (a template whose slots carry the claim) scores 1:
    it says nothing of its own, and what fills the slots is checked where it is written.
    """
    words = claim_words(sentence)
    if not words:
        return 1.0, ()
    missing = tuple(sorted(words - content_words(source)))
    return 1 - len(missing) / len(words), missing


def clauses(sentence: str) -> List[str]:
    """The sentence's clauses: split at ';', ':', dashes and ', and' / ', but' and the like."""
    return [c for c in CLAUSE_END.split(sentence) if c and c.strip()]


def attributed_part(sentence: str) -> str:
    """The sentence from the clause that names the article on (all of it if none does).

    A lead-in of Tandem's own ("Let's do a short self-check: ...", "That's worth noticing
    kindly: the article says ...") is not what the article is said to say.
    """
    start = 0
    for boundary in CLAUSE_END.finditer(sentence):
        if ATTRIBUTION.search(normalise_quotes(sentence[start:boundary.start()])):
            break
        start = boundary.end()
    else:
        if not ATTRIBUTION.search(normalise_quotes(sentence[start:])):
            start = 0
    return sentence[start:]


def trace(sentence: str, source: str) -> Finding:
    """The lowest score of the sentence's attributed part, as a whole or any clause of it."""
    part = attributed_part(sentence)
    worst = score(part, source)
    for clause in clauses(part):
        if len(claim_words(clause)) >= MIN_CLAUSE_WORDS:
            worst = min(worst, score(clause, source))
    return Finding(sentence, round(worst[0], 2), worst[1])


def untraceable(text: str, sections: Dict[str, str], reference: Optional[str] = None,
                threshold: float = THRESHOLD, every_sentence: bool = False) -> List[Finding]:
    """The attributed sentences of `text` that the referenced section(s) do not support.

    `reference` is a section name, several joined by ';', or None for the whole article.
    With `every_sentence`, all sentences are checked (a text that is the article's point).
    """
    source = section_text(sections, reference)
    checked = split_sentences(text) if every_sentence else attributed_sentences(text)
    findings = [trace(sentence, source) for sentence in checked]
    return [found for found in findings if found.score < threshold]
