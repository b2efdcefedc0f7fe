"""What every model admin that writes shares: its writes are the owning app's service calls.

A form here only collects input. Saving calls the service with the signed-in person as the
actor, so an admin edit records the same events, runs the same checks and has the same side
effects as the API; what the service refuses is shown as an error and nothing is saved.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError


def admin_actor(request: HttpRequest) -> Actor:
    """The person signed in to the admin, as the actor of the services they call."""
    # The admin signs in only the user model's people (``AUTH_USER_MODEL``), which core
    # does not import.
    user: Any = request.user
    if not user.is_authenticated:
        raise TypeError("The admin is only for signed-in users.")
    return Actor.for_user(user)


@dataclass(frozen=True)
class InlineChanges:
    """What the rows of one inline ask for: rows to save (the row as stored, None for a new
    one, with the form's cleaned data) and stored rows to delete."""

    saved: list[tuple[models.Model | None, dict[str, Any]]]
    deleted: list[models.Model]


def inline_changes(formsets: Any, model: type[models.Model]) -> InlineChanges:
    saved: list[tuple[models.Model | None, dict[str, Any]]] = []
    deleted: list[models.Model] = []
    for form in _forms_of(formsets, model):
        # The form has already copied its input onto its instance: read the row as stored.
        stored = model._default_manager.get(pk=form.instance.pk) if form.instance.pk else None
        if form.cleaned_data.get("DELETE"):
            if stored is not None:
                deleted.append(stored)
        elif form.has_changed():
            saved.append((stored, form.cleaned_data))
    return InlineChanges(saved, deleted)


def inline_rows(formsets: Any, model: type[models.Model]) -> list[dict[str, Any]]:
    """Every row the inline keeps, as cleaned data: for services that replace them all."""
    rows = []
    for form in _forms_of(formsets, model):
        if form.cleaned_data.get("DELETE") or (form.instance.pk is None and not form.has_changed()):
            continue
        rows.append(form.cleaned_data)
    return rows


def _forms_of(formsets: Any, model: type[models.Model]) -> "Iterator[forms.ModelForm[Any]]":
    for formset in formsets:
        if formset.model is model:
            yield from (f for f in formset.forms if hasattr(f, "cleaned_data"))


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows an app writes itself (logs, readings, decisions): listed and looked at in the
    admin, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An admin whose saves and deletes are service calls (``write`` and ``remove``).

    The object and its inlines are written together in ``write``, once every form is
    valid: Django's own ``save_model``, ``save_formset`` and ``save_m2m`` write nothing.
    Without ``remove`` nothing is deleted here, one at a time or in bulk."""

    def write(
        self, request: HttpRequest, form: Any, formsets: Any, *, change: bool
    ) -> models.Model:
        raise NotImplementedError

    def remove(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def fields_changed(self, form: Any, names: tuple[str, ...]) -> dict[str, Any]:
        """The cleaned values of those of ``names`` the form has (a list-editable row has
        only its columns)."""
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if type(self).remove is ServiceAdmin.remove:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing yet: ``save_related`` writes the object with its inlines."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        saved = self.write(request, form, formsets, change=change)
        form.instance.pk = saved.pk
        for formset in formsets:
            # What Django's formset.save() would have noted for the history's message.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.remove(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.remove(request, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Django runs the view in a transaction: a refusal rolls back the whole save.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except FrontlineError as exc:
            return self._refused(request, exc)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except FrontlineError as exc:
            return self._refused(request, exc)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().changelist_view(request, extra_context)
        except FrontlineError as exc:
            return self._refused(request, exc)

    def _refused(self, request: HttpRequest, exc: FrontlineError) -> HttpResponse:
        where = f"{exc.field}: " if exc.field else ""
        self.message_user(request, f"Not saved. {where}{exc.message}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())
