"""``{{ obj|localised:"title" }}``: a field's text in the active language."""

from __future__ import annotations

from django import template
from django.db import models

from cleannet.server.encyclopedia.models import localised as _localised

register = template.Library()


@register.filter
def localised(obj: models.Model, field: str) -> str:
    return _localised(obj, field)


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split text on blank lines (bodies are plain text, never HTML)."""
    return [part.strip() for part in text.split("\n\n") if part.strip()]
