"""The search module itself, on whichever database this run uses: writes, ranking, the
syntax, private text, scopes, snippets, the candidate cap, stemming and hostile input.

Documents go into the ``tickets`` index with made-up ids; a scope is any queryset whose
primary keys are those ids (tags here), since the module only reads its ``pk`` column.
"""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline.core.search import (
    TICKETS,
    Document,
    Query,
    QueryError,
    engine,
    index_documents,
    indexed_ids,
    keywords_query,
    parse_query,
    remove_documents,
    search,
    stored_documents,
)
from frontline.core.search.engine import CANDIDATES as CAPS
from frontline.tickets.models import Tag

CANDIDATES = CAPS["tickets"]

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's stemming"
)

FIELDS = frozenset({"status", "tag", "from"})
NASTY = [
    "",
    " ",
    "x" * 10_000,
    "AND OR NOT",
    "NOT",
    '* ( ) : ^ NEAR "',
    "NEAR(a b, 2)",
    '"',
    '"unbalanced quote',
    'two "quotes" and "one more',
    "title:printer",
    "-",
    "--",
    "-printer",
    "printer -",
    "a:b:c",
    "{title}: printer",
    "printer*",
    "*printer",
    "^printer",
    "printer OR",
    "(printer",
    "printer)",
    "''; DROP TABLE search_tickets; --",
    "!@#$%^&*()_+=[]{}|\\;',./<>?",
    "\x00printer\x00",
    "é ß 東京 🙂",
    "tag:",
    "status:open",
    'from:"ann@example.com"',
    "#123",
    "& | ! <-> :* '",
    "printer & jammed | !paper",
    "printer <-> jammed",
    "a" * 1000,
    " ".join(["word"] * 40),
]


def ids(page):
    return [hit.object_id for hit in page.hits]


def find(text, **options):
    return ids(search(TICKETS, parse_query(text, fields=FIELDS), **options))


def test_indexing_the_same_id_again_replaces_the_document():
    index_documents(TICKETS, [Document(1, "Printer jammed", body="paper stuck in tray two")])

    index_documents(TICKETS, [Document(1, "Refund request", body="charged twice for one order")])

    assert find("printer") == []
    assert find("refund") == [1]
    assert stored_documents(TICKETS, [1])[1].title == "Refund request"
    assert list(indexed_ids(TICKETS)) == [1]


def test_removed_documents_are_no_longer_found_or_listed():
    index_documents(TICKETS, [Document(1, "Printer jammed"), Document(2, "Printer offline")])

    remove_documents(TICKETS, [1])

    assert find("printer") == [2]
    assert list(indexed_ids(TICKETS)) == [2]


def test_a_word_in_the_title_ranks_above_extra_which_ranks_above_the_body():
    filler = "please help with this as soon as you can thanks"
    index_documents(
        TICKETS,
        [
            Document(1, "Question about my account", body=f"the invoice is wrong {filler}"),
            Document(2, "Question about my account", extra="invoice", body=filler),
            Document(3, "Invoice question about my account", body=filler),
        ],
    )

    assert find("invoice") == [3, 2, 1]


def test_scores_are_higher_for_better_matches():
    index_documents(
        TICKETS,
        [Document(1, "Other", body="invoice"), Document(2, "Invoice", body="invoice")],
    )

    hits = search(TICKETS, parse_query("invoice")).hits

    assert [hit.object_id for hit in hits] == [2, 1]
    assert hits[0].score > hits[1].score


def test_a_quoted_phrase_matches_its_words_together_and_in_order():
    index_documents(
        TICKETS,
        [
            Document(1, "Payment", body="my card was declined at checkout"),
            Document(2, "Payment", body="the card declined twice"),
            Document(3, "Payment", body="declined card"),
        ],
    )

    assert find('"card declined"') == [2]
    assert sorted(find("card declined")) == [1, 2, 3]


def test_a_minus_excludes_documents_with_that_word():
    index_documents(
        TICKETS,
        [Document(1, "Refund for order"), Document(2, "Refund test, please ignore")],
    )

    assert find("refund -test") == [1]
    assert find('refund -"please ignore"') == [1]


def test_prefix_search_completes_the_last_word_only():
    index_documents(
        TICKETS,
        [Document(1, "Printer jammed"), Document(2, "Print preview broken"), Document(3, "Pri")],
    )

    assert sorted(ids(search(TICKETS, parse_query("prin", prefix=True)))) == [1, 2]
    assert ids(search(TICKETS, parse_query("prin"))) == []
    assert ids(search(TICKETS, parse_query("jammed pri", prefix=True))) == [1]


def test_all_needs_every_word_and_any_takes_one():
    index_documents(
        TICKETS,
        [
            Document(1, "Printer jammed"),
            Document(2, "Printer offline"),
            Document(3, "Scanner jammed"),
        ],
    )
    query = parse_query("printer jammed")

    assert ids(search(TICKETS, query, match="all")) == [1]
    assert ids(search(TICKETS, query, match="any"))[0] == 1
    assert sorted(ids(search(TICKETS, query, match="any"))) == [1, 2, 3]


def test_private_text_is_matched_only_when_asked_for():
    index_documents(
        TICKETS,
        [Document(1, "Printer jammed", body="tray two", private="customer is a reseller")],
    )

    assert find("reseller") == []
    assert find("reseller", include_private=True) == [1]
    assert find("printer reseller") == []


def test_private_text_never_shows_in_snippets_without_include_private():
    index_documents(
        TICKETS,
        [Document(1, "Printer", body="jammed in tray two", private="jammed, reseller discount")],
    )

    public = search(TICKETS, parse_query("jammed")).hits[0].snippet
    private = search(TICKETS, parse_query("reseller"), include_private=True).hits[0].snippet

    assert "reseller" not in public
    assert "<mark>jammed</mark>" in public
    assert "<mark>reseller</mark>" in private


def test_snippets_escape_what_documents_hold_and_mark_the_matches():
    index_documents(
        TICKETS,
        [
            Document(
                1,
                "Broken part",
                body='the <script>alert("x")</script> widget & <b>frame</b> broke',
            )
        ],
    )

    snippet = search(TICKETS, parse_query("widget")).hits[0].snippet

    assert "<script" not in snippet
    assert "<b>" not in snippet
    assert "&amp;" in snippet
    assert "<mark>widget</mark>" in snippet


def test_a_document_without_a_body_gets_its_title_as_snippet():
    index_documents(TICKETS, [Document(1, "Printer <jammed>")])

    snippet = search(TICKETS, parse_query("printer")).hits[0].snippet

    assert "&lt;jammed&gt;" in snippet
    assert "<jammed>" not in snippet


def test_the_scope_filters_in_the_database_before_the_candidate_cap():
    kept = Tag.objects.create(name="kept")
    Tag.objects.create(name="other")
    many = [Document(10_000 + i, "Printer jammed") for i in range(CANDIDATES + 50)]
    index_documents(TICKETS, [*many, Document(kept.pk, "Printer jammed")])

    page = search(TICKETS, parse_query("printer"), scope=Tag.objects.filter(name="kept"))

    assert ids(page) == [kept.pk]
    assert not page.has_more


def test_a_scope_of_many_rows_filters_in_the_database_too():
    # Past FEW_IDS the scope is its query (correlated on SQLite), not a list of its ids.
    few = engine._backend().FEW_IDS
    tags = Tag.objects.bulk_create([Tag(name=f"scope-{i}") for i in range(few + 1)])
    kept = tags[-1]
    outside = [Document(10_000_000 + i, "Printer jammed") for i in range(CANDIDATES + 50)]
    index_documents(TICKETS, [*outside, Document(kept.pk, "Printer jammed")])

    scope = Tag.objects.filter(name__startswith="scope-")
    page = search(TICKETS, parse_query("printer"), scope=scope)

    assert ids(page) == [kept.pk]


def test_an_empty_scope_finds_nothing():
    index_documents(TICKETS, [Document(1, "Printer jammed")])

    assert find("printer", scope=Tag.objects.none()) == []


def test_only_the_newest_candidates_are_ranked():
    # The best match (the word in its title) is the oldest document: past the cap.
    oldest = Document(1, "Printer", body="printer printer")
    newer = [Document(100 + i, "Other", body="printer") for i in range(CANDIDATES + 20)]
    index_documents(TICKETS, [oldest, *newer])
    query = parse_query("printer")

    first = search(TICKETS, query, limit=20)
    last = search(TICKETS, query, limit=20, offset=CANDIDATES - 10)

    assert 1 not in ids(first)
    assert first.has_more
    assert len(last.hits) == 10
    assert not last.has_more
    assert 1 not in ids(last)


def test_pages_follow_one_another_without_repeats():
    index_documents(
        TICKETS, [Document(i, "Printer", body="printer " * (i % 5)) for i in range(1, 46)]
    )
    query = parse_query("printer")

    pages = [search(TICKETS, query, limit=20, offset=offset) for offset in (0, 20, 40)]

    found = [i for page in pages for i in ids(page)]
    assert sorted(found) == list(range(1, 46))
    assert [page.has_more for page in pages] == [True, True, False]


def test_english_words_match_their_other_forms():
    index_documents(TICKETS, [Document(1, "Refunds", body="the orders were cancelled")])

    assert find("refunded") == [1]
    assert find("order cancelling") == [1]


@postgres_only
def test_german_documents_are_stemmed_in_german():
    index_documents(
        TICKETS,
        [Document(1, "Rechnungen", body="Die Zahlungen wurden gestern storniert", language="de")],
    )

    assert find("Rechnung") == [1]
    assert find("Zahlung") == [1]


@postgres_only
def test_languages_without_stemming_are_indexed_word_for_word():
    index_documents(TICKETS, [Document(1, "Sipariş", body="kargo gecikti", language="xx")])

    assert find("kargo") == [1]


def test_filters_and_exclusions_alone_have_no_words_to_search():
    index_documents(TICKETS, [Document(1, "Printer jammed")])

    assert find("status:open") == []
    assert find("printer status:open") == [1]


def test_parse_query_refuses_unknown_fields_naming_the_known_ones():
    with pytest.raises(QueryError, match="known fields: from, status, tag"):
        parse_query("colour:blue", fields=FIELDS)


def test_parse_query_refuses_very_long_text_and_exclusions_alone():
    with pytest.raises(QueryError, match="at most 1,000 characters"):
        parse_query("x" * 10_000)
    with pytest.raises(QueryError, match="exclusions alone"):
        parse_query("-printer -scanner")
    with pytest.raises(QueryError, match="at most 32 words"):
        parse_query(" ".join(f"w{i}" for i in range(40)))


def test_parse_query_reads_the_syntax():
    query = parse_query(
        'refund "card declined" -test status:open -tag:"vip customer" from:ann@example.com',
        fields=FIELDS,
    )

    assert query.terms == ("refund",)
    assert query.phrases == ("card declined",)
    assert query.excluded == ("test",)
    assert query.filters == (
        ("status", "open"),
        ("-tag", "vip customer"),
        ("from", "ann@example.com"),
    )


def test_operator_characters_are_searched_as_plain_text():
    index_documents(TICKETS, [Document(1, "printer: jammed (tray 2)"), Document(2, "printer")])

    assert sorted(find("printer*")) == [1, 2]
    assert find("(jammed) ^tray") == [1]
    assert find('jammed "tray 2') == [1]


def test_stop_words_do_not_stop_a_search_from_matching():
    index_documents(TICKETS, [Document(1, "Refund", body="Where is my refund for the order?")])

    assert find("where is the refund") == [1]
    assert find('"refund for the order"') == [1]


def _search_every_way(text):
    """Parse and search ``text`` every way a search box can; a QueryError is a fine answer."""
    try:
        queries = [parse_query(text, fields=FIELDS), parse_query(text, prefix=True)]
    except QueryError:
        return
    queries.append(keywords_query(text, prefix=True))
    for query in queries:
        search(TICKETS, query, match="all")
        search(TICKETS, query, match="any", include_private=True, scope=Tag.objects.all())


def test_hostile_input_gets_results_or_a_query_error_never_a_database_error():
    index_documents(TICKETS, [Document(1, "Printer jammed", body="paper stuck", private="note")])

    for text in NASTY:
        _search_every_way(text)


def test_queries_made_by_hand_are_quoted_too():
    index_documents(TICKETS, [Document(1, "Printer jammed")])
    hand_made = Query(terms=('"', "NOT", "*", "a:b", "(x"), phrases=('" OR "',), prefix=True)

    search(TICKETS, hand_made)
    search(TICKETS, hand_made, match="any", include_private=True)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.text(
        alphabet=st.sampled_from(list("abc xyz\"-*():^{}<>&|!'NEAROTD#@.:_\\\t\u00e9\u6771")),
        max_size=60,
    )
)
def test_any_mix_of_syntax_characters_is_answered(text):
    _search_every_way(text)


def test_documents_with_nul_and_control_characters_are_stored_and_found():
    index_documents(TICKETS, [Document(1, "Printer\x00 jammed", body="tray\x02 two\x03")])

    hits = search(TICKETS, parse_query("tray")).hits

    assert [hit.object_id for hit in hits] == [1]
    assert hits[0].snippet.count("<mark>") == 1
    assert "<mark>tray</mark>" in hits[0].snippet
