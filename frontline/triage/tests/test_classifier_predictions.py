import pytest
from django.urls import reverse

from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Priority, Status
from frontline.triage.classifier import registry, training
from frontline.triage.models import TriagePrediction
from frontline.triage.tests.classifier_fixtures import categories, solved_tickets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_models():
    registry.reset()


@pytest.fixture
def trained(settings):
    settings.TRIAGE_CLASSIFIER = {"min_examples": 12, "min_per_label": 3}
    solved_tickets(8)
    result = training.train_field("category")
    assert result.model is not None
    return result.model


def _open(subject, body, **options):
    return services.open_ticket(
        customer=factories.make_customer(),
        subject=subject,
        body=body,
        actor=Actor.system(),
        **options,
    )


def test_a_confident_prediction_is_applied_by_the_system(
    trained, settings, django_capture_on_commit_callbacks
):
    settings.TRIAGE_CLASSIFIER = {"thresholds": {"category": 0.5}}
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _open("invoice charged twice", "Please refund the payment on my card bill")

    ticket.refresh_from_db()
    prediction = TriagePrediction.objects.get(ticket=ticket)
    assert ticket.category.slug == "billing"
    assert prediction.applied
    assert prediction.value == "billing"
    assert prediction.model_version == trained.version
    assert prediction.confidence >= 0.5
    change = ticket.events.get(type="category_changed")
    assert change.actor_type == "system"


def test_an_unsure_prediction_stays_a_suggestion(
    trained, settings, django_capture_on_commit_callbacks
):
    settings.TRIAGE_CLASSIFIER = {"thresholds": {"category": 0.9}}
    with django_capture_on_commit_callbacks(execute=True):  # none of the topics' words
        ticket = _open("Hello there", "Good morning, a quick question for you")

    ticket.refresh_from_db()
    prediction = TriagePrediction.objects.get(ticket=ticket)
    assert ticket.category is None
    assert not prediction.applied
    assert prediction.confidence < 0.9


def test_a_field_already_set_is_not_predicted(trained, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _open("invoice charged twice", "refund", category=categories()["login"])

    assert not TriagePrediction.objects.exists()


def test_without_a_model_creation_asks_nothing_more_once_the_stamp_is_cached(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    customer = factories.make_customer()
    registry.active_stamp()  # the stamp {} is cached
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.open_ticket(customer=customer, subject="Hi", body="Hello", actor=Actor.system())
    assert not any("_predict" in repr(c) for c in callbacks)


def test_solving_scores_predictions_against_what_agents_set(
    trained, settings, django_capture_on_commit_callbacks, agent, api_as, supervisor
):
    settings.TRIAGE_CLASSIFIER = {"thresholds": {"category": 0.0}}
    cats = categories()
    with django_capture_on_commit_callbacks(execute=True):
        kept = _open("invoice charged twice", "refund my card payment bill")
        changed = _open("parcel tracking courier late", "where is my package delivery")
    # An agent decides the second one was about signing in after all.
    services.update_ticket(
        changed, changes=services.TicketChanges(category=cats["login"]), actor=Actor.system()
    )
    for ticket in (kept, changed):
        services.update_ticket(
            ticket, changes=services.TicketChanges(status=Status.SOLVED), actor=Actor.system()
        )

    marks = dict(TriagePrediction.objects.values_list("ticket_id", "correct"))
    assert marks == {kept.pk: True, changed.pk: False}
    body = api_as(supervisor).get("/api/v1/triage/accuracy").json()
    (category,) = body["fields"]
    assert category["field"] == "category"
    assert category["model_version"] == trained.version
    assert (category["predictions"], category["applied"], category["correct"]) == (2, 2, 1)
    assert category["applied_accuracy"] == 0.5
    assert category["coverage"] == 1.0
    labels = {label["label"]: label for label in category["labels"]}
    assert labels["shipping"]["correct"] == 0
    assert labels["billing"]["precision"] == 1.0


def test_the_accuracy_page_shows_figures_and_the_ticket_panel_the_prediction(
    trained,
    settings,
    client,
    supervisor,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    settings.TRIAGE_CLASSIFIER = {"thresholds": {"category": 0.0}}
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _open("invoice charged twice", "refund my card payment bill")
    client.force_login(supervisor)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("triage:classifier-accuracy"))
    ticket_page = client.get(reverse("tickets:ticket", args=[ticket.number]))

    assert page.status_code == 200
    assert "Category · model v1" in page.content.decode()
    assert 'aria-current="page">Triage</a>' in page.content.decode()  # under Triage
    assert f"Category <strong>billing</strong> predicted (model v{trained.version}" in (
        ticket_page.content.decode()
    )


def test_agents_and_customers_are_refused_the_figures(client, agent, api_as, customer):
    client.force_login(agent)
    assert client.get(reverse("triage:classifier-accuracy")).status_code == 403
    assert api_as(agent).get("/api/v1/triage/accuracy").status_code == 403
    assert api_as(customer.user).get("/api/v1/triage/accuracy").status_code == 403
    assert api_as(None).get("/api/v1/triage/accuracy").status_code == 401


def test_a_predicted_priority_needs_the_default_priority(
    settings, django_capture_on_commit_callbacks
):
    settings.TRIAGE_CLASSIFIER = {"min_examples": 12, "min_per_label": 3}
    for ticket in solved_tickets(6):
        urgent = ticket.category is not None and ticket.category.slug == "login"
        priority = Priority.URGENT if urgent else Priority.LOW
        services.update_ticket(
            ticket, changes=services.TicketChanges(priority=priority), actor=Actor.system()
        )
    assert training.train_field("priority").model is not None
    settings.TRIAGE_CLASSIFIER = {"thresholds": {"priority": 0.0}}

    with django_capture_on_commit_callbacks(execute=True):
        chosen = _open("password locked", "reset my login code", priority=Priority.HIGH)
        default = _open("password locked", "reset my login account code")

    chosen.refresh_from_db()
    default.refresh_from_db()
    assert chosen.priority == Priority.HIGH
    assert not TriagePrediction.objects.filter(ticket=chosen).exists()
    assert default.priority == Priority.URGENT
