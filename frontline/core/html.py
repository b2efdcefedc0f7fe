"""Message HTML: sanitised with nh3 before it is stored, and reduced to text for search;
plain-text messages escaped with their links made clickable."""

import html
import re
from html.parser import HTMLParser

import nh3

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}


def sanitize_html(raw: str) -> str:
    """HTML that cannot run script: no script/style, no event handlers, safe URL schemes."""
    return nh3.clean(
        raw,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head"}:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head"} and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(raw: str) -> str:
    parser = _TextExtractor()
    parser.feed(raw)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_to_html(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


# Web and mail addresses in plain text. A link ends at white space, quotes or angle
# brackets; trailing punctuation and unbalanced closing brackets are the sentence's. A mail
# address starts only where a run of address characters starts, so that text such as
# "a.a.a.a…@" is read in one pass, not once from every dot.
_LINK = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b",
    re.IGNORECASE,
)
_TRAILING = ".,:;!?'\""
_PAIRS = {")": "(", "]": "[", "}": "{"}


def linkify(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept, web and mail addresses linked
    (``rel="nofollow noopener noreferrer"``). One regular-expression pass, so a long
    thread costs little to show."""
    parts: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        address = _trim(match.group(0))
        start, end = match.start(), match.start() + len(address)
        parts.append(html.escape(text[last:start]))
        parts.append(_anchor(address))
        last = end
    parts.append(html.escape(text[last:]))
    return re.sub(r"\r?\n", "<br>", "".join(parts))


def _trim(address: str) -> str:
    while address:
        tail = address[-1]
        if tail in _TRAILING or (
            tail in _PAIRS and address.count(_PAIRS[tail]) < address.count(tail)
        ):
            address = address[:-1]
        else:
            break
    return address


def _anchor(address: str) -> str:
    if "://" in address:
        href = address
    elif address.lower().startswith("www."):
        href = "http://" + address
    else:
        href = "mailto:" + address
    return (
        f'<a href="{html.escape(href)}" rel="nofollow noopener noreferrer">'
        f"{html.escape(address)}</a>"
    )
