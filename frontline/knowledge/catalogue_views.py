"""The categories and sections page of the knowledge base (``/knowledge/categories/``):
everyone on the staff reads it; those who may publish arrange it."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from frontline.accounts.web import staff_required, web_actor
from frontline.core.errors import Conflict, ValidationFailed
from frontline.knowledge import services
from frontline.knowledge.models import Category, Section
from frontline.knowledge.views import SECTION, number, permissions


def _categories_page(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "categories": Category.objects.prefetch_related("sections"),
        "section": SECTION,
        **permissions(request),
        **extra,
    }


@staff_required
def categories(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "knowledge/categories.html", _categories_page(request))
    actor, data = web_actor(request), request.POST
    try:
        if data.get("category"):
            category = get_object_or_404(Category, pk=number(data["category"]))
            services.create_section(category=category, name=data.get("name", ""), actor=actor)
        else:
            services.create_category(
                name=data.get("name", ""), description=data.get("description", ""), actor=actor
            )
    except (ValidationFailed, Conflict) as error:
        context = _categories_page(request, error=error)
        return render(request, "knowledge/categories.html", context, status=422)
    messages.success(request, "Added.")
    return redirect("knowledge:categories")


@require_POST
@staff_required
def category_change(request: HttpRequest, category_id: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=category_id)
    actor, data = web_actor(request), request.POST
    try:
        if data.get("action") == "delete":
            services.delete_category(category, actor=actor)
        else:
            services.update_category(
                category,
                name=data.get("name"),
                description=data.get("description"),
                position=number(data.get("position")) if "position" in data else None,
                actor=actor,
            )
    except (ValidationFailed, Conflict) as error:
        context = _categories_page(request, error=error)
        return render(request, "knowledge/categories.html", context, status=422)
    return redirect("knowledge:categories")


@require_POST
@staff_required
def section_change(request: HttpRequest, section_id: int) -> HttpResponse:
    section = get_object_or_404(Section, pk=section_id)
    actor, data = web_actor(request), request.POST
    try:
        if data.get("action") == "delete":
            services.delete_section(section, actor=actor)
        else:
            services.update_section(section, name=data.get("name"), actor=actor)
    except (ValidationFailed, Conflict) as error:
        context = _categories_page(request, error=error)
        return render(request, "knowledge/categories.html", context, status=422)
    return redirect("knowledge:categories")
