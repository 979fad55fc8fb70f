"""The NLU screen's reading of input Tandem cannot analyse."""

import pytest

from tandem.text import input_issue


@pytest.mark.parametrize("text,issue", [
    ("", "empty"),
    ("   \n\t", "empty"),
    ("\U0001F62D\U0001F62D\U0001F494", "no_words"),
    ("?!?! ... 123", "no_words"),
    ("a" * 3001, "too_long"),
    ("mi novio no me deja salir con mis amigas y siempre revisa mi telefono", "not_english"),
    ("mon copain ne veut pas que je sorte avec mes amies", "not_english"),
    ("mein Freund will nicht, dass ich mit meinen Freundinnen ausgehe", "not_english"),
    ("\u79c1\u306e\u5f7c\u6c0f\u306f\u3044\u3064\u3082"
     "\u79c1\u306e\u643a\u5e2f\u3092\u898b\u308b", "not_english"),
])
def test_unusable_input_is_named(text: str, issue: str) -> None:
    assert input_issue(text, max_chars=3000) == issue


@pytest.mark.parametrize("text", [
    "im fine if shes fine",
    "ngl i dress how he likes not how i like",
    "I always cover for my brother when he misses work",
    "my mum calls me ten times a day and I feel guilty if I don't pick up \U0001F62D",
    "x" * 3000,
])
def test_ordinary_english_passes(text: str) -> None:
    assert input_issue(text, max_chars=3000) is None


def test_the_screen_loads_the_language_data_at_start_up() -> None:
    """The stop-word lists are imported when the screen is built, not on the first message."""
    from components.message_screen import MessageScreen
    from tandem import text

    text._function_words.cache_clear()
    MessageScreen(MessageScreen.get_default_config())
    assert text._function_words.cache_info().currsize == 1
