"""Django admin for organisations and customers: every save is a call of
``customers.services`` (see ``frontline.core.admin``). Nobody is deleted here: a customer's
tickets and an organisation's accounts keep naming them; merging happens through the API."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from frontline.core.admin import ServiceAdmin, inline_changes
from frontline.core.errors import ValidationFailed
from frontline.customers import services
from frontline.customers.models import (
    Customer,
    Identity,
    IdentityKind,
    Organisation,
    OrganisationDomain,
    Tier,
)
from frontline.customers.services import clean_domain


class DomainForm(forms.ModelForm):  # type: ignore[type-arg]
    """A domain is added or removed; to change one, remove it and add the new one."""

    class Meta:
        model = OrganisationDomain
        fields = ("domain",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].disabled = self.instance.pk is not None

    def clean_domain(self) -> str:
        try:
            return clean_domain(str(self.cleaned_data["domain"]))
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None

    def validate_unique(self) -> None:
        """Whose a domain is, ``customers.services.add_domain`` decides and says."""


class DomainInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OrganisationDomain
    form = DomainForm
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = ("name", "tier", "account_manager", "shared_tickets", "updated_at")
    list_filter = ("tier", "shared_tickets")
    list_select_related = ("account_manager",)
    search_fields = ("name", "domains__domain")
    raw_id_fields = ("account_manager",)
    fields = ("name", "tier", "account_manager", "shared_tickets", "notes", "custom_attributes")
    inlines = (DomainInline,)

    def write(
        self, request: HttpRequest, form: Any, formsets: Any, *, change: bool
    ) -> Organisation:
        data = form.cleaned_data
        if change:
            organisation = Organisation.objects.get(pk=form.instance.pk)
        else:
            organisation = services.create_organisation(name=data["name"], tier=Tier(data["tier"]))
        services.update_organisation(
            organisation,
            fields=services.OrganisationFields(
                name=data["name"],
                tier=Tier(data["tier"]),
                account_manager=data["account_manager"],
                clear_account_manager=data["account_manager"] is None,
                shared_tickets=data["shared_tickets"],
                notes=data["notes"],
                custom_attributes=data["custom_attributes"] or {},
            ),
        )
        domains = inline_changes(formsets, OrganisationDomain)
        for row in domains.deleted:
            assert isinstance(row, OrganisationDomain)  # noqa: S101 - the inline's model
            services.remove_domain(organisation, domain=row.domain)
        for _, values in domains.saved:
            services.add_domain(organisation, domain=values["domain"])
        return organisation


class IdentityForm(forms.ModelForm):  # type: ignore[type-arg]
    """An address is added (in the normal form the services match on, so it is found again
    when that person writes in) or removed; which one is primary, and which bounced, the
    services decide."""

    class Meta:
        model = Identity
        fields = ("kind", "value")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["kind"].disabled = self.fields["value"].disabled = True

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value and self.instance.pk is None:
            try:
                services.normalise_identity(IdentityKind(kind), str(value))
            except ValidationFailed as exc:
                self.add_error("value", exc.message)
        return cleaned


class IdentityInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Identity
    form = IdentityForm
    fields = ("kind", "value", "is_primary", "is_flagged")
    readonly_fields = ("is_primary", "is_flagged")
    extra = 0


@admin.register(Customer)
class CustomerAdmin(ServiceAdmin):
    list_display = ("name", "organisation", "is_vip", "language", "merged_into", "updated_at")
    list_filter = ("is_vip", "organisation__tier")
    list_select_related = ("organisation", "merged_into")
    search_fields = ("name", "identities__value")
    raw_id_fields = ("organisation",)
    fields = (
        "name",
        "organisation",
        "language",
        "time_zone",
        "is_vip",
        "custom_attributes",
        "user",
        "merged_into",
        "created_at",
        "updated_at",
    )
    # A merge moves tickets and records events, and a portal login is given through the
    # API: neither happens here.
    readonly_fields = ("user", "merged_into", "created_at", "updated_at")
    show_full_result_count = False
    inlines = (IdentityInline,)

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Customer:
        data = form.cleaned_data
        if change:
            customer = services.update_customer(
                Customer.objects.get(pk=form.instance.pk),
                fields=services.CustomerFields(
                    name=data["name"],
                    organisation=data["organisation"],
                    clear_organisation=data["organisation"] is None,
                    language=data["language"],
                    time_zone=data["time_zone"],
                    is_vip=data["is_vip"],
                    custom_attributes=data["custom_attributes"] or {},
                ),
            )
        else:
            customer = services.create_customer(
                name=data["name"],
                organisation=data["organisation"],
                language=data["language"],
                time_zone=data["time_zone"],
                is_vip=data["is_vip"],
                custom_attributes=data["custom_attributes"] or {},
            )
        identities = inline_changes(formsets, Identity)
        for row in identities.deleted:
            assert isinstance(row, Identity)  # noqa: S101 - the inline's model
            services.remove_identity(row)
        for _, values in identities.saved:
            services.add_identity(
                customer, kind=IdentityKind(values["kind"]), value=values["value"]
            )
        return customer
