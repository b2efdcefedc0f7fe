from typing import ClassVar

from django.conf import settings
from django.db import models

from frontline.accounts.models import Team
from frontline.core.models import TimestampedModel
from frontline.customers.models import Customer, Organisation


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    ON_HOLD = "on_hold", "On hold"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


UNSOLVED_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)

# Which status may follow which. Closed is final: a customer writing again opens a follow-up.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PORTAL = "portal", "Web portal"
    CHAT = "chat", "Chat"
    PHONE = "phone", "Phone"
    SMS = "sms", "SMS"
    SOCIAL = "social", "Social"
    API = "api", "API"
    WEB_FORM = "web_form", "Web form"


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    BOOLEAN = "boolean", "Yes/no"
    CHOICE = "choice", "Choice"
    DATE = "date", "Date"


class CustomField(models.Model):
    """A definition of a custom ticket field; values live in ``Ticket.custom_fields``."""

    key = models.SlugField(max_length=64, unique=True)
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=10, choices=FieldType.choices)
    choices = models.JSONField(default=list, blank=True)
    is_required_to_solve = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["label"]

    def __str__(self) -> str:
        return self.label


class Ticket(TimestampedModel):
    number = models.PositiveBigIntegerField(unique=True)
    subject = models.CharField(max_length=250)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    custom_fields = models.JSONField(default=dict, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="collaborating_tickets"
    )
    customer_collaborators = models.ManyToManyField(
        Customer,
        blank=True,
        related_name="copied_tickets",
        help_text="People on the customer's side who are copied, e.g. CC'd on an email.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The incident this ticket is part of.",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    message_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    # Computed by the database from status, so it can never drift. The inbox walks the
    # (unsolved, updated_at) index and stops after one page instead of sorting every
    # unsolved ticket of the agent's teams.
    unsolved = models.GeneratedField(
        expression=models.ExpressionWrapper(
            models.Q(status__in=UNSOLVED_STATUSES), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    # Priority as a number (low 0 to urgent 3), computed by the database, for the inbox's
    # "Priority" sort: an index serves a column, where it could not serve the expression.
    priority_rank = models.GeneratedField(
        expression=models.Case(
            *[
                models.When(priority=p.value, then=models.Value(rank))
                for p, rank in PRIORITY_RANK.items()
            ],
            default=models.Value(PRIORITY_RANK[Priority.NORMAL]),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-updated_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unsolved", "updated_at", "id"], name="ticket_unsolved_upd"),
            # The inbox's other sorts walk these, as they walk the one above for "updated".
            models.Index(fields=["created_at", "id"], name="ticket_created_id"),
            models.Index(fields=["priority_rank", "updated_at", "id"], name="ticket_rank_upd"),
            # The supervisor's board counts open work per team and agent from this alone.
            models.Index(
                fields=["unsolved", "team", "assignee", "created_at"], name="ticket_open_load"
            ),
            models.Index(fields=["team", "status", "updated_at"], name="ticket_team_status_upd"),
            models.Index(
                fields=["assignee", "status", "updated_at"], name="ticket_assignee_status_upd"
            ),
            models.Index(fields=["status", "updated_at"], name="ticket_status_upd"),
            models.Index(fields=["customer", "updated_at"], name="ticket_customer_upd"),
            models.Index(fields=["organisation", "updated_at"], name="ticket_org_upd"),
            models.Index(fields=["updated_at", "id"], name="ticket_upd_id"),
            # An incident's linked tickets in number order; few tickets have a parent, and
            # with the plain foreign-key index the planner walked the number index instead.
            models.Index(
                fields=["parent", "number"],
                name="ticket_parent_number",
                condition=models.Q(parent__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.number}"

    @property
    def is_unsolved(self) -> bool:
        return self.status in UNSOLVED_STATUSES


class MessageKind(models.TextChoices):
    REPLY = "reply", "Public reply"
    NOTE = "note", "Internal note"


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class AuthorType(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    AGENT = "agent", "Agent"
    SYSTEM = "system", "System"
    BOT = "bot", "Bot"


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.REPLY)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    author_type = models.CharField(max_length=10, choices=AuthorType.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    author_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitised; safe to render.")
    visible_text = models.TextField(
        blank=True,
        help_text="The new text of a reply without quoted history or signature; "
        "empty when the whole body is new.",
    )
    is_automatic = models.BooleanField(
        default=False, help_text="Sent by the system, e.g. an acknowledgment."
    )
    external_id = models.CharField(
        max_length=998, blank=True, help_text="e.g. the email Message-ID."
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id}"

    @property
    def author_label(self) -> str:
        if self.author_user is not None and self.author_type == AuthorType.AGENT:
            return str(self.author_user)
        if self.author_customer is not None:
            return self.author_customer.name
        return self.get_author_type_display()


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_id = models.CharField(max_length=255, blank=True, help_text="For inline images.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class EventType(models.TextChoices):
    CREATED = "created", "Created"
    MESSAGE_ADDED = "message_added", "Message added"
    STATUS_CHANGED = "status_changed", "Status changed"
    PRIORITY_CHANGED = "priority_changed", "Priority changed"
    ASSIGNED = "assigned", "Assignee changed"
    TEAM_CHANGED = "team_changed", "Team changed"
    CATEGORY_CHANGED = "category_changed", "Category changed"
    SUBJECT_CHANGED = "subject_changed", "Subject changed"
    TAGS_CHANGED = "tags_changed", "Tags changed"
    CUSTOM_FIELDS_CHANGED = "custom_fields_changed", "Custom fields changed"
    COLLABORATORS_CHANGED = "collaborators_changed", "Collaborators changed"
    PARENT_CHANGED = "parent_changed", "Parent incident changed"
    CUSTOMER_CHANGED = "customer_changed", "Customer changed"
    MERGED = "merged", "Merged into another ticket"
    MERGE_RECEIVED = "merge_received", "Another ticket merged in"
    SPLIT_INTO = "split_into", "Messages split into a new ticket"
    SPLIT_FROM = "split_from", "Split from another ticket"
    # What the toolkit did, named in ``data`` (the rule, macro or workflow and its step):
    # the changes themselves are their own events, recorded by the services as usual.
    RULE_FIRED = "rule_fired", "Automation rule fired"
    MACRO_APPLIED = "macro_applied", "Macro applied"
    WORKFLOW_STEP = "workflow_step", "Guided workflow step"
    CALL_LOGGED = "call_logged", "Phone call logged"


class TicketEvent(models.Model):
    """Append-only audit log of a ticket. Timelines, metrics and SLA clocks read it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=EventType.choices)
    actor_type = models.CharField(max_length=10, choices=AuthorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["ticket", "created_at", "id"], name="event_ticket_created"),
            models.Index(fields=["type", "created_at"], name="event_type_created"),
        ]

    def __str__(self) -> str:
        return f"{self.type} on ticket {self.ticket_id}"


class InboxSort(models.TextChoices):
    UPDATED = "updated", "Last updated"
    CREATED = "created", "Newest first"
    PRIORITY = "priority", "Priority"
    DUE = "due", "SLA due"


class SavedView(models.Model):
    """An agent's own inbox view: filters and a sort, listed beside the built-in views."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    filters = models.JSONField(default=dict, blank=True)
    sort = models.CharField(max_length=20, choices=InboxSort.choices, default=InboxSort.UPDATED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_saved_view_name")
        ]

    def __str__(self) -> str:
        return self.name


class InboxPreference(models.Model):
    """Which inbox view an agent used last, so sign-in opens it again."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="inbox_preference",
    )
    last_view = models.CharField(max_length=40, default="mine")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.last_view}"
