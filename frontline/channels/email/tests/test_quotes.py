"""Reply and quote stripping: small cases per client and language, then the shared
manifest of 130 cases (mailgun/talon and crisp-oss/email-reply-parser)."""

import email
import email.policy
import json
import re
from collections import defaultdict

import pytest

from frontline.channels.email.quotes import split_html_reply, split_reply


@pytest.mark.parametrize(
    "text",
    [
        "Thanks!\n\nOn Mon, 23 Nov 2026 at 09:30, Support <help@example.test> wrote:\n> Hello",
        "Thanks!\n\nOn 23 Nov 2026, at 09:30, Support <help@example.test> wrote:\n\n> Hello",
        "Thanks!\n\nAm 23.11.2026 um 09:30 schrieb Support <help@example.test>:\n> Hallo",
        "Thanks!\n\nLe lun. 23 nov. 2026 à 09:30, Support <help@example.test> a écrit :\n> Bonjour",
        "Thanks!\n\nEl 23 nov 2026, a las 9:30, Support <help@example.test> escribió:\n> Hola",
        "Thanks!\n\nIl giorno 23 nov 2026, alle ore 09:30, Support <help@example.test> ha "
        "scritto:\n> Ciao",
        "Thanks!\n\nOp 23 nov. 2026 om 09:30 schreef Support <help@example.test>:\n> Hoi",
        "Thanks!\n\n2026-11-23 9:30 GMT+01:00 Support <help@example.test>:\n> Hej",
        "Thanks!\n\nср, 23 нояб. 2026 г. в 09:30, Support <help@example.test>:\n> Привет",  # noqa: RUF001
        "Thanks!\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nHello",
        "Thanks!\n\n________________________________\nFrom: Support <help@example.test>\n"
        "Sent: Monday, November 23, 2026 9:30 AM\nTo: Carla\nSubject: RE: Printer\n\nHello",
        "Thanks!\n\nVon: Support <help@example.test>\nGesendet: Montag, 23. November 2026\n"
        "An: Carla\nBetreff: Drucker\n\nHallo",
        "Thanks!\n\nDe : Support <help@example.test>\nEnvoyé : lundi 23 novembre 2026\n"
        "À : Carla\nObjet : Imprimante\n\nBonjour",
    ],
    ids=[
        "gmail-en", "apple-mail", "gmail-de", "gmail-fr", "apple-es", "mail-it", "gmail-nl",
        "gmail-old-date", "gmail-ru", "outlook-original", "outlook-block", "outlook-de",
        "outlook-fr",
    ],
)  # fmt: skip
def test_the_reply_is_separated_from_the_quoted_history(text):
    parts = split_reply(text)

    assert parts.visible == "Thanks!"
    assert parts.quoted


def test_signature_is_kept_apart():
    parts = split_reply("Done, thanks.\n\n-- \nCarla Customer\nACME Ltd")

    assert (parts.visible, parts.signature) == ("Done, thanks.", "-- \nCarla Customer\nACME Ltd")
    assert parts.reply == "Done, thanks.\n\n-- \nCarla Customer\nACME Ltd"


def test_mobile_signature_in_several_languages():
    for line in ("Sent from my iPhone", "Von meinem iPhone gesendet", "Envoyé de mon iPad"):
        assert split_reply(f"Yes please.\n\n{line}").visible == "Yes please."


def test_a_sign_off_starts_the_signature_but_not_inside_a_sentence():
    assert split_reply("It works now.\n\nRegards,\nCarla").visible == "It works now."
    kept = "I write with regards to the invoice.\nPlease check."
    assert split_reply(kept).visible == kept


def test_reply_below_the_quote_is_kept():
    text = "On Mon, 23 Nov 2026 at 09:30, Support <help@example.test> wrote:\n> Hello\n\nThanks!"

    assert split_reply(text).visible == "Thanks!"


def test_answers_between_quotes_keep_only_the_top():
    text = "See below.\n\n> question one\n> more\n> detail\n\nanswer one\n\n> two\n\nanswer two"

    assert split_reply(text).visible == "See below."


def test_a_forwarded_message_is_not_history():
    text = "FYI\n\n---------- Forwarded message ----------\nFrom: a@example.test\n\nText"

    assert split_reply(text).visible == text


def test_a_lone_quote_marker_is_text():
    text = "Our hours:\n> 9 to 5\nsee you"

    assert split_reply(text).visible == text


def test_html_reply_with_blockquote():
    html = (
        "<div>Thanks!</div><div class='gmail_quote'>On Mon, Support &lt;h@example.test&gt; "
        "wrote:<blockquote><p>Hello</p></blockquote></div>"
    )

    assert split_html_reply(html).visible == "Thanks!"


# The shared manifest


def _first_text_part(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return str(part.get_content())


def _check(case, base):
    """Each case as its source's own test compares it (the manifest's how_to_compare)."""
    path = base / case["file"]
    kind = case["kind"]
    if kind == "eml":
        return split_reply(_first_text_part(path.read_bytes())).reply.strip() == case["expected"]
    if kind == "html":
        got = split_html_reply(path.read_text(encoding="utf-8")).reply
        return re.sub(r"\s", "", got) == re.sub(r"\s", "", case["expected"])
    text = path.read_text(encoding="utf-8")
    if kind == "text":
        return split_reply(text).reply == case["expected"]
    visible = split_reply(text).visible
    if "expected_first_fragment" in case:
        return visible.strip() == case["expected_first_fragment"].strip()
    if "expected_visible_text" in case:
        return visible.strip() == case["expected_visible_text"].strip()
    return all(re.search(p, visible, re.MULTILINE) for p in case["first_fragment_must_match"])


def test_manifest_accuracy_per_source(corpora):
    base = corpora / "reply-stripping"
    manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
    results = defaultdict(list)
    for case in manifest["cases"]:
        source = (
            "crisp-oss/email-reply-parser"
            if case["kind"] == "crisp-fragments"
            else (f"mailgun/talon ({case['kind']})")
        )
        results[source].append((case["file"], _check(case, base)))

    print()
    for source, outcomes in sorted(results.items()):
        passed = sum(ok for _, ok in outcomes)
        print(f"{source}: {passed}/{len(outcomes)} = {100 * passed / len(outcomes):.1f}%")
        print("".join(f"  missed {name}\n" for name, ok in outcomes if not ok), end="")
    everything = [ok for outcomes in results.values() for _, ok in outcomes]
    share = sum(everything) / len(everything)
    print(f"all: {sum(everything)}/{len(everything)} = {100 * share:.1f}%")
    assert len(everything) == 130
    assert share >= 0.90
