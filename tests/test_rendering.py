import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from articles.generator import generate
from articles.rendering import is_plain, render_markdown, sanitize_html
from articles.wire.text import parse_wire_copy

XSS_VECTORS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="&#106;avascript:alert(1)">encoded</a>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<div onmouseover="alert(1)">hover</div>',
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_dangerous_markup_does_not_survive_rendering(vector):
    html = render_markdown(f"Intro paragraph.\n\n{vector}\n\nOutro.").lower()
    for forbidden in ("<script", "javascript:", "onerror", "onload", "onmouseover", "<iframe",
                      "<svg", "<object", "style=", "alert(1)"):  # fmt: skip
        assert forbidden not in html


def test_paragraphs_and_basic_markdown_render():
    html = render_markdown("One **bold** line.\n\nA [link](https://example.org).")
    assert html.startswith("<p>One <strong>bold</strong> line.</p>")
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_empty_body_renders_nothing():
    assert render_markdown("") == ""


# --- plain paragraphs: the quick path gives what Markdown gives ------------------------


def through_markdown(text):
    """What render_markdown gave before it had a quick path: every text through Markdown."""
    return sanitize_html(markdown.markdown(text, output_format="html")) if text else ""


# Letters of the four languages, right-to-left marks and punctuation Markdown takes as it
# is; WORDS adds the characters it does not: markup, control characters, other white space.
PLAIN_CHARACTERS = (
    list("abcXYZéêşçı0129")
    + list("ئابپتجحخدرڕزژسشعغفڤقکگلڵمنوۆهەیێ")
    + ["\u200f", "\u200e"]
    + list(".,;:'\"()?/%$@^{}|~=+-–—«»“”’…")
)
WORDS = st.text(
    alphabet=st.sampled_from(
        PLAIN_CHARACTERS
        + ["\u00a0", "\u3000", "\u2028"]
        + list("\\`*_[]!<>&#")
        + ["\x00", "\x02", "\x03", "\x0b", "\x1b", "\x85", "\ufeff", "\t"]
    ),
    min_size=1,
    max_size=12,
)
LINES = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
TEXTS = st.lists(
    st.tuples(LINES, st.sampled_from(["\n", "\n\n", "\n\n\n", " \n", "\n  ", "\r\n", ""])),
    min_size=1,
    max_size=6,
).map(lambda parts: "".join(line + end for line, end in parts))


@settings(max_examples=600, deadline=None)
@given(TEXTS)
@example('Para one.\nSecond line (x) 3.5% "q" it\'s.\n\nPara two: a/b; c=d ~ g | {i} @ $5')
@example("1986. A year.")
@example("Title\n---")
@example("> quoted")
@example("    code")
@example("line  \nbreak")
@example("\ufeffBOM")
@example("a\x02b")
def test_any_text_renders_as_markdown_renders_it(text):
    assert render_markdown(text) == through_markdown(text)


PLAIN_WORDS = st.text(
    alphabet=st.sampled_from(PLAIN_CHARACTERS),
    min_size=1,
    max_size=12,
).filter(lambda word: not word[0].isdigit() and word[0] not in "#>-+=|~:")
PLAIN_TEXTS = st.lists(
    st.lists(
        st.lists(PLAIN_WORDS, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=3
    ).map("\n".join),
    min_size=1,
    max_size=5,
).map("\n\n".join)


@settings(max_examples=400, deadline=None)
@given(PLAIN_TEXTS)
def test_plain_paragraphs_take_the_quick_path_and_render_as_markdown_does(text):
    assert is_plain(text)
    assert render_markdown(text) == through_markdown(text)


@pytest.mark.parametrize(
    "text",
    [
        "One **bold** line.",
        "A [link](https://example.org).",
        "# Heading",
        "> quote",
        "- item",
        "1. item",
        "Title\n===",
        "    code",
        "line  \nbreak",
        "a < b",
        "AT&T",
        "snake_case",
        "`code`",
        "back\\slash",
        "a\tb",
        "trailing\n",
        "\n\nleading",
        "three\n\n\nnewlines",
        "Para\n\n- list",
    ],
)
def test_text_with_markup_takes_markdown(text):
    assert not is_plain(text)
    assert render_markdown(text) == through_markdown(text)


@pytest.mark.django_db
def test_generated_wire_bodies_are_plain_and_render_as_markdown_does(tmp_path):
    generate(12, seed=7, wire_folder=tmp_path)
    for path in sorted(tmp_path.rglob("*.txt")):
        body = parse_wire_copy(path.read_text(encoding="utf-8")).body
        assert is_plain(body)
        assert render_markdown(body) == through_markdown(body)
