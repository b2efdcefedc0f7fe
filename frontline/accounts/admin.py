"""Django admin for people, teams, skills, sites and API tokens: every save is a call of
``accounts.services`` (see ``frontline.core.admin``)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest

from frontline.accounts import services
from frontline.accounts.models import (
    AgentSkill,
    ApiToken,
    Role,
    Site,
    Skill,
    Team,
    TeamMembership,
    User,
)
from frontline.core.admin import ServiceAdmin, admin_actor, inline_changes


class UserCreationForm(AdminUserCreationForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("email", "name", "role")

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("A user with this email address exists.")
        return email


class UserEditForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A user with this email address exists.")
        return email


class PasswordForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data["set_usable_password"]
        user = self.user
        assert isinstance(user, User)  # noqa: S101 - the admin of our user model
        return services.set_password(
            user, password=self.cleaned_data["password1"] if usable else None
        )


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TeamMembership
    extra = 0
    autocomplete_fields = ("user", "team")
    readonly_fields = ("joined_at",)


class AgentSkillInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AgentSkill
    extra = 0
    autocomplete_fields = ("skill",)


def _write_memberships(
    formsets: Any, *, user: User | None = None, team: Team | None = None
) -> None:
    """Rows of the membership inline of a user's or a team's page, through the services."""
    changes = inline_changes(formsets, TeamMembership)
    for row in changes.deleted:
        assert isinstance(row, TeamMembership)  # noqa: S101 - the inline's model
        services.remove_from_team(row.user, team=row.team)
    for stored, data in changes.saved:
        member, of = user or data["user"], team or data["team"]
        if isinstance(stored, TeamMembership) and (stored.user_id, stored.team_id) != (
            member.pk,
            of.pk,
        ):
            services.remove_from_team(stored.user, team=stored.team)
        services.add_to_team(member, team=of, is_lead=bool(data.get("is_lead")))


def _write_skills(formsets: Any, *, user: User) -> None:
    changes = inline_changes(formsets, AgentSkill)
    for row in changes.deleted:
        assert isinstance(row, AgentSkill)  # noqa: S101 - the inline's model
        services.remove_skill(user, skill=row.skill)
    for stored, data in changes.saved:
        if isinstance(stored, AgentSkill) and stored.skill_id != data["skill"].pk:
            services.remove_skill(user, skill=stored.skill)
        services.set_skill(user, skill=data["skill"], proficiency=data["proficiency"])


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):  # type: ignore[type-arg]
    """Staff accounts through ``accounts.services``: the role decides admin access and
    superuser rights, and only administrators grant the administrator role. Nobody is
    deleted (their tickets and events name them): deactivate them instead. Customers'
    logins are changed through their customer (API, workspace)."""

    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = PasswordForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "role", "time_zone", "site")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "role", "usable_password", "password1", "password2"),
            },
        ),
    )
    # The role sets is_staff and is_superuser; the address is how the person signs in.
    readonly_fields = ("email", "is_staff", "is_superuser", "last_login", "date_joined")
    list_display = ("email", "name", "role", "site", "is_active")
    list_filter = ("role", "is_active", "is_staff", "site")
    list_select_related = ("site",)
    search_fields = ("email", "name")
    ordering = ("email",)
    inlines = (MembershipInline, AgentSkillInline)

    def get_inline_instances(
        self, request: HttpRequest, obj: User | None = None
    ) -> "list[InlineModelAdmin[Any, Any]]":
        # Like the password, teams and skills are set once the account exists.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_customer:
            return False
        return super().has_change_permission(request, obj)

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> User:
        data, actor = form.cleaned_data, admin_actor(request)
        if not change:
            usable = data.get("set_usable_password", True)
            return services.create_staff_user(
                email=data["email"],
                name=data["name"],
                role=Role(data["role"]),
                password=data.get("password1") if usable else None,
                actor=actor,
            )
        user = User.objects.get(pk=form.instance.pk)
        given = self.fields_changed(form, ("name", "role", "time_zone", "is_active", "site"))
        fields = services.UserFields(
            name=given.get("name"),
            role=Role(given["role"]) if "role" in given else None,
            time_zone=given.get("time_zone"),
            is_active=given.get("is_active"),
            site=given.get("site"),
            clear_site="site" in given and given["site"] is None,
        )
        services.update_staff_user(user, fields=fields, actor=actor)
        _write_memberships(formsets, user=user)
        _write_skills(formsets, user=user)
        return user


@admin.register(Team)
class TeamAdmin(ServiceAdmin):
    """Teams and their members through ``accounts.services``. A team is not deleted here:
    its tickets, rules and policies name it."""

    list_display = ("name", "tier", "slug", "email")
    search_fields = ("name", "slug")
    fields = ("name", "slug", "tier", "description", "email")
    inlines = (MembershipInline,)

    def get_prepopulated_fields(self, request: HttpRequest, obj: Team | None = None) -> Any:
        return {"slug": ("name",)} if obj is None else {}

    def get_readonly_fields(self, request: HttpRequest, obj: Team | None = None) -> Any:
        # Rules, routing and URLs name a team by its slug.
        return ("slug",) if obj is not None else ()

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Team:
        data = form.cleaned_data
        if change:
            team = services.update_team(
                Team.objects.get(pk=form.instance.pk),
                fields=services.TeamFields(
                    name=data["name"],
                    tier=data["tier"],
                    description=data["description"],
                    email=data["email"],
                ),
            )
        else:
            team = services.create_team(
                name=data["name"],
                slug=data["slug"],
                tier=data["tier"],
                description=data["description"],
                email=data["email"],
            )
        _write_memberships(formsets, team=team)
        return team


@admin.register(Skill)
class SkillAdmin(ServiceAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    fields = ("name", "slug", "description")

    def get_prepopulated_fields(self, request: HttpRequest, obj: Skill | None = None) -> Any:
        return {"slug": ("name",)} if obj is None else {}

    def get_readonly_fields(self, request: HttpRequest, obj: Skill | None = None) -> Any:
        return ("slug",) if obj is not None else ()

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Skill:
        data = form.cleaned_data
        if change:
            return services.update_skill(
                Skill.objects.get(pk=form.instance.pk),
                name=data["name"],
                description=data["description"],
            )
        return services.create_skill(
            name=data["name"], slug=data["slug"], description=data["description"]
        )


@admin.register(Site)
class SiteAdmin(ServiceAdmin):
    list_display = ("name", "time_zone", "country")
    search_fields = ("name",)
    fields = ("name", "time_zone", "country")

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Site:
        data = form.cleaned_data
        site = Site.objects.get(pk=form.instance.pk) if change else None
        return services.save_site(
            site, name=data["name"], time_zone=data["time_zone"], country=data["country"]
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tokens are issued by their owner (API) or with ``frontline token create``; here they are
    only looked at and revoked. The hash is never shown."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__email")
    fields = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # Revoked tokens stay, so "who used this key, and when" can still be answered.
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            services.revoke_token(token)
        self.message_user(request, f"Revoked {len(tokens)} token(s).", messages.SUCCESS)
