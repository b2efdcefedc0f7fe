"""Plain-text messages and times as pages show them."""

import time
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from frontline.core.html import linkify
from frontline.core.templatetags.frontline import time_tag

REL = 'rel="nofollow noopener noreferrer"'


def test_web_and_mail_addresses_become_links_and_the_rest_is_escaped():
    html = linkify(
        "See https://status.example.com/x?a=1&b=2 or mail help@example.co.uk.\n<b>Thanks</b>"
    )

    assert f'<a href="https://status.example.com/x?a=1&amp;b=2" {REL}>' in html
    assert f'<a href="mailto:help@example.co.uk" {REL}>help@example.co.uk</a>.' in html
    assert "<br>&lt;b&gt;Thanks&lt;/b&gt;" in html


def test_sentence_punctuation_and_unbalanced_brackets_stay_outside_the_link():
    assert linkify("(see www.example.org/a_(b)).") == (
        f'(see <a href="http://www.example.org/a_(b)" {REL}>www.example.org/a_(b)</a>).'
    )
    assert linkify("Go to https://example.com!").endswith("</a>!")


@pytest.mark.parametrize(
    "text",
    [
        'http://x.test/"onmouseover="alert(1)',
        "http://x.test/'><script>alert(1)</script>",
        "javascript:alert(1)",
        "<a href=javascript:alert(1)>x</a>",
    ],
)
def test_nothing_in_a_message_can_add_markup(text):
    html = linkify(text)

    assert "<script" not in html
    assert "onmouseover=" not in html.replace("&quot;onmouseover=&quot;", "")
    assert 'href="javascript' not in html
    assert html.count("<a ") == html.count("</a>")


@pytest.mark.parametrize(
    "text",
    ["a." * 50_000 + "@", "x@" * 50_000, "a" * 100_000 + "@" + "b." * 20_000, " www." * 40_000],
)
def test_pathological_text_is_read_in_one_pass(text):
    started = time.perf_counter()
    linkify(text)
    # Quadratic matching takes minutes on these; one pass takes milliseconds.
    assert time.perf_counter() - started < 2


def test_time_tag_shows_the_viewers_zone_with_the_full_time_on_hover():
    moment = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        html = time_tag(moment, "short")

    assert html == (
        '<time datetime="2026-03-06T08:30:00+09:00" title="Mar 6, 2026, 08:30">Mar 6, 08:30</time>'
    )


def test_time_tag_since_shows_the_age():
    html = time_tag(timezone.now() - timedelta(hours=3), "since")

    assert html.endswith(">3h</time>")
    assert time_tag(None) == ""
