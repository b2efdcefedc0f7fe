"""Business time: hand-checked cases, then the invariants checked on generated calendars."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.sla.business_time import (
    DAY_SECONDS,
    BusinessCalendar,
    NeverOpens,
    SpecialDay,
    add_business_days,
    add_business_time,
    business_time_between,
)

H = 3600
M = 60
BERLIN = ZoneInfo("Europe/Berlin")
GERMAN_HOLIDAYS = holidays.country_holidays("DE")


def office(
    zone="Europe/Berlin",
    *,
    hours=((9 * H, 17 * H),),
    weekend=False,
    special=None,
    with_holidays=False,
):
    days = [list(hours)] * 5 + ([list(hours)] * 2 if weekend else [[], []])
    return BusinessCalendar(
        name="Office",
        time_zone=zone,
        weekly=days,
        special_days=special or {},
        holidays=GERMAN_HOLIDAYS.get if with_holidays else None,
    )


def always(zone):
    return BusinessCalendar(name="24/7", time_zone=zone, weekly=[[(0, DAY_SECONDS)]] * 7)


def at(zone, *parts):
    return datetime(*parts, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def berlin(*parts):
    return at("Europe/Berlin", *parts)


SPLIT_DAY = office(hours=((8 * H, 12 * H), (13 * H, 17 * H)))
NIGHT_SHIFT = BusinessCalendar(
    name="Nights",
    time_zone="Europe/Berlin",
    weekly=[[(22 * H, DAY_SECONDS)], [(0, 6 * H)], [], [], [], [], []],
)
CHRISTMAS = office(
    with_holidays=True,
    special={
        date(2025, 12, 24): SpecialDay(((9 * H, 12 * H),), "Christmas Eve"),
        date(2025, 12, 31): SpecialDay(((9 * H, 12 * H),), "New Year's Eve"),
    },
)
SUMMER_BREAK = office(
    special={date(2025, 8, 1) + timedelta(days=n): SpecialDay(()) for n in range(31)}
)
OPEN_ON_HOLIDAY = office(
    with_holidays=True, special={date(2025, 12, 25): SpecialDay(((10 * H, 14 * H),), "On call")}
)
# Sunday 01:00 to 04:00 only: the DST change happens inside the open hours.
SUNDAY_NIGHT = BusinessCalendar(
    name="Sunday night",
    time_zone="Europe/Berlin",
    weekly=[[], [], [], [], [], [], [(1 * H, 4 * H)]],
)

ADD_CASES = [
    # (id, calendar, start, duration, expected)
    ("friday-to-monday", office(), berlin(2025, 3, 7, 16, 45), H, berlin(2025, 3, 10, 9, 45)),
    ("same-day", office(), berlin(2025, 3, 4, 10), 2 * H, berlin(2025, 3, 4, 12)),
    ("before-opening", office(), berlin(2025, 3, 4, 7), H, berlin(2025, 3, 4, 10)),
    ("after-closing", office(), berlin(2025, 3, 4, 18), 30 * M, berlin(2025, 3, 5, 9, 30)),
    ("lands-on-closing", office(), berlin(2025, 3, 4, 16), H, berlin(2025, 3, 4, 17)),
    ("lunch-break", SPLIT_DAY, berlin(2025, 3, 4, 11, 30), H, berlin(2025, 3, 4, 13, 30)),
    ("to-the-second", office(), berlin(2025, 3, 4, 16, 59, 59), 2, berlin(2025, 3, 5, 9, 0, 1)),
    (
        "spring-forward-24/7",
        always("Europe/Berlin"),
        berlin(2025, 3, 29, 12),
        24 * H,
        berlin(2025, 3, 30, 13),
    ),
    (
        "fall-back-24/7",
        always("Europe/Berlin"),
        berlin(2025, 10, 25, 12),
        24 * H,
        berlin(2025, 10, 26, 11),
    ),
    ("dst-weekend", office(), berlin(2025, 3, 28, 16), 2 * H, berlin(2025, 3, 31, 10)),
    ("dst-inside-open-hours", SUNDAY_NIGHT, berlin(2025, 3, 30, 0), 2 * H, berlin(2025, 3, 30, 4)),
    # 01:00 CEST to 03:00 CET is three real hours: 02:00 to 03:00 happens twice.
    (
        "repeated-hour-counts-twice",
        SUNDAY_NIGHT,
        berlin(2025, 10, 26, 0),
        3 * H,
        berlin(2025, 10, 26, 3),
    ),
    (
        "over-midnight-24/7",
        always("Europe/Berlin"),
        berlin(2025, 3, 4, 23, 30),
        H,
        berlin(2025, 3, 5, 0, 30),
    ),
    ("night-shift", NIGHT_SHIFT, berlin(2025, 3, 3, 23), 2 * H, berlin(2025, 3, 4, 1)),
    (
        "new-year-holiday",
        office(with_holidays=True),
        berlin(2025, 12, 31, 16, 30),
        H,
        berlin(2026, 1, 2, 9, 30),
    ),
    ("half-day", CHRISTMAS, berlin(2025, 12, 23, 16), 4 * H, berlin(2025, 12, 24, 12)),
    ("christmas-holidays", CHRISTMAS, berlin(2025, 12, 23, 16), 5 * H, berlin(2025, 12, 29, 10)),
    ("half-day-to-new-year", CHRISTMAS, berlin(2025, 12, 31, 11, 30), H, berlin(2026, 1, 2, 9, 30)),
    (
        "open-on-a-holiday",
        OPEN_ON_HOLIDAY,
        berlin(2025, 12, 24, 16, 30),
        H,
        berlin(2025, 12, 25, 10, 30),
    ),
    ("a-month-closed", SUMMER_BREAK, berlin(2025, 7, 31, 16, 30), H, berlin(2025, 9, 1, 9, 30)),
    (
        "skipped-day-apia",
        always("Pacific/Apia"),
        at("Pacific/Apia", 2011, 12, 29, 23),
        2 * H,
        at("Pacific/Apia", 2011, 12, 31, 1),
    ),
    (
        "half-hour-dst-lord-howe",
        always("Australia/Lord_Howe"),
        at("Australia/Lord_Howe", 2025, 4, 5, 12),
        24 * H,
        at("Australia/Lord_Howe", 2025, 4, 6, 11, 30),
    ),
    (
        "midnight-jump-santiago",
        always("America/Santiago"),
        at("America/Santiago", 2025, 9, 6, 12),
        24 * H,
        at("America/Santiago", 2025, 9, 7, 13),
    ),
    ("zero", office(), berlin(2025, 3, 8, 12), 0, berlin(2025, 3, 8, 12)),
]

BETWEEN_CASES = [
    ("friday-to-monday", office(), berlin(2025, 3, 7, 16, 45), berlin(2025, 3, 10, 9, 45), H),
    ("whole-week", office(), berlin(2025, 3, 3), berlin(2025, 3, 10), 40 * H),
    ("closed-weekend", office(), berlin(2025, 3, 8, 10), berlin(2025, 3, 9, 20), 0),
    (
        "midnight-24/7",
        always("Europe/Berlin"),
        berlin(2025, 3, 4, 23),
        berlin(2025, 3, 5, 1),
        2 * H,
    ),
    (
        "spring-forward-day",
        always("Europe/Berlin"),
        berlin(2025, 3, 30),
        berlin(2025, 3, 31),
        23 * H,
    ),
    ("fall-back-day", always("Europe/Berlin"), berlin(2025, 10, 26), berlin(2025, 10, 27), 25 * H),
    ("skipped-hour-inside-open", SUNDAY_NIGHT, berlin(2025, 3, 30), berlin(2025, 3, 31), 2 * H),
    ("repeated-hour-inside-open", SUNDAY_NIGHT, berlin(2025, 10, 26), berlin(2025, 10, 27), 4 * H),
    ("christmas-week", CHRISTMAS, berlin(2025, 12, 22), berlin(2025, 12, 29), 19 * H),
    (
        "year-end",
        office(with_holidays=True),
        berlin(2025, 12, 31, 12),
        berlin(2026, 1, 2, 12),
        8 * H,
    ),
    ("backwards-is-negative", office(), berlin(2025, 3, 10, 9, 45), berlin(2025, 3, 7, 16, 45), -H),
    (
        "santiago-midnight-jump",
        always("America/Santiago"),
        at("America/Santiago", 2025, 9, 6),
        at("America/Santiago", 2025, 9, 8),
        47 * H,
    ),
]


@pytest.mark.parametrize(
    ("calendar", "start", "seconds", "expected"),
    [case[1:] for case in ADD_CASES],
    ids=[case[0] for case in ADD_CASES],
)
def test_add_business_time_hand_checked(calendar, start, seconds, expected):
    due = add_business_time(start, timedelta(seconds=seconds), calendar)

    assert due == expected
    assert due.tzinfo is UTC
    assert business_time_between(start, due, calendar) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("calendar", "start", "end", "seconds"),
    [case[1:] for case in BETWEEN_CASES],
    ids=[case[0] for case in BETWEEN_CASES],
)
def test_business_time_between_hand_checked(calendar, start, end, seconds):
    assert business_time_between(start, end, calendar) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("calendar", "start", "days", "expected"),
    [
        (office(), berlin(2025, 3, 7, 15), 3, berlin(2025, 3, 12, 15)),
        (office(), berlin(2025, 3, 8, 11), 1, berlin(2025, 3, 10, 11)),
        (office(with_holidays=True), berlin(2025, 12, 23, 9, 30), 2, berlin(2025, 12, 29, 9, 30)),
        (always("Europe/Berlin"), berlin(2025, 3, 29, 2, 30), 1, berlin(2025, 3, 30, 3)),
        (office(), berlin(2025, 3, 7, 15), 0, berlin(2025, 3, 7, 15)),
    ],
    ids=["weekend-skipped", "from-a-saturday", "holidays-skipped", "into-a-dst-gap", "zero"],
)
def test_add_business_days_keeps_the_time_of_day(calendar, start, days, expected):
    assert add_business_days(start, days, calendar) == expected


def test_a_calendar_that_never_opens_says_so_instead_of_looping():
    closed = BusinessCalendar(name="Closed", time_zone="UTC", weekly=[[]] * 7)

    with pytest.raises(NeverOpens):
        add_business_time(berlin(2025, 3, 3), timedelta(minutes=1), closed)
    assert business_time_between(berlin(2025, 1, 1), berlin(2030, 1, 1), closed) == timedelta(0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2025, 3, 3, 9), timedelta(hours=1), office())  # noqa: DTZ001


def test_hours_must_lie_within_one_day():
    with pytest.raises(ValueError, match="within one day"):
        BusinessCalendar(name="Bad", time_zone="UTC", weekly=[[(22 * H, 30 * H)]] * 7)


def test_closed_gaps_name_the_closed_stretches():
    gaps = office().closed_gaps(berlin(2025, 3, 7, 16, 45), berlin(2025, 3, 10, 9, 45))

    assert gaps == [(berlin(2025, 3, 7, 17), berlin(2025, 3, 10, 9))]


# Property tests: the invariants hold for any calendar, any start and any duration.

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Apia",
    "Europe/London",
]
TRANSITIONS = [
    datetime(2025, 3, 30, 1, tzinfo=UTC),  # Europe spring forward
    datetime(2025, 10, 26, 1, tzinfo=UTC),  # Europe fall back
    datetime(2025, 3, 9, 7, tzinfo=UTC),  # New York spring forward
    datetime(2025, 11, 2, 6, tzinfo=UTC),  # New York fall back
    datetime(2025, 9, 7, 4, tzinfo=UTC),  # Santiago, at midnight
    datetime(2025, 4, 5, 15, tzinfo=UTC),  # Lord Howe, half an hour
    datetime(2011, 12, 30, 10, tzinfo=UTC),  # Apia skips a day
    datetime(2025, 12, 31, 23, tzinfo=UTC),  # a year end
]

minutes_of_day = st.integers(0, 96).map(lambda quarter: quarter * 900)


@st.composite
def day_hours(draw):
    if draw(st.booleans()) and draw(st.booleans()):
        return [(0, DAY_SECONDS)]
    edges = sorted(set(draw(st.lists(minutes_of_day, min_size=0, max_size=6))))
    pairs = list(zip(edges[::2], edges[1::2], strict=False))
    return [(start, end) for start, end in pairs if start < end]


@st.composite
def calendars(draw):
    weekly = [draw(day_hours()) for _ in range(7)]
    if not any(weekly):
        weekly[draw(st.integers(0, 6))] = [(9 * H, 17 * H)]
    special_dates = draw(
        st.lists(st.dates(date(2024, 12, 1), date(2026, 2, 1)), max_size=8, unique=True)
    )
    special = {day: SpecialDay(tuple(draw(day_hours())), "special") for day in special_dates}
    return BusinessCalendar(
        name="Generated",
        time_zone=draw(st.sampled_from(ZONES)),
        weekly=weekly,
        special_days=special,
        holidays=GERMAN_HOLIDAYS.get if draw(st.booleans()) else None,
    )


instants = st.one_of(
    # Hypothesis takes naive bounds and makes them aware with ``timezones``.
    st.datetimes(datetime(2024, 12, 1), datetime(2026, 2, 1), timezones=st.just(UTC)),  # noqa: DTZ001
    st.builds(
        lambda moment, offset: moment + timedelta(seconds=offset),
        st.sampled_from(TRANSITIONS),
        st.integers(-3 * 86400, 3 * 86400),
    ),
)
durations = st.builds(
    lambda seconds, micro: timedelta(seconds=seconds, microseconds=micro),
    st.integers(0, 300 * H),
    st.integers(0, 999_999),
)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


@PROPERTY_SETTINGS
@given(calendar=calendars(), start=instants, duration=durations)
def test_adding_then_measuring_gives_back_the_duration(calendar, start, duration):
    due = add_business_time(start, duration, calendar)

    assert business_time_between(start, due, calendar) == duration


@PROPERTY_SETTINGS
@given(calendar=calendars(), start=instants, duration=durations)
def test_the_due_time_is_the_earliest_and_never_inside_closed_time(calendar, start, duration):
    due = add_business_time(start, duration + timedelta(microseconds=1), calendar)
    just_before = due - timedelta(microseconds=1)

    assert calendar.is_open(just_before)
    assert business_time_between(start, just_before, calendar) == duration


@PROPERTY_SETTINGS
@given(calendar=calendars(), first=instants, second=instants, duration=durations)
def test_a_later_start_is_never_due_earlier(calendar, first, second, duration):
    early, late = sorted((first, second))

    assert add_business_time(early, duration, calendar) <= add_business_time(
        late, duration, calendar
    )


@PROPERTY_SETTINGS
@given(calendar=calendars(), start=instants, shorter=durations, longer=durations)
def test_a_longer_duration_is_never_due_earlier(calendar, start, shorter, longer):
    short, long = sorted((shorter, longer))

    assert add_business_time(start, short, calendar) <= add_business_time(start, long, calendar)


@PROPERTY_SETTINGS
@given(calendar=calendars(), points=st.lists(instants, min_size=3, max_size=3))
def test_measuring_adds_up_and_never_exceeds_real_time(calendar, points):
    a, b, c = sorted(points)

    assert business_time_between(a, b, calendar) + business_time_between(
        b, c, calendar
    ) == business_time_between(a, c, calendar)
    assert timedelta(0) <= business_time_between(a, c, calendar) <= c - a
    assert business_time_between(c, a, calendar) == -business_time_between(a, c, calendar)


@PROPERTY_SETTINGS
@given(zone=st.sampled_from(ZONES), start=instants, duration=durations)
def test_a_24_7_calendar_counts_real_time_through_every_dst_change(zone, start, duration):
    calendar = always(zone)

    assert add_business_time(start, duration, calendar) == start + duration
    assert business_time_between(start, start + duration, calendar) == duration


@PROPERTY_SETTINGS
@given(zone=st.sampled_from(ZONES), start=instants, duration=durations)
def test_open_all_day_every_day_equals_24_7_even_with_special_days(zone, start, duration):
    # The slow path (day by day, through special days) agrees with real time.
    calendar = BusinessCalendar(
        name="Full days",
        time_zone=zone,
        weekly=[[(0, DAY_SECONDS)]] * 7,
        special_days={date(1999, 1, 1): SpecialDay(((0, DAY_SECONDS),))},
    )

    assert add_business_time(start, duration, calendar) == start + duration
