"""SLA notifications wait for the recipient's working hours, then reach their workspace
notifications and their inbox, batched into a digest when several are waiting."""

from datetime import UTC, datetime

import time_machine
from django.core import mail

from frontline.accounts import queries as account_queries
from frontline.accounts.models import NotificationKind, Site
from frontline.core.actors import Actor
from frontline.sla import services
from frontline.sla.models import SlaNotification
from frontline.sla.tests.conftest import berlin
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Priority


def breached_ticket(agent, team, *, at):
    """A ticket assigned to ``agent`` whose first response is breached by ``at``."""
    with time_machine.travel(berlin(2025, 3, 4, 10), tick=False):
        ticket = factories.make_ticket(team=team, priority=Priority.URGENT)
        ticket_services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))
    with time_machine.travel(at, tick=False):
        services.sweep()
    return ticket


def deliver_at(moment):
    with time_machine.travel(moment, tick=False):
        return services.deliver_notifications()


def test_a_breach_at_night_reaches_the_assignee_when_their_day_starts(support_hours, agent, team):
    services.update_calendar(
        support_hours, fields=services.CalendarFields(is_default=True), actor=Actor.system()
    )
    factories.make_sla_policy(
        goals=(("first_response", "urgent", 60),), calendar=support_hours, business_hours=False
    )
    agent.time_zone = "America/New_York"
    agent.save()
    breached_ticket(agent, team, at=berlin(2025, 3, 4, 11, 30))

    notification = SlaNotification.objects.get(recipient=agent)
    before = deliver_at(datetime(2025, 3, 4, 13, 59, tzinfo=UTC))
    unread_before = account_queries.unread_notification_count(agent)
    after = deliver_at(datetime(2025, 3, 4, 14, 0, tzinfo=UTC))

    # 11:30 in Berlin is 05:30 in New York; the agent's day starts at 09:00 there.
    assert notification.deliver_after == datetime(2025, 3, 4, 14, 0, tzinfo=UTC)
    assert (before, after) == (0, 1)
    assert (unread_before, account_queries.unread_notification_count(agent)) == (0, 1)
    assert mail.outbox[0].to == [agent.email]
    assert mail.outbox[0].subject.startswith("SLA breached: first response on #")


def test_agents_of_a_site_are_notified_in_their_sites_hours(support_hours, agent, team):
    sydney = Site.objects.create(name="Sydney", time_zone="Australia/Sydney")
    services.update_calendar(
        factories.make_calendar(name="APAC", time_zone="Australia/Sydney"),
        fields=services.CalendarFields(site_id=sydney.pk),
        actor=Actor.system(),
    )
    agent.site = sydney
    agent.save()
    factories.make_sla_policy(goals=(("first_response", "urgent", 60),), calendar=support_hours)
    breached_ticket(agent, team, at=berlin(2025, 3, 4, 11, 30))

    notification = SlaNotification.objects.get(recipient=agent)
    at_night = deliver_at(datetime(2025, 3, 4, 21, 59, tzinfo=UTC))
    in_the_morning = deliver_at(datetime(2025, 3, 4, 22, 0, tzinfo=UTC))

    # 11:30 in Berlin is 21:30 in Sydney: the next morning there, 09:00 = 22:00 UTC.
    assert notification.deliver_after == datetime(2025, 3, 4, 22, 0, tzinfo=UTC)
    assert (at_night, in_the_morning) == (0, 1)
    assert account_queries.notifications_for(agent).get().kind == NotificationKind.SLA_BREACH


def test_several_alerts_for_one_person_go_out_as_one_digest(support_hours, agent, team):
    factories.make_sla_policy(goals=(("first_response", "urgent", 60),), calendar=support_hours)
    for _ in range(3):
        breached_ticket(agent, team, at=berlin(2025, 3, 4, 11, 30))

    sent = deliver_at(berlin(2025, 3, 4, 11, 31))
    again = deliver_at(berlin(2025, 3, 4, 11, 32))

    assert (sent, again) == (3, 0)
    assert [m.subject for m in mail.outbox] == ["3 SLA alerts on your tickets"]
    assert mail.outbox[0].body.count("SLA breached: first response") == 3
    assert set(SlaNotification.objects.values_list("digest_size", flat=True)) == {3}
    digest = account_queries.notifications_for(agent).get()
    assert (digest.kind, digest.title, digest.url) == (
        NotificationKind.SLA_DIGEST,
        "3 SLA alerts on your tickets",
        "/inbox/filter/?sort=due",
    )
    assert digest.excerpt.count("first response breached") == 3


def test_a_notification_reaches_the_workspace_and_opens_the_ticket(
    support_hours, agent, team, client
):
    factories.make_sla_policy(goals=(("first_response", "urgent", 60),), calendar=support_hours)
    ticket = breached_ticket(agent, team, at=berlin(2025, 3, 4, 11, 30))

    deliver_at(berlin(2025, 3, 4, 11, 31))
    client.force_login(agent)
    page = client.get("/accounts/notifications/").content.decode()
    shown = account_queries.notifications_for(agent).get()
    opened = client.get(f"/accounts/notifications/{shown.pk}/")

    assert shown.kind == NotificationKind.SLA_BREACH
    assert shown.title == f"SLA breached: first response on #{ticket.number} {ticket.subject}"
    assert shown.excerpt.startswith("SLA first response breached (due 11:00 Tue 4 Mar)")
    assert shown.title in page
    assert opened.url == f"/tickets/{ticket.number}/"


def test_one_or_two_alerts_go_out_one_by_one(support_hours, agent, team):
    factories.make_sla_policy(goals=(("first_response", "urgent", 60),), calendar=support_hours)
    breached_ticket(agent, team, at=berlin(2025, 3, 4, 11, 30))
    breached_ticket(agent, team, at=berlin(2025, 3, 4, 11, 30))

    deliver_at(berlin(2025, 3, 4, 11, 31))

    assert len(mail.outbox) == 2
    assert all(m.subject.startswith("SLA breached") for m in mail.outbox)
    assert [n.kind for n in account_queries.notifications_for(agent)] == [
        NotificationKind.SLA_BREACH,
        NotificationKind.SLA_BREACH,
    ]


def test_a_failed_email_is_retried_and_the_workspace_gets_it_once(
    support_hours, agent, team, settings
):
    factories.make_sla_policy(goals=(("first_response", "urgent", 60),), calendar=support_hours)
    breached_ticket(agent, team, at=berlin(2025, 3, 4, 11, 30))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1

    delivered = deliver_at(berlin(2025, 3, 4, 11, 31))
    emailed_after_failure = SlaNotification.objects.get().emailed_at
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = deliver_at(berlin(2025, 3, 4, 11, 32))
    once_more = deliver_at(berlin(2025, 3, 4, 11, 33))

    assert (delivered, again, once_more) == (1, 0, 0)
    assert emailed_after_failure is None
    assert SlaNotification.objects.get().emailed_at == berlin(2025, 3, 4, 11, 32)
    assert len(mail.outbox) == 1
    assert account_queries.notifications_for(agent).count() == 1
