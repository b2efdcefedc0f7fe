"""The new text of a reply, apart from the quoted history and the signature (pure).

Each line is marked: ``e`` empty, ``m`` quote marker (``>``), ``s`` a splitter that
introduces quoted history ("On … wrote:", an Outlook header block, "-----Original
Message-----"), ``f`` a forwarded-message marker, ``t`` text. The history starts at the
first splitter or block of quote markers; text after a quoted block still belongs to the
reply when nothing quoted follows it (replies written below or around a quote). The
approach follows mailgun/talon's line markers; the patterns cover Gmail, Outlook, Apple
Mail, Thunderbird and mobile clients in English, German, French, Spanish, Italian,
Dutch, Portuguese, the Nordic languages, Polish, Finnish, Russian and Vietnamese.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

MAX_SCANNED_LINES = 2000
SPLITTER_MAX_LINES = 6
SPLITTER_MAX_CHARS = 400

_QUOTE = re.compile(r"^\s?>")
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|original message follows|weitergeleitete nachricht"
    r"|message transf[ée]r[ée]|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht"
    r"|videresendt (?:meddelelse|melding)|vidarebefordrat meddelande)"
    r"|begin forwarded message:|anfang der weitergeleiteten (?:e-mail|nachricht):"
    r"|d[ée]but du message r[ée]exp[ée]di[ée]\s?:)",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^\s*[-=_]{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine"
    r"|mensaje original|messaggio originale|oorspronkelijk bericht|oprindelig besked"
    r"|opprinnelig melding|originalmeddelande|ursprungligt meddelande|alkuperäinen viesti"
    r"|исходное сообщение|mensagem original|wiadomość oryginalna|původní zpráva"
    r"|eredeti üzenet|reply message|original)\s*[-=_]{2,}\s*$",
    re.IGNORECASE,
)
_VERBS = (
    r"wrote|sent|a [ée]crit|[ée]crit|schrieb|hat geschrieben|escribió|ha scritto|scritto"
    r"|schreef|geschreven|escreveu|napisał\(a\)|napisała|napisał|skrev|kirjoitti"
    r"|написал\(а\)|написала|написал|đã viết|yazdı|napsal\(a\)|napsal|írta|έγραψε"  # noqa: RUF001
)
_VERB_AT_END = re.compile(rf"(?:{_VERBS})\s*:?\s*[-=]*\s*$", re.IGNORECASE)
_VERB = re.compile(rf"(?:^|\s)(?:{_VERBS})(?:\s|:|$)", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s<>()\[\]\"]+@[^\s<>()\[\]\"]+\.[^\s<>()\[\]\"]+")
_DATE_OR_TIME = re.compile(r"\d{1,2}[:.]\d{2}|\b(?:19|20)\d{2}\b|\d{1,2}[/.-]\d{1,2}")
_ISO_DATE_START = re.compile(r"^\s*\d{4}[/-]\d{1,2}[/-]\d{1,2}\b.*<[^<>\s]+@[^<>\s]+>\s*:?\s*$")
_OPENING = re.compile(
    r"^\s*(?:[-=]{2,}\s*\w|\d|(?:on|le|am|el|il|op|em|w dniu|dnia|den|på|vào|in data|il giorno)\b)",
    re.IGNORECASE,
)
# The end of an attribution whose address was wrapped: "<name@example.com\n>:".
_BROKEN_TAIL = re.compile(rf"^>\s*(?:{_VERBS})?\s*:\s*$", re.IGNORECASE)
_HEADER = re.compile(r"^[\s>]*\*?\s*(?P<label>[^\W\d_][^:\n*]{0,24}?)\s*\*?\s*:\s*\*?")
_FROM_LABELS = {
    "from", "von", "de", "van", "da", "fra", "från", "od", "от", "lähettäjä", "feladó",
    "kimden", "afzender", "date", "datum", "dato", "fecha", "data", "päivämäärä", "sent",
    "gesendet", "envoyé", "envoyé le", "verzonden", "inviato", "sendt", "skickat", "wysłano",
    "lähetetty", "отправлено", "enviado", "enviada", "enviado el",
}  # fmt: skip
_HEADER_LABELS = _FROM_LABELS | {
    "to", "cc", "bcc", "subject", "reply-to", "an", "betreff", "kopie", "à", "a", "objet",
    "copie à", "cc:", "aan", "onderwerp", "oggetto", "til", "emne", "kopi", "till", "ämne",
    "do", "temat", "vastaanottaja", "aihe", "кому", "тема", "копия", "para", "asunto",
    "assunto", "címzett", "tárgy", "kime", "konu",
}  # fmt: skip
_MOBILE_SIGNATURE = re.compile(
    r"^(?:(?:sent|envoy[ée]|gesendet|enviado|inviato|verstuurd|verzonden|sendt|skickat"
    r"|wysłane|lähetetty|отправлено)\s+(?:from|with|via|using|de|à partir de|von|vom|desde"
    r"|da|dal|vanaf|met|fra|från|z|ze|с|со|from)\b"  # noqa: RUF001
    r"|(?:get|download|obtenir|holen sie sich|descargar|scarica)\s+(?:the\s+)?outlook\b"
    r"|von meinem\b|envoy[ée] de mon\b|enviado desde mi\b|verstuurd vanaf mijn\b)",
    re.IGNORECASE,
)
_SIGNATURE_DELIMITER = re.compile(r"^(?:-- ?|__+)\s*$")
_CLOSING = re.compile(
    r"^(?:(?:best|kind|warm|warmest|many|with)\s+)?(?:regards|cheers|thanks|thank you"
    r"|sincerely|best|best wishes|greetings|yours|cordialement|grüße|gruß|saludos|saluti"
    r"|groeten|met vriendelijke groet|mvh|hälsningar|pozdrawiam|terveisin)\s*[,!.]?\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^\s*[-_=*~]{2,}\s*$")
# "reply text --- On <date>, <name> wrote:" on one line: the attribution starts a new line.
_SHARED_LINE = re.compile(
    rf"(?<=\S)[ \t-]+(?=(?:On|Le|Am|El|Il|Op|Em)\s[^\n]{{5,250}}?(?:{_VERBS})\s*:[ \t]*$)",
    re.MULTILINE,
)


@dataclass(frozen=True)
class ReplyParts:
    """``reply`` is everything not quoted; ``visible`` is ``reply`` without its signature."""

    reply: str
    visible: str
    signature: str
    quoted: str


def split_reply(text: str) -> ReplyParts:
    text = _SHARED_LINE.sub("\n", re.sub(r"\r\n?", "\n", text))
    lines = text.split("\n")
    markers = _mark(lines[:MAX_SCANNED_LINES])
    span = _quotation(markers)
    if span is None:
        reply_lines, quoted_lines = lines, []
    else:
        start, end = span
        end = len(lines) if end == len(markers) else end
        reply_lines, quoted_lines = lines[:start] + lines[end:], lines[start:end]
    reply = _trim("\n".join(reply_lines))
    visible, signature = _split_signature(reply)
    visible = "\n".join(line.rstrip() for line in visible.split("\n"))
    return ReplyParts(
        reply=reply, visible=visible, signature=signature, quoted="\n".join(quoted_lines).strip()
    )


def split_html_reply(html: str) -> ReplyParts:
    """The same split for an HTML body: block quotes become ``>`` lines first."""
    return split_reply(html_to_quoted_text(html))


# Marking lines


def _mark(lines: list[str]) -> str:
    markers: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            markers.append("e")
        elif _QUOTE.match(line):
            markers.append("m")
        elif _FORWARD.match(line):
            markers.append("f")
        else:
            span = _splitter_span(lines, i)
            if span:
                markers += ["s"] * span
                i += span
                continue
            markers.append("t")
        i += 1
    return "".join(markers)


def _splitter_span(lines: list[str], i: int) -> int:
    """How many lines from ``i`` form a splitter (0: none)."""
    line = lines[i]
    if _ORIGINAL.match(line) or _is_header_block(lines, i):
        return 1
    count = _attribution_span(lines, i)
    # A line of the reply just above an attribution is not part of it: where a later line
    # of the span opens the attribution ("On …", a date), that line is where it starts.
    if count and not _OPENING.match(line):
        for k in range(1, count):
            if _OPENING.match(lines[i + k]) and _attribution_span(lines, i + k) == count - k:
                return 0
    return count


def _attribution_span(lines: list[str], i: int) -> int:
    first = lines[i]
    if not (_OPENING.match(first) or _EMAIL.search(first) or _DATE_OR_TIME.search(first)):
        return 0
    joined = ""
    for count in range(1, SPLITTER_MAX_LINES + 1):
        if i + count > len(lines):
            return 0
        part = lines[i + count - 1].strip()
        if count > 1 and _QUOTE.match(part) and not _BROKEN_TAIL.match(part):
            return 0
        joined = f"{joined} {part}".strip() if part else joined
        if len(joined) > SPLITTER_MAX_CHARS:
            return 0
        if part and _is_attribution(joined):
            return count
    return 0


def _is_attribution(text: str) -> bool:
    """ "On <date>, <name> wrote:" and its variants in many languages and clients."""
    has_email = _EMAIL.search(text) is not None
    has_date = _DATE_OR_TIME.search(text) is not None
    if _VERB_AT_END.search(text):
        return has_email or has_date or text.startswith("--")
    if text.endswith((":", ":>")) or re.search(r":\s*$", text):
        if _VERB.search(text) and has_email:
            return True
        return has_email and has_date
    return _ISO_DATE_START.match(text) is not None


def _header_label(line: str) -> str:
    match = _HEADER.match(line)
    return match.group("label").strip().lower() if match else ""


def _is_header_block(lines: list[str], i: int) -> bool:
    """An Outlook-style block: From/Date/Sent, then To/Subject/… within a few lines."""
    first = _header_label(lines[i])
    if first not in _FROM_LABELS:
        return False
    for line in lines[i + 1 : i + 6]:
        label = _header_label(line)
        if label in _HEADER_LABELS and label != first:
            return True
    return False


def _quotation(markers: str) -> tuple[int, int] | None:
    """Where the quoted history starts and ends, or None when there is none."""
    if "s" not in markers and not re.search(r"(?:me*){3}", markers):
        markers = markers.replace("m", "t")
    found = re.search(r"[smf]", markers)
    if found is None or found.group() == "f":
        return None  # a forward is the message itself, not history
    start = found.start()
    after_splitter = re.match(r"s+e*", markers[start:])
    if after_splitter and not markers[start + after_splitter.end() :].startswith("m"):
        return start, len(markers)  # text right after a splitter is the quoted message
    block = re.match(r"[sme]+", markers[start:])
    end = start + (block.end() if block else 1)
    if re.search(r"[ms]", markers[end:]):
        return start, len(markers)  # answers between quotes: keep only the top part
    return start, end


# Cleaning the reply


def _trim(text: str) -> str:
    lines = text.strip().split("\n")
    while lines and (not lines[-1].strip() or _SEPARATOR.match(lines[-1])):
        lines.pop()
    return "\n".join(lines).strip()


def _split_signature(reply: str) -> tuple[str, str]:
    lines = reply.split("\n")
    for index, line in enumerate(lines):
        if index == 0:
            continue
        if _SIGNATURE_DELIMITER.match(line) or (len(line) < 80 and _MOBILE_SIGNATURE.match(line)):
            return _trim("\n".join(lines[:index])), "\n".join(lines[index:]).strip()
    return _split_closing(lines)


def _split_closing(lines: list[str]) -> tuple[str, str]:
    """A sign-off ("Regards,") near the end starts the signature; the lines after it are
    a name and a title, not a paragraph."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    for index in content[-6:]:
        tail = [lines[i] for i in content if i > index]
        if (
            index != content[0]
            and _CLOSING.match(lines[index].strip())
            and len(tail) <= 4
            and all(len(line) < 60 for line in tail)
        ):
            return _trim("\n".join(lines[:index])), "\n".join(lines[index:]).strip()
    return "\n".join(lines).strip(), ""


# HTML


_BLOCKS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    "pre", "hr", "blockquote", "section", "article", "header", "footer",
}  # fmt: skip
_SKIPPED = {"head", "style", "script", "title", "xml"}


class _QuotedText(HTMLParser):
    """HTML to text where each block quote, and Gmail's quote container, is ``>``-marked."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self._current: list[str] = []
        self._depth = 0
        self._skip = 0
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
            return
        if tag in _BLOCKS:
            self._break()
        if tag == "hr":
            self.lines.append((self._depth, "_" * 32))
        if tag == "blockquote" or (tag == "div" and _is_quote_container(attrs)):
            self._stack.append(True)
            self._depth += 1
        elif tag in ("div", "blockquote"):
            self._stack.append(False)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if tag in _BLOCKS:
            self._break()
        if tag in ("div", "blockquote") and self._stack and self._stack.pop():
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._current.append(data.replace("\xa0", " "))

    def _break(self) -> None:
        text = re.sub(r"[ \t\r\n\f\v]+", " ", "".join(self._current)).strip()
        self._current = []
        if text or (self.lines and self.lines[-1][1]):
            self.lines.append((self._depth, text))

    def text(self) -> str:
        self._break()
        return "\n".join(("> " * depth + line).rstrip() for depth, line in self.lines)


def _is_quote_container(attrs: list[tuple[str, str | None]]) -> bool:
    return "gmail_quote" in (dict(attrs).get("class") or "").split()


def html_to_quoted_text(html: str) -> str:
    parser = _QuotedText()
    parser.feed(html)
    parser.close()
    return parser.text()
