"""The customer portal: sign in by link or password, open, follow, answer and close tickets.

Every ticket is looked up through ``tickets_visible_to`` for the signed-in customer, so a
guessed number or id of someone else's ticket or attachment is a plain 404.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import SetPasswordForm
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from frontline.accounts import services as account_services
from frontline.accounts import sign_in as sign_in_guard
from frontline.accounts.models import User
from frontline.accounts.web import customer_required, web_actor
from frontline.channels.portal import self_service, services
from frontline.channels.portal.forms import (
    LinkRequestForm,
    NewTicketForm,
    PortalPasswordForm,
    PortalReplyForm,
    StatusForm,
)
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError
from frontline.core.pagination import paginate
from frontline.core.web import absolute_url, add_domain_error, download
from frontline.tickets import services as ticket_services
from frontline.tickets.forms import attachments_from
from frontline.tickets.models import Category, Channel, Status, Ticket
from frontline.tickets.queries import (
    get_attachment_for,
    get_ticket_by_number_for,
    messages_visible_to,
    tickets_visible_to,
)

portal_customer = customer_required("portal:sign-in")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
LOCKED = "portal/locked.html"


def sign_in(request: HttpRequest) -> HttpResponse:
    """Email a one-time link (the default) or sign in with a password; both throttled."""
    if request.user.is_authenticated and web_actor(request).is_customer:
        return HttpResponseRedirect(reverse("portal:home"))
    link_form = LinkRequestForm(request.POST if request.POST.get("method") == "link" else None)
    password_form = PortalPasswordForm(
        request, request.POST if request.POST.get("method") == "password" else None
    )
    if link_form.is_bound and link_form.is_valid():
        return _email_link(request, link_form.cleaned_data["email"])
    if password_form.is_bound:
        answer = _sign_in_with_password(request, password_form)
        if answer is not None:
            return answer
    context = {"link_form": link_form, "password_form": password_form, "next": _next(request)}
    return render(request, "portal/sign_in.html", context)


def _email_link(request: HttpRequest, email: str) -> HttpResponse:
    limit = sign_in_guard.refuse_mail_link(request, email, kind="portal_link")
    if limit is not None:
        return sign_in_guard.lockout_response(request, limit, template=LOCKED)
    services.email_sign_in_link(email, link_base=absolute_url(reverse("portal:sign-in")))
    return render(request, "portal/link_sent.html", {"email": email})


def _sign_in_with_password(request: HttpRequest, form: PortalPasswordForm) -> HttpResponse | None:
    """Sign in and redirect, or refuse: 429 while locked out, else None to show the form
    with the one message every wrong combination gets."""
    attempt = sign_in_guard.Attempt.of(request, request.POST.get("username", ""), form="portal")
    limit = sign_in_guard.locked_out(attempt)
    if limit is not None:
        return sign_in_guard.lockout_response(request, limit, template=LOCKED)
    if not form.is_valid():
        sign_in_guard.record_failure(attempt, refused_user=form.get_user())
        return None
    sign_in_guard.record_success(attempt)
    login(request, form.get_user())
    return HttpResponseRedirect(_next(request))


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
    return wanted if wanted and safe else str(reverse("portal:home"))


def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """Show a button that spends the link: mail scanners that follow links do not POST."""
    if request.method == "POST":
        try:
            user = services.redeem_sign_in_link(token)
        except FrontlineError as exc:
            return render(request, "portal/link_invalid.html", {"message": exc.message})
        login(request, user, backend=MODEL_BACKEND)
        return HttpResponseRedirect(reverse("portal:home"))
    link = services.pending_link(token)
    if link is None:
        return render(
            request,
            "portal/link_invalid.html",
            {"message": "This sign-in link was used already or has expired."},
        )
    return render(request, "portal/link_confirm.html", {"email": link.email})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("portal:sign-in"))


@portal_customer
def home(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    customer = actor.customer
    assert customer is not None  # noqa: S101 - portal_customer checked it
    shared = customer.organisation is not None and customer.organisation.shared_tickets
    scope = request.GET.get("scope") if shared else "mine"
    tickets = tickets_visible_to(actor)
    if scope != "organisation":
        tickets = tickets.filter(customer_id=customer.pk)
    page = paginate(
        tickets.select_related("customer"),
        request,
        order=("-updated_at", "-id"),
        cursor=request.GET.get("cursor"),
        page_size=25,
    )
    context = {
        "page": page,
        "shared": shared,
        "scope": scope,
        "customer": customer,
        "section": "tickets",
    }
    return render(request, "portal/home.html", context)


@portal_customer
def new_ticket(request: HttpRequest) -> HttpResponse:
    actor = web_actor(request)
    categories = list(Category.objects.filter(is_active=True))
    form = NewTicketForm(
        request.POST or None,
        request.FILES or None,
        categories=categories,
        initial=self_service.draft(request),
        suggestions_url=reverse("portal:suggestions"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.send_request(
                customer=_customer(actor),
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["description"],
                category=form.chosen_category(),
                attachments=attachments_from(form.cleaned_data["attachments"]),
                deflection_ids=self_service.deflection_ids(request),
                actor=actor,
            )
            self_service.forget_request(request)
            messages.success(request, f"Thanks — we received your request as #{ticket.number}.")
            return HttpResponseRedirect(reverse("portal:ticket", args=[ticket.number]))
        except FrontlineError as exc:
            add_domain_error(form, exc, fields={"body": "description"})
    return render(request, "portal/new_ticket.html", {"form": form, "section": "new"})


def _customer(actor: Actor) -> Any:
    assert actor.customer is not None  # noqa: S101 - portal_customer checked it
    return actor.customer


@portal_customer
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    return render(request, "portal/ticket.html", _ticket_context(actor, ticket))


@portal_customer
def ticket_thread(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    return render(request, "portal/_thread.html", _ticket_context(actor, ticket))


def _ticket_context(actor: Actor, ticket: Ticket, **forms: Any) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "thread": list(messages_visible_to(actor, ticket)),
        "reply_form": forms.get("reply_form") or PortalReplyForm(),
        "is_closed": ticket.status == Status.CLOSED,
        "is_solved": ticket.status == Status.SOLVED,
    }


@require_POST
@portal_customer
def ticket_reply(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    form = PortalReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ticket_services.reply_to_ticket(
                ticket,
                body=form.cleaned_data["body"],
                attachments=attachments_from(form.cleaned_data["attachments"]),
                channel=Channel.PORTAL,
                actor=actor,
            )
            return HttpResponseRedirect(reverse("portal:ticket", args=[ticket.number]))
        except FrontlineError as exc:
            add_domain_error(form, exc)
    return render(request, "portal/ticket.html", _ticket_context(actor, ticket, reply_form=form))


@require_POST
@portal_customer
def ticket_status(request: HttpRequest, number: int) -> HttpResponse:
    actor = web_actor(request)
    ticket = get_ticket_by_number_for(actor, number)
    form = StatusForm(request.POST)
    if form.is_valid():
        status = Status.SOLVED if form.cleaned_data["action"] == "solve" else Status.OPEN
        try:
            ticket_services.change_status(ticket, status=status, actor=actor)
        except FrontlineError as exc:
            messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("portal:ticket", args=[number]))


@portal_customer
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    found = get_attachment_for(web_actor(request), attachment_id)
    return download(request, found.file, filename=found.filename, content_type=found.content_type)


@portal_customer
def account(request: HttpRequest) -> HttpResponse:
    """Set (or change) a password, for customers who prefer one to emailed links."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - portal_customer checked it
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_services.set_password(user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, "Your password is set. You can still sign in by email link.")
        return HttpResponseRedirect(reverse("portal:account"))
    return render(request, "portal/account.html", {"form": form})
