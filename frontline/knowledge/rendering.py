"""Article Markdown to HTML that is safe to show: markdown-it (CommonMark, tables) with raw
HTML switched off, then nh3 with the same allow-list as message HTML, so script, iframes,
event handlers and ``javascript:`` links never survive, whatever an author typed."""

from markdown_it import MarkdownIt

from frontline.core.html import sanitize_html

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(source: str) -> str:
    return sanitize_html(_MARKDOWN.render(source))
