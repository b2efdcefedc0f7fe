"""Shapes of business calendars, SLA policies and a ticket's SLA state in the API."""

import datetime as dt
from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from frontline.core.api_support import InputSchema, ObjectId
from frontline.sla.services.actions import TAG_PATTERN, Action
from frontline.sla.services.config import MAX_GOAL_MINUTES

NO_NUL = r"^[^\x00]*$"
NON_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
ClockText = Annotated[
    str, Field(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", examples=["09:00"])
]
Interval = Annotated[list[ClockText], Field(min_length=2, max_length=2)]
DayHours = Annotated[list[Interval], Field(max_length=12)]
TargetName = Literal["first_response", "next_response", "periodic_update", "resolution"]
PriorityName = Literal["low", "normal", "high", "urgent"]
TierName = Literal["standard", "premium", "enterprise"]
ChannelName = Literal["email", "portal", "chat", "phone", "sms", "social", "api", "web_form"]
PauseStatus = Literal["new", "open", "pending", "on_hold"]
TagName = Annotated[str, Field(pattern=TAG_PATTERN)]
Percent = Annotated[int, Field(ge=1, le=99)]
_DEFAULT_PAUSE: list[PauseStatus] = ["pending", "on_hold"]


class WeeklyHours(Schema):
    """Open intervals per weekday, e.g. ``[["08:00", "12:00"], ["13:00", "17:00"]]``;
    an empty list is closed, ``[["00:00", "24:00"]]`` open all day."""

    mon: DayHours = Field(default_factory=list)
    tue: DayHours = Field(default_factory=list)
    wed: DayHours = Field(default_factory=list)
    thu: DayHours = Field(default_factory=list)
    fri: DayHours = Field(default_factory=list)
    sat: DayHours = Field(default_factory=list)
    sun: DayHours = Field(default_factory=list)


class WeeklyHoursIn(WeeklyHours, InputSchema):
    pass


class SpecialDay(Schema):
    date: dt.date = Field(strict=False, description="YYYY-MM-DD")
    hours: DayHours = Field(default_factory=list, description="Empty: closed all day.")
    name: str = Field("", max_length=100, pattern=NO_NUL)


class SpecialDayIn(SpecialDay, InputSchema):
    pass


class CalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    weekly_hours: WeeklyHours
    holiday_country: str
    holiday_subdivision: str
    special_days: list[SpecialDay]
    is_default: bool
    site_id: int | None
    created_at: datetime
    updated_at: datetime


class CalendarIn(InputSchema):
    name: str = Field(max_length=100, pattern=NON_BLANK)
    time_zone: str = Field("UTC", max_length=64, pattern=NO_NUL, examples=["Europe/Berlin"])
    weekly_hours: WeeklyHoursIn
    holiday_country: str = Field("", pattern=r"^([A-Za-z]{2})?$", description="ISO 3166.")
    holiday_subdivision: str = Field("", pattern=r"^[A-Za-z0-9-]{0,10}$")
    special_days: list[SpecialDayIn] = Field(default_factory=list, max_length=500)
    is_default: bool = False
    site_id: ObjectId | None = None


class CalendarUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=100, pattern=NON_BLANK)
    time_zone: str | None = Field(None, max_length=64, pattern=NO_NUL)
    weekly_hours: WeeklyHoursIn | None = None
    holiday_country: str | None = Field(None, pattern=r"^([A-Za-z]{2})?$")
    holiday_subdivision: str | None = Field(None, pattern=r"^[A-Za-z0-9-]{0,10}$")
    special_days: list[SpecialDayIn] | None = Field(None, max_length=500)
    is_default: bool | None = None
    site_id: ObjectId | None = Field(None, description="null removes the site.")


class PreviewParams(Schema):
    start: datetime = Field(description="ISO 8601 with an offset.")
    minutes: int = Field(ge=0, le=MAX_GOAL_MINUTES)


class PreviewOut(Schema):
    start: datetime
    due_at: datetime
    explanation: str


class GoalIn(InputSchema):
    target: TargetName
    priority: PriorityName
    minutes: int = Field(ge=1, le=MAX_GOAL_MINUTES)
    business_hours: bool = True
    calendar_id: ObjectId | None = None


class GoalOut(Schema):
    target: TargetName
    priority: PriorityName
    minutes: int
    business_hours: bool
    calendar_id: int | None


class PolicyOut(Schema):
    id: int
    name: str
    description: str
    position: int
    is_active: bool
    priorities: list[PriorityName]
    organisation_tiers: list[TierName]
    customer_vip: bool | None
    channels: list[ChannelName]
    tags: list[str]
    team_ids: list[int]
    category_ids: list[int]
    calendar_id: int | None
    pause_statuses: list[PauseStatus]
    warn_at_percent: list[int]
    warning_actions: list[Action]
    breach_actions: list[Action]
    goals: list[GoalOut]
    created_at: datetime
    updated_at: datetime


class PolicyIn(InputSchema):
    name: str = Field(max_length=100, pattern=NON_BLANK)
    description: str = Field("", max_length=2000, pattern=NO_NUL)
    position: int = Field(0, ge=0, le=1_000_000, description="Lower is tried first.")
    is_active: bool = True
    priorities: list[PriorityName] = Field(default_factory=list, max_length=4)
    organisation_tiers: list[TierName] = Field(default_factory=list, max_length=3)
    customer_vip: bool | None = Field(None, description="null: any customer.")
    channels: list[ChannelName] = Field(default_factory=list, max_length=8)
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    team_ids: list[ObjectId] = Field(default_factory=list, max_length=100)
    category_ids: list[ObjectId] = Field(default_factory=list, max_length=100)
    calendar_id: ObjectId | None = Field(None, description="null: the default calendar.")
    pause_statuses: list[PauseStatus] = Field(default_factory=lambda: _DEFAULT_PAUSE)
    warn_at_percent: list[Percent] = Field(default_factory=lambda: [75, 90], max_length=5)
    warning_actions: list[Action] = Field(default_factory=list, max_length=10)
    breach_actions: list[Action] = Field(default_factory=list, max_length=10)
    goals: list[GoalIn] = Field(default_factory=list, max_length=16)


class PolicyUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=100, pattern=NON_BLANK)
    description: str | None = Field(None, max_length=2000, pattern=NO_NUL)
    position: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None
    priorities: list[PriorityName] | None = Field(None, max_length=4)
    organisation_tiers: list[TierName] | None = Field(None, max_length=3)
    customer_vip: bool | None = Field(None, description="null: any customer.")
    channels: list[ChannelName] | None = Field(None, max_length=8)
    tags: list[TagName] | None = Field(None, max_length=50)
    team_ids: list[ObjectId] | None = Field(None, max_length=100)
    category_ids: list[ObjectId] | None = Field(None, max_length=100)
    calendar_id: ObjectId | None = Field(None, description="null: the default calendar.")
    pause_statuses: list[PauseStatus] | None = None
    warn_at_percent: list[Percent] | None = Field(None, max_length=5)
    warning_actions: list[Action] | None = Field(None, max_length=10)
    breach_actions: list[Action] | None = Field(None, max_length=10)
    goals: list[GoalIn] | None = Field(None, max_length=16)


class TargetOut(Schema):
    target: TargetName
    due_at: datetime | None
    state: Literal["active", "paused", "met", "breached"]
    remaining_seconds: int | None
    explanation: str
    cycle: int
    goal_seconds: int
    business_time: bool
    started_at: datetime
    stopped_at: datetime | None


class ChangeOut(Schema):
    kind: str
    target: str
    message: str
    at: datetime


class PolicyRefOut(Schema):
    id: int
    name: str


class TicketSlaOut(Schema):
    ticket_id: int
    policy: PolicyRefOut | None
    reason: str
    next_due_at: datetime | None
    targets: list[TargetOut]
    history: list[ChangeOut]
