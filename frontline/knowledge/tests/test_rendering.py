"""Article Markdown is rendered safely, whatever an author types."""

import re

import pytest

from frontline.knowledge.rendering import render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<iframe src="https://evil.example"></iframe>',
        "[click](javascript:alert(1))",
        '<img src="x" onerror="alert(1)">',
        '![x](/a.png "t" onerror=alert(1))',
        "![x](javascript:alert(1))",
        '[x](JaVaScRiPt:alert(1) "t")',
    ],
)
def test_scripts_frames_handlers_and_javascript_links_are_neutralised(source):
    html = render_markdown(source).lower()

    assert "<script" not in html
    assert "<iframe" not in html
    assert re.search(r"<[a-z][^>]*\son\w+\s*=", html) is None  # no event handler on a tag
    assert 'href="javascript' not in html
    assert 'src="javascript' not in html


def test_ordinary_markdown_keeps_its_shape():
    html = render_markdown("## Steps\n\n1. Open **Settings**\n2. Click [Billing](/billing/)\n")

    assert "<h2>Steps</h2>" in html
    assert "<strong>Settings</strong>" in html
    assert '<a href="/billing/"' in html
