"""Every sentence that says "the article ..." can be traced to the section it cites.

Sources checked: knowledge/article.yml (explanations, concept answers and advice, against
their `section`), knowledge/conversation.yml (article points against their `section`; its
suggestions are Tandem's own and never attributed), and the responses in domain/*.yml that
mention the article (against the whole article, with {placeholders} removed). Tests that need
the article skip, as tests/test_knowledge.py does, when shared/article is not beside the clone.
"""

import re
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import yaml

from tandem import faithful, settings
from tests.conftest import ROOT
from tests.test_knowledge import ARTICLE

CONVERSATION = ROOT / "knowledge" / "conversation.yml"
DOMAIN = ROOT / "domain"
# The advice text each pole carries in knowledge/article.yml.
ADVICE = {"interdependent": "affirmation", "codependent": "growth"}
# Where conversation.yml keeps Tandem's own suggestions, per pole: "....codependent.try[0][1]".
SUGGESTION_PATH = re.compile(r"\.(?:try|keep_healthy)\[")

# (where, sentence, section): one sentence that claims to report the article.
Claim = Tuple[str, str, Optional[str]]


def _load(path: Any) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def knowledge_texts() -> List[Tuple[str, str, str]]:
    """(where, text, section) for every text of article.yml shown with a section citation."""
    raw = _load(settings.DEFAULT_KNOWLEDGE)
    texts = []
    for key, dimension in raw["dimensions"].items():
        for pole, advice in ADVICE.items():
            entry = dimension[pole]
            for field in ("explanation", advice):
                texts.append((f"{key}.{pole}.{field}", entry[field], entry["section"]))
    for key, concept in raw["concepts"].items():
        texts.append((f"concepts.{key}", concept["answer"], concept["section"]))
    return texts


def knowledge_claims() -> List[Claim]:
    """The attributed sentences of article.yml, with the section they cite."""
    return [(f"{where}#{n}", sentence, section) for where, text, section in knowledge_texts()
            for n, sentence in enumerate(faithful.attributed_sentences(text))]


def knowledge_other_sentences() -> List[Claim]:
    """The sentences of article.yml that do not name the article but sit under its citation."""
    return [(f"{where}#{n}", sentence, section) for where, text, section in knowledge_texts()
            for n, sentence in enumerate(faithful.split_sentences(text))
            if not faithful.is_attributed(sentence)]


def _walk(node: Any, path: str) -> Iterator[Tuple[str, Any]]:
    """Every (path, value) under `node`, lists and mappings included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def _absent(what: str, arity: int = 3) -> List[Any]:
    # Visible in the -rs summary: the file is being written, it is not silently passed over.
    return [pytest.param(*[None] * arity, id="absent",
                         marks=pytest.mark.skip(reason=f"{what} does not exist yet"))]


def conversation_points() -> List[Any]:
    """Every sentence of every article point in conversation.yml, with its section.

    An article point is the article's by construction, so each of its sentences is checked,
    not only those that say "the article". A point without text or section fails.
    """
    if not CONVERSATION.exists():
        return _absent("knowledge/conversation.yml")
    params = []
    for path, node in _walk(_load(CONVERSATION), "conversation"):
        if not path.endswith(".article_points") or not isinstance(node, list):
            continue
        for index, point in enumerate(node):
            where = f"{path}[{index}]"
            point = point if isinstance(point, dict) else {}
            text, section = point.get("text"), point.get("section")
            if not text or not section:
                params.append(pytest.param(where, text, section, id=where))
                continue
            params += [pytest.param(where, sentence, section, id=f"{where}#{n}")
                       for n, sentence in enumerate(faithful.split_sentences(text))]
    return params or _absent("an article point in knowledge/conversation.yml")


def conversation_strings() -> List[Any]:
    """Every other text of conversation.yml (reflections, questions, suggestions)."""
    if not CONVERSATION.exists():
        return _absent("knowledge/conversation.yml", arity=2)
    return [pytest.param(path, node, id=path)
            for path, node in _walk(_load(CONVERSATION), "conversation")
            if isinstance(node, str) and ".article_points[" not in path]


def domain_claims() -> List[Claim]:
    """The attributed sentences of every domain response that mentions the article."""
    claims = []
    for path in sorted(DOMAIN.glob("*.yml")):
        for name, variants in (_load(path).get("responses") or {}).items():
            for v, variant in enumerate(variants or []):
                text = variant.get("text") or ""
                if "article" not in text.lower():
                    continue
                sentences = faithful.split_sentences(faithful.strip_placeholders(text))
                claims += [(f"{path.name}:{name}[{v}]#{n}", sentence, None)
                           for n, sentence in enumerate(sentences)
                           if faithful.is_attributed(sentence)]
    return claims


def _ids(claims: List[Claim]) -> List[str]:
    return [where for where, _, _ in claims]


@pytest.fixture(scope="module")
def sections() -> Dict[str, str]:
    if not ARTICLE.exists():
        pytest.skip("shared/article is not beside this checkout")
    return faithful.split_sections(ARTICLE.read_text(encoding="utf-8"))


def assert_traceable(sections: Dict[str, str], sentence: str, section: Optional[str]) -> None:
    found = faithful.trace(sentence, faithful.section_text(sections, section))
    assert found.score >= faithful.THRESHOLD, (
        f"{found.score:.2f} < {faithful.THRESHOLD} against {section or 'the whole article'}; "
        f"not in it: {', '.join(found.missing)}")


# --- the project's texts ---------------------------------------------------------------------

KNOWLEDGE_CLAIMS = knowledge_claims()
DOMAIN_CLAIMS = domain_claims()
OTHER_SENTENCES = knowledge_other_sentences()


@pytest.mark.parametrize("where,sentence,section", KNOWLEDGE_CLAIMS, ids=_ids(KNOWLEDGE_CLAIMS))
def test_knowledge_attributions_trace_to_their_section(sections: Dict[str, str], where: str,
                                                       sentence: str, section: str) -> None:
    assert_traceable(sections, sentence, section)


@pytest.mark.parametrize("where,sentence,section", OTHER_SENTENCES, ids=_ids(OTHER_SENTENCES))
def test_knowledge_sentences_are_the_sections_or_say_they_are_tandems(
        sections: Dict[str, str], where: str, sentence: str, section: str) -> None:
    """Explanations, answers and advice are shown with "(Article section: ...)": a sentence of
    Tandem's own there ("Tandem's suggestion: ...") must say so, or it reads as the article's."""
    if faithful.is_tandems(sentence):
        return
    assert_traceable(sections, sentence, section)


@pytest.mark.parametrize("where,sentence,section", conversation_points())
def test_conversation_article_points_trace_to_their_section(
        sections: Dict[str, str], where: str, sentence: Optional[str],
        section: Optional[str]) -> None:
    assert sentence and section, f"{where}: an article point needs a text and a section"
    assert_traceable(sections, sentence, section)


@pytest.mark.parametrize("where,text", conversation_strings())
def test_conversation_texts_never_put_tandems_words_in_the_articles_mouth(
        sections: Dict[str, str], where: str, text: str) -> None:
    """Suggestions are Tandem's own: never attributed; anything else that is, must trace."""
    claims = faithful.attributed_sentences(faithful.strip_placeholders(text))
    if SUGGESTION_PATH.search(where):
        assert not claims, f"a suggestion of Tandem's own is attributed to the article: {claims}"
    for sentence in claims:
        assert_traceable(sections, sentence, None)


@pytest.mark.parametrize("where,sentence,section", DOMAIN_CLAIMS, ids=_ids(DOMAIN_CLAIMS))
def test_domain_attributions_trace_to_the_article(sections: Dict[str, str], where: str,
                                                  sentence: str, section: None) -> None:
    assert_traceable(sections, sentence, section)


def test_the_project_has_attributed_sentences_to_check() -> None:
    # Guards the collection above: a parser change that finds nothing would pass everything.
    assert len(KNOWLEDGE_CLAIMS) >= 30
    assert DOMAIN_CLAIMS


@pytest.mark.parametrize("question", ["is it normal to depend on others?",
                                      "is it bad to rely on my partner?"])
def test_depending_on_others_answer_opens_with_the_articles_point(question: str) -> None:
    """One answer serves both questions: a "Yes." or "No." would be wrong for one of them."""
    answer = _load(settings.DEFAULT_KNOWLEDGE)["concepts"]["is_depending_normal"]["answer"]
    first = faithful.split_sentences(answer)[0]
    assert not first.lower().startswith(("yes", "no")), question
    assert "normal and healthy" in first and faithful.is_attributed(first)


# --- the checker against the article ------------------------------------------------------

@pytest.mark.parametrize("sentence,section", [
    ("The article says a therapist can help with that.", "Interdependency encourages growth"),
    ("The article says you should leave.", "What is interdependency?"),
    ("The article adds that relationships bring joy and chances to grow, but cannot fix the core "
     "wounds we bring to them: we tend to replay the same dynamics until we heal the root "
     "ourselves, and a therapist can help with that.", "Interdependency encourages growth"),
    ("The article says you should set firm boundaries and try couples counselling.", None),
    ("The article recommends journaling every evening to track what you give.",
     "What is interdependency?"),
    # The right words, the wrong section: "burnout" is under "What is interdependency?".
    ("The article calls one-sided giving a recipe for burnout and resentment.",
     "Helping vs. enabling"),
])
def test_invented_or_misplaced_claims_fail(sections: Dict[str, str], sentence: str,
                                           section: Optional[str]) -> None:
    found = faithful.untraceable(sentence, sections, section)
    assert found and found[0].score < faithful.THRESHOLD


@pytest.mark.parametrize("sentence,section", [
    ("The article says it is normal and healthy to depend on others.",
     "What is interdependency?"),
    ("The article separates helping from enabling: enabling creates more dependency.",
     "Helping vs. enabling"),
    ("The article says codependents build their self-worth on helping, fixing and rescuing "
     "others.", "A need to be needed"),
    ("In the article's table, denial and defensiveness keep things stagnant.",
     "Interdependency vs. codependency (table)"),
    ("The article notes that a codependent partner can be a parent, child or friend.",
     "Article footnote"),
    ("The article says interdependent adults accept help but do not rely on others for their "
     "self-esteem.", "What is interdependency?; A need to be needed"),
    ("The article describes enabling as rescuing someone rather than helping them do things "
     "for themselves.", None),
])
def test_faithful_paraphrases_pass(sections: Dict[str, str], sentence: str,
                                   section: Optional[str]) -> None:
    assert faithful.untraceable(sentence, sections, section) == []


def test_sections_split_at_the_headings(sections: Dict[str, str]) -> None:
    assert list(sections) == [*faithful.HEADINGS, faithful.FOOTNOTE]
    assert all(sections.values())
    # The opening paragraph belongs to the first section; the page around the article to none.
    assert sections["What is interdependency?"].startswith("It's normal and healthy")
    assert "Enabling is disguised as help" in sections[faithful.TABLE]
    assert sections[faithful.FOOTNOTE].startswith("Your codependent partner can be")
    everything = faithful.section_text(sections, None)
    for chrome in ("Happily Imperfect", "#codependency", "psychotherapist", "APA Reference"):
        assert chrome not in everything


# --- the checker's parts, without the article ----------------------------------------------

@pytest.mark.parametrize("left,right", [
    ("enabling", "enable"), ("relies", "rely"), ("reliance", "relying"), ("receive", "receiving"),
    ("feelings", "feel"), ("codependents", "codependency"), ("partners", "partner"),
    ("validation", "validate"), ("safety", "safe"), ("growth", "grow"),
    ("emotionally", "emotion"), ("self-sufficient", "self-sufficiency"),
])
def test_stemmer_joins_word_forms(left: str, right: str) -> None:
    assert faithful.content_words(left) == faithful.content_words(right)


@pytest.mark.parametrize("sentence,attributed", [
    ("The article says it is normal.", True),
    ("In the article's table, honesty helps.", True),
    ("Saying no without guilt is a healthy sign in the Article's table.", True),
    ("A suggestion of Tandem's own, not the article's: call a helpline.", False),
    ("(Article section: What is interdependency?)", False),
    ("Sharon Martin's article is about codependency.", False),
    ("Tandem's suggestion: ask for one thing you need.", False),
])
def test_attributed_sentences_are_recognised(sentence: str, attributed: bool) -> None:
    assert faithful.is_attributed(sentence) is attributed


def test_text_splits_into_sentences_but_not_at_abbreviations() -> None:
    text = ("Helping vs. enabling is a section. The article says so! Does it?\n"
            "(Article section: {section})")
    assert faithful.split_sentences(text) == [
        "Helping vs. enabling is a section.", "The article says so!", "Does it?",
        "(Article section: {section})"]
    assert faithful.strip_placeholders("{explanation} (Article section: {section})") == \
        " (Article section: )"
    assert faithful.is_citation("(Article section: {section})")


SMALL_ARTICLE = """Site breadcrumb
It's normal to lean on others.
What is interdependency?
Both people give and receive.
A need to be needed
Givers build worth on helping.
Interdependency vs. codependency
Mutual reliance on each other.
\u00a9Sharon Martin, LCSW
*Your partner can be a friend.
Author bio: a psychotherapist.
"""


def test_sections_and_references_on_a_small_article() -> None:
    sections = faithful.split_sections(SMALL_ARTICLE)
    assert sections["What is interdependency?"] == (
        "It's normal to lean on others.\nBoth people give and receive.")
    assert sections[faithful.TABLE] == "Mutual reliance on each other."
    assert sections[faithful.FOOTNOTE] == "Your partner can be a friend."
    union = faithful.section_text(sections, "What is interdependency?; A need to be needed")
    assert "lean on others" in union and "build worth" in union
    assert faithful.section_text(sections, "Interdependency vs. codependency (table)") == \
        "Mutual reliance on each other."
    with pytest.raises(KeyError):
        faithful.section_text(sections, "Chapter nine")


def test_a_clause_of_tandems_own_fails_a_sentence_of_the_articles_words() -> None:
    source = "Givers build their worth on helping and fixing others."
    sentence = "The article says givers build their worth on helping and fixing others."
    assert faithful.trace(sentence, source).score == 1.0
    added = sentence[:-1] + ", and a therapist can help with that."
    found = faithful.trace(added, source)
    assert found.score < faithful.THRESHOLD and found.missing == ("therapist",)


def test_a_lead_in_of_tandems_own_is_not_the_articles_claim() -> None:
    sentence = "That's worth noticing kindly: the article says givers build worth on helping."
    assert faithful.attributed_part(sentence) == "the article says givers build worth on helping."
    assert faithful.trace(sentence, "Givers build their worth on helping.").score == 1.0
    # Without a lead-in, the whole sentence is the article's.
    assert faithful.attributed_part("No article here; none.") == "No article here; none."


def test_template_slots_and_framing_are_not_claims() -> None:
    assert faithful.score('The article\'s table describes it as: "{table_cell}"', "x") == (1.0, ())
    assert faithful.claim_words("The article's healthy version is mutual.") == \
        faithful.content_words("mutual")
    # "healthy" alone is a claim: "the article says codependency is healthy" must find it.
    assert faithful.content_words("healthy") <= faithful.claim_words(
        "The article says codependency is healthy.")
