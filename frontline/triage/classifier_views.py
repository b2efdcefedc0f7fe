"""The workspace page of classifier accuracy (supervisors, head of support, admins)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontline.accounts.permissions import can_manage_routing
from frontline.accounts.web import staff_required, web_actor
from frontline.triage.classifier import config
from frontline.triage.classifier.accuracy import accuracy_report
from frontline.triage.models import TriageModel


@require_GET
@staff_required
def accuracy(request: HttpRequest) -> HttpResponse:
    user = web_actor(request).user
    if user is None or not can_manage_routing(user):
        raise DjangoPermissionDenied("Classifier accuracy is for supervisors and administrators.")
    models = list(TriageModel.objects.defer("estimator").order_by("field", "-version")[:30])
    fields = sorted({m.field for m in models})
    context = {
        "report": accuracy_report(),
        "models": models,
        "thresholds": {field: config.threshold(field) for field in fields},
        "retrain_after": config.option("retrain_after"),
        "section": "triage",
    }
    return render(request, "triage/classifier/accuracy.html", context)
