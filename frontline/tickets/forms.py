"""Forms of the agent workspace. They parse input; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from frontline.accounts.models import Team, User
from frontline.core.files import is_media_type
from frontline.core.forms import MultipleFileField, set_choices
from frontline.customers.models import Customer, IdentityKind, Organisation
from frontline.customers.services import find_customer
from frontline.tickets.inbox import SLA_DUE_CHOICES, InboxFilters
from frontline.tickets.models import (
    Category,
    Channel,
    CustomField,
    FieldType,
    InboxSort,
    Message,
    Priority,
    Status,
)
from frontline.tickets.services import NewAttachment

KEEP = ""
SUBMIT_AS = [
    (KEEP, "Keep status"),
    (Status.OPEN, "Open"),
    (Status.PENDING, "Pending (waiting on the customer)"),
    (Status.ON_HOLD, "On hold"),
    (Status.SOLVED, "Solved"),
]


def attachments_from(files: Sequence[UploadedFile[bytes]]) -> list[NewAttachment]:
    """The uploaded files; a type the browser declared that is not a media type is left
    out (the service guesses one from the file name), as nobody can fix it in the form."""
    return [
        NewAttachment(
            filename=f.name or "attachment",
            content=f.read(),
            content_type=_declared_type(f.content_type or ""),
        )
        for f in files
    ]


def _declared_type(content_type: str) -> str:
    return content_type if is_media_type(content_type) else ""


def team_choices(teams: Sequence[Team], *, blank: str, none: str = "") -> list[tuple[str, str]]:
    choices = [("", blank)]
    if none:
        choices.append(("none", none))
    return choices + [(str(t.pk), t.name) for t in teams]


def agent_choices(agents: Sequence[User], *, blank: str, me: bool = True) -> list[tuple[str, str]]:
    choices = [("", blank)]
    if me:
        choices.append(("me", "Me"))
    choices.append(("none", "Unassigned"))
    return choices + [(str(u.pk), str(u)) for u in agents]


class InboxFilterForm(forms.Form):
    status = forms.MultipleChoiceField(
        choices=Status.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    priority = forms.MultipleChoiceField(
        choices=Priority.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    channel = forms.MultipleChoiceField(
        choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    team = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(required=False)
    tag = forms.CharField(required=False, max_length=64)
    customer = forms.EmailField(required=False, label="Customer email")
    organisation = forms.CharField(required=False, max_length=200, label="Organisation")
    sla_due = forms.ChoiceField(choices=SLA_DUE_CHOICES, required=False, label="SLA")
    sort = forms.ChoiceField(choices=InboxSort.choices, required=False)

    def __init__(self, *args: Any, teams: Sequence[Team], agents: Sequence[User], **kw: Any):
        super().__init__(*args, **kw)
        set_choices(self, "team", team_choices(teams, blank="Any team", none="No team"))
        set_choices(self, "assignee", agent_choices(agents, blank="Anyone"))

    def clean_customer(self) -> Customer | None:
        email = self.cleaned_data.get("customer")
        if not email:
            return None
        customer = find_customer(IdentityKind.EMAIL, email)
        if customer is None:
            raise forms.ValidationError("No customer has that address.")
        return customer

    def clean_organisation(self) -> Organisation | None:
        name = (self.cleaned_data.get("organisation") or "").strip()
        if not name:
            return None
        organisation = Organisation.objects.filter(name__iexact=name).first()
        if organisation is None:
            raise forms.ValidationError("No organisation has that name.")
        return organisation

    def filters(self) -> InboxFilters:
        data = self.cleaned_data
        customer: Customer | None = data.get("customer")
        organisation: Organisation | None = data.get("organisation")
        return InboxFilters(
            statuses=tuple(data.get("status") or ()),
            priorities=tuple(data.get("priority") or ()),
            channels=tuple(data.get("channel") or ()),
            team=data.get("team") or "",
            assignee=data.get("assignee") or "",
            tag=(data.get("tag") or "").strip().lower(),
            customer_id=customer.pk if customer else None,
            customer_label=self.data.get("customer", "") if customer else "",
            organisation_id=organisation.pk if organisation else None,
            organisation_label=organisation.name if organisation else "",
            sla_due=data.get("sla_due") or "",
        )

    def sort_order(self) -> str:
        return str(self.cleaned_data.get("sort") or InboxSort.UPDATED)


class SaveViewForm(forms.Form):
    name = forms.CharField(max_length=80, label="View name")


class ReplyForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label="Reply to the customer"
    )
    attachments = MultipleFileField(label="Attach files")
    status = forms.ChoiceField(choices=SUBMIT_AS, required=False, label="Then set status")
    seen = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Internal note"
    )
    attachments = MultipleFileField(label="Attach files")


class PropertiesForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    priority = forms.ChoiceField(choices=Priority.choices)
    category = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(required=False)
    tags = forms.CharField(
        required=False, max_length=2000, help_text="Separate tags with commas or spaces."
    )

    def __init__(
        self,
        *args: Any,
        teams: Sequence[Team],
        agents: Sequence[User],
        categories: Sequence[Category],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        set_choices(self, "team", team_choices(teams, blank="No team"))
        set_choices(self, "assignee", [("", "Unassigned"), *((str(u.pk), str(u)) for u in agents)])
        set_choices(
            self, "category", [("", "No category"), *((str(c.pk), c.name) for c in categories)]
        )

    def tag_names(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t for t in raw.replace(",", " ").split() if t]


class CollaboratorForm(forms.Form):
    user = forms.ChoiceField(label="Add a collaborator")

    def __init__(self, *args: Any, agents: Sequence[User], **kw: Any) -> None:
        super().__init__(*args, **kw)
        set_choices(
            self, "user", [("", "Choose a colleague"), *((str(u.pk), str(u)) for u in agents)]
        )


class MergeForm(forms.Form):
    into = forms.IntegerField(min_value=1, max_value=2**63 - 1, label="Merge into ticket number")


class ParentForm(forms.Form):
    parent = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        label="Parent incident number",
        help_text="Leave empty to unlink.",
    )


class SplitForm(forms.Form):
    """Messages of this ticket that move to a new one, and its subject."""

    messages = forms.TypedMultipleChoiceField(
        coerce=int, label="Messages to move", widget=forms.CheckboxSelectMultiple
    )
    subject = forms.CharField(
        required=False,
        max_length=250,
        label="Subject of the new ticket",
        help_text="Empty: the first line of the first message moved.",
    )

    def __init__(self, *args: Any, messages: Sequence[tuple[str, Message]], **kw: Any) -> None:
        """``messages``: each message of the ticket with who wrote it, oldest first."""
        super().__init__(*args, **kw)
        set_choices(self, "messages", [(m.pk, _message_label(who, m)) for who, m in messages])


def _message_label(who: str, message: Message) -> str:
    text = " ".join((message.visible_text or message.body_text).split())
    excerpt = text[:60] + ("…" if len(text) > 60 else "")
    return f"{who}, {message.created_at:%d %b %H:%M}: {excerpt}"


class CustomFieldsForm(forms.Form):
    """The ticket's custom fields, one form field per active definition, named by its key.
    An empty field clears the value."""

    prefix = "cf"

    def __init__(self, *args: Any, definitions: Sequence[CustomField], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.definitions = list(definitions)
        for definition in self.definitions:
            self.fields[definition.key] = _custom_form_field(definition)

    def values(self) -> dict[str, Any]:
        """The values for ``services.set_custom_fields``: None for each emptied field."""
        return {d.key: _service_value(d, self.cleaned_data.get(d.key)) for d in self.definitions}


_YES_NO = [("", "—"), ("yes", "Yes"), ("no", "No")]


def _custom_form_field(definition: CustomField) -> forms.Field:
    label = definition.label
    kind = definition.field_type
    if kind == FieldType.NUMBER:
        return forms.FloatField(required=False, label=label)
    if kind == FieldType.BOOLEAN:
        return forms.ChoiceField(required=False, label=label, choices=_YES_NO)
    if kind == FieldType.CHOICE:
        options = [("", "—"), *((str(c), str(c)) for c in definition.choices)]
        return forms.ChoiceField(required=False, label=label, choices=options)
    if kind == FieldType.DATE:
        return forms.DateField(
            required=False, label=label, widget=forms.DateInput(attrs={"type": "date"})
        )
    return forms.CharField(required=False, label=label, max_length=1000)


def custom_field_initial(
    definitions: Sequence[CustomField], values: dict[str, Any]
) -> dict[str, Any]:
    """The form's initial data from a ticket's stored values."""
    initial: dict[str, Any] = {}
    for definition in definitions:
        value = values.get(definition.key)
        if definition.field_type == FieldType.BOOLEAN and isinstance(value, bool):
            value = "yes" if value else "no"
        initial[definition.key] = value
    return initial


def _service_value(definition: CustomField, value: Any) -> Any:
    if value in (None, ""):
        return None
    kind = definition.field_type
    if kind == FieldType.NUMBER:
        return int(value) if float(value).is_integer() else value
    if kind == FieldType.BOOLEAN:
        return value == "yes"
    if kind == FieldType.DATE:
        return value.isoformat()
    if kind == FieldType.CHOICE:
        # The stored choice, not its text form: choices may be numbers.
        return next((c for c in definition.choices if str(c) == value), value)
    return value


class BulkForm(forms.Form):
    ticket = forms.TypedMultipleChoiceField(coerce=int, label="Tickets")
    assignee = forms.ChoiceField(required=False)
    status = forms.ChoiceField(choices=[("", "Status…"), *Status.choices], required=False)
    priority = forms.ChoiceField(choices=[("", "Priority…"), *Priority.choices], required=False)
    team = forms.ChoiceField(required=False)
    add_tag = forms.CharField(required=False, max_length=64, label="Add tag")

    def __init__(
        self, *args: Any, teams: Sequence[Team], agents: Sequence[User], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        ids = self.data.getlist("ticket") if hasattr(self.data, "getlist") else []
        set_choices(self, "ticket", [(i, i) for i in ids if str(i).isdigit()])
        set_choices(self, "assignee", agent_choices(agents, blank="Assign to…"))
        set_choices(self, "team", team_choices(teams, blank="Team…"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wanted = ("assignee", "status", "priority", "team", "add_tag")
        if not any(data.get(name) for name in wanted):
            raise forms.ValidationError("Choose something to change.")
        return data
