import pytest

from articles.rendering import render_markdown

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
