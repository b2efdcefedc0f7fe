"""The active models, loaded once per process and reloaded when the active version changes.

The stamp — which version of each field is active — lives in the shared cache (Redis in
production), so a check costs no database query; a missing stamp costs one indexed query
(``triage_model_active``), and a store or activation deletes it on commit. Estimators are
unpickled only when their version is not the one this process already holds.
"""

from __future__ import annotations

import threading

from django.core.cache import cache

from frontline.triage.classifier.model import TextClassifier
from frontline.triage.models import TriageModel

STAMP_KEY = "triage:classifier:active"
# A process whose cache is local (no Redis) still sees another process's new version soon.
STAMP_SECONDS = 60

_lock = threading.Lock()
_loaded: dict[str, tuple[int, TextClassifier]] = {}  # field: (model id, classifier)


def active_stamp() -> dict[str, tuple[int, int]]:
    """``{field: (model id, version)}`` of the active models; empty when none is trained."""
    stamp: dict[str, tuple[int, int]] | None = cache.get(STAMP_KEY)
    if stamp is None:
        stamp = read_stamp()
        cache.set(STAMP_KEY, stamp, STAMP_SECONDS)
    return stamp


def read_stamp() -> dict[str, tuple[int, int]]:
    rows = TriageModel.objects.filter(is_active=True).values_list("field", "pk", "version")
    return {field: (pk, version) for field, pk, version in rows}


def known_to_be_empty() -> bool:
    """True only when the cached stamp says no model is active; asks no database."""
    return bool(cache.get(STAMP_KEY) == {})


def classifier(field: str, model_id: int) -> TextClassifier | None:
    with _lock:
        held = _loaded.get(field)
    if held is not None and held[0] == model_id:
        return held[1]
    blob = TriageModel.objects.filter(pk=model_id).values_list("estimator", flat=True).first()
    if blob is None:
        return None
    loaded = TextClassifier.loads(bytes(blob))
    with _lock:
        _loaded[field] = (model_id, loaded)  # the older version is no longer needed
    return loaded


def forget() -> None:
    cache.delete(STAMP_KEY)


def reset() -> None:
    """Drop the loaded models (tests: ids come back after a rolled-back transaction)."""
    with _lock:
        _loaded.clear()
