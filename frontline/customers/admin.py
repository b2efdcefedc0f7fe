"""Django admin for organisations and customers."""

from django import forms
from django.contrib import admin

from frontline.core.errors import ValidationFailed
from frontline.customers.models import (
    Customer,
    Identity,
    IdentityKind,
    Organisation,
    OrganisationDomain,
)
from frontline.customers.services import clean_domain, normalise_identity


class DomainForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = OrganisationDomain
        fields = ("domain",)

    def clean_domain(self) -> str:
        try:
            return clean_domain(str(self.cleaned_data["domain"]))
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None


class DomainInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OrganisationDomain
    form = DomainForm
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "tier", "account_manager", "shared_tickets", "updated_at")
    list_filter = ("tier", "shared_tickets")
    list_select_related = ("account_manager",)
    search_fields = ("name", "domains__domain")
    raw_id_fields = ("account_manager",)
    inlines = (DomainInline,)


class IdentityForm(forms.ModelForm):  # type: ignore[type-arg]
    """Stores addresses in the same normal form the services match on, so an address typed
    here is found again when that person writes in."""

    class Meta:
        model = Identity
        fields = ("kind", "value", "is_primary", "is_flagged")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value:
            try:
                cleaned["value"] = normalise_identity(IdentityKind(kind), str(value))
            except ValidationFailed as exc:
                self.add_error("value", exc.message)
        return cleaned


class IdentityInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Identity
    form = IdentityForm
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "organisation", "is_vip", "language", "merged_into", "updated_at")
    list_filter = ("is_vip", "organisation__tier")
    list_select_related = ("organisation", "merged_into")
    search_fields = ("name", "identities__value")
    raw_id_fields = ("organisation", "user")
    # A merge moves tickets and records events, so it happens through the API, not here.
    readonly_fields = ("merged_into", "created_at", "updated_at")
    show_full_result_count = False
    inlines = (IdentityInline,)
