"""Portal forms: parsing only; the ticket services decide what a customer may do."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from frontline.accounts.models import User
from frontline.core.forms import MultipleFileField, set_choices
from frontline.tickets.models import Category


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=320)


class PortalPasswordForm(AuthenticationForm):
    """Password sign-in for customers. A staff account's right password is refused exactly
    like a wrong one, so the form confirms no staff password."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.is_customer:
            raise self.get_invalid_login_error()


class NewTicketForm(forms.Form):
    subject = forms.CharField(max_length=250)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=100_000,
        help_text="What happened, what you expected, and anything you already tried.",
    )
    category = forms.ChoiceField(required=False, label="Topic")
    attachments = MultipleFileField(label="Attachments", help_text="Screenshots, invoices, logs.")

    def __init__(
        self,
        *args: Any,
        categories: Sequence[Category],
        suggestions_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if suggestions_url:
            self._suggest_from(suggestions_url)
        self._categories = {str(c.pk): c for c in categories}
        options = [(str(c.pk), c.name) for c in categories]
        set_choices(self, "category", [("", "Choose a topic (optional)"), *options])

    def _suggest_from(self, url: str) -> None:
        """As the customer types, matching articles load into ``#suggestions`` (htmx)."""
        for name in ("subject", "description"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": url,
                    "hx-trigger": "keyup changed delay:400ms",
                    "hx-target": "#suggestions",
                    "hx-include": "[name=subject], [name=description]",
                    "hx-sync": "#suggestions:replace",
                    "aria-controls": "suggestions",
                }
            )

    def chosen_category(self) -> Category | None:
        return self._categories.get(self.cleaned_data.get("category") or "")


class PortalReplyForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=100_000, label="Reply"
    )
    attachments = MultipleFileField(label="Attachments")


class StatusForm(forms.Form):
    action = forms.ChoiceField(choices=[("solve", "Mark as solved"), ("reopen", "Reopen")])
