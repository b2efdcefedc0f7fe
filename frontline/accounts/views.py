"""Signing in and out, password reset by email, preferences and notifications (staff UI)."""

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from frontline.accounts import queries, services, sign_in
from frontline.accounts.forms import PasswordResetForm
from frontline.accounts.models import User
from frontline.accounts.web import staff_required
from frontline.core.errors import FrontlineError
from frontline.core.web import add_domain_error

LOCKED = "accounts/locked.html"


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n or n == "UTC")
    return [(n, n.replace("_", " ")) for n in names]


class SignInView(auth_views.LoginView):
    """Django's sign-in, throttled per account and per client address (``sign_in``)."""

    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True
    attempt: sign_in.Attempt

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.attempt = sign_in.Attempt.of(
            request, request.POST.get("username", ""), form="workspace"
        )
        limit = sign_in.locked_out(self.attempt)
        if limit is not None:
            return sign_in.lockout_response(request, limit, template=LOCKED)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        sign_in.record_success(self.attempt)
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        sign_in.record_failure(self.attempt, refused_user=form.get_user())
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    next_page = "accounts:sign-in"


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links on SITE_URL (``PasswordResetForm``), rationed per address and client."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")
    form_class = PasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = request.POST.get("email", "")
        limit = sign_in.refuse_mail_link(request, email, kind="password_reset")
        if limit is not None:
            return sign_in.lockout_response(request, limit, template=LOCKED)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PreferencesForm(forms.Form):
    name = forms.CharField(max_length=200)
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="Every time in Frontline is shown in this zone."
    )


@staff_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PreferencesForm(
        request.POST or None, initial={"name": user.name, "time_zone": user.time_zone}
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_preferences(
                user, name=form.cleaned_data["name"], time_zone=form.cleaned_data["time_zone"]
            )
            saved = True
        except FrontlineError as exc:
            add_domain_error(form, exc)
    return render(request, "accounts/preferences.html", {"form": form, "saved": saved})


@staff_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(queries.notifications_for(_user(request))[:50])
    return render(request, "accounts/notifications.html", {"notifications": items})


@staff_required
def notification_badge(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/_notification_badge.html")


@staff_required
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and follow it."""
    user = _user(request)
    notification = get_object_or_404(queries.notifications_for(user), pk=notification_id)
    services.mark_notifications_read(user, ids=[notification.pk])
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None)
    return HttpResponseRedirect(notification.url if safe else "/")


@require_POST
@staff_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_notifications_read(_user(request))
    return HttpResponseRedirect(reverse_lazy("accounts:notifications"))


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - staff_required signed them in
    return user
