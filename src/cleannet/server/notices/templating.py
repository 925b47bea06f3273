"""Rendering notices from templates: the back office's rows first, the shipped files last.

``render_notice`` picks the template of (kind, channel, stage, language) for the family
(a ``NoticeTemplate`` row of that family, found by name or alias), else the row without a
family, else the shipped file ``templates/notices/defaults/<kind>/<channel>_<stage>.<lang>.txt``
(for e-mail and the page its first line is the subject, for SMS it is all body), so a fresh
database sends sensible text. ``validate_template`` is what the back office checks before a
row is saved: a template that passes renders when sending.

The template language is Django's, cut down (``template_engine``). E-mail and SMS are plain
text; the page channel's body escapes the values (it is shown in HTML) and is returned as
safe text: keep it as returned, or mark it safe again after reading it back.

Sending renders thousands of notices a minute, so nothing is read twice: the rows are held
in memory per process (``_Rows``) and compiled texts are kept by their text
(``template_engine.compile_text``). A template saved in this process is seen by the next
render; one saved by another process within ``VERSION_CHECK_SECONDS`` (the rows' count and
latest ``updated_at`` are read at most that often); anything else (a renamed family, a new
alias) within ``template_context.FAMILY_TTL_SECONDS``.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.template import Template, TemplateSyntaxError
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cleannet.core.errors import CleanNetError
from cleannet.server.intel.models import MalwareAlias
from cleannet.server.intel.naming import alias_key
from cleannet.server.notices.models import NoticeTemplate
from cleannet.server.notices.template_context import (
    FAMILY_TTL_SECONDS,
    LookupCache,
    family_details,
    sample_context,
)
from cleannet.server.notices.template_engine import (
    UNKNOWN_MARK,
    compile_text,
    escapes,
    render_text,
    sms_parts,
    tidy_body,
    tidy_subject,
)
from cleannet.server.notices.vocabulary import Channel, NoticeKind, Stage

__all__ = [
    "DEFAULTS_DIR",
    "SMS_MAX_PARTS",
    "VERSION_CHECK_SECONDS",
    "NoTemplate",
    "Rendered",
    "preview",
    "preview_template",
    "render_notice",
    "render_template",
    "sample_context",
    "shipped_default",
    "validate_template",
]

DEFAULTS_DIR = Path(__file__).with_name("templates") / "notices" / "defaults"
SMS_MAX_PARTS = 4
VERSION_CHECK_SECONDS = 1.0
"""How often at most a process asks whether the templates changed elsewhere."""
_HAS_SUBJECT = frozenset({Channel.EMAIL, Channel.PAGE})


class NoTemplate(CleanNetError):
    """Neither a ``NoticeTemplate`` row nor a shipped file for this kind/channel/stage/language."""


@dataclass(frozen=True)
class Rendered:
    """A rendered notice: ``subject`` on one line ("" for SMS), ``body`` without blank-line
    runs or trailing spaces (HTML-escaped values for the page channel)."""

    subject: str
    body: str


@dataclass(frozen=True)
class _Source:
    subject: str
    body: str


def _shipped_path(kind: str, channel: str, stage: str, language: str) -> Path:
    return DEFAULTS_DIR / kind / f"{channel}_{stage}.{language}.txt"


@lru_cache(maxsize=128)
def shipped_default(kind: str, channel: str, stage: str, language: str) -> tuple[str, str]:
    """Return the shipped (subject, body) text of a combination (subject "" for SMS).

    Raises ``NoTemplate`` when no file is shipped for it.
    """
    path = _shipped_path(kind, channel, stage, language)
    if not path.is_file():
        raise NoTemplate(f"no template for {kind}/{channel}/{stage}/{language}")
    text = path.read_text(encoding="utf-8")
    if channel not in _HAS_SUBJECT:
        return "", text
    subject, _newline, body = text.partition("\n")
    return subject, body


_Combination = tuple[str, str, str, str]  # kind, channel, stage, language


@dataclass(frozen=True)
class _FamilyRow:
    upper_name: str  # the family's name as ``iexact`` compares it
    alias_keys: frozenset[str]
    source: _Source


@dataclass
class _Rows:
    """Every ``NoticeTemplate`` row (a few hundred at most), by combination."""

    version: tuple[object, ...] = ()
    defaults: dict[_Combination, _Source] = dataclasses.field(default_factory=dict)
    families: dict[_Combination, list[_FamilyRow]] = dataclasses.field(default_factory=dict)
    checked_at: float = float("-inf")


def _version() -> tuple[object, ...]:
    # Saving in the back office stamps ``updated_at``; a deletion lowers the count.
    found = NoticeTemplate.objects.order_by().aggregate(
        n=Count("id"), top=Max("id"), latest=Max("updated_at")
    )
    return found["n"], found["top"], found["latest"]


def _load_rows(version: tuple[object, ...]) -> _Rows:
    rows = _Rows(version=version, checked_at=time.monotonic())
    templates = list(NoticeTemplate.objects.select_related("family").order_by("family__name"))
    family_ids = {row.family_id for row in templates if row.family_id is not None}
    aliases: dict[int, set[str]] = {}
    for family_id, alias in MalwareAlias.objects.filter(family_id__in=family_ids).values_list(
        "family_id", "alias"
    ):
        aliases.setdefault(family_id, set()).add(alias)
    for row in templates:
        combination = (row.kind, row.channel, row.stage, row.language)
        source = _Source(row.subject, row.body)
        if row.family is None:
            rows.defaults[combination] = source
            continue
        entry = _FamilyRow(
            row.family.name.upper(), frozenset(aliases.get(row.family.pk, ())), source
        )
        rows.families.setdefault(combination, []).append(entry)
    return rows


_ROWS: LookupCache[_Rows] = LookupCache(FAMILY_TTL_SECONDS, max_entries=1)


def _current_rows() -> _Rows:
    """The rows held in memory, read again when they changed (see the module's docstring)."""
    rows = _ROWS.get("rows", lambda: _load_rows(_version()))
    if time.monotonic() - rows.checked_at < VERSION_CHECK_SECONDS:
        return rows
    version = _version()
    if version != rows.version:
        rows = _load_rows(version)
        _ROWS.put("rows", rows)
    rows.checked_at = time.monotonic()
    return rows


def _row(kind: str, channel: str, stage: str, language: str, family: str) -> _Source | None:
    """The family's row (by name, case-insensitive, or alias), else the default row, else
    None."""
    rows = _current_rows()
    combination = (kind, channel, stage, language)
    key = alias_key(family)
    if key:
        upper_name = family.strip().upper()
        for entry in rows.families.get(combination, ()):
            if entry.upper_name == upper_name or key in entry.alias_keys:
                return entry.source
    return rows.defaults.get(combination)


def _source(kind: str, channel: str, stage: str, language: str, family: str) -> _Source:
    row = _row(kind, channel, stage, language, family)
    if row is not None:
        return row
    return _Source(*shipped_default(kind, channel, stage, language))


def render_template(
    subject: str, body: str, channel: str, language: str, context: dict[str, Any]
) -> Rendered:
    """Render a template's subject and body text in ``language`` (dates, month names).

    Raises ``TemplateSyntaxError`` for text that does not compile (or uses a tag that is
    not allowed).
    """
    subject_template, body_template = compile_text(subject), compile_text(body)
    return _render(subject_template, body_template, channel, language, context)


def _render(
    subject: Template, body: Template, channel: str, language: str, context: dict[str, Any]
) -> Rendered:
    with translation.override(language):
        rendered_subject = render_text(subject, context, channel)
        rendered_body = render_text(body, context, channel)
    subject_text = tidy_subject(rendered_subject) if channel in _HAS_SUBJECT else ""
    body_text = tidy_body(rendered_body)
    if escapes(channel):
        # Escaped when rendered; tidying whitespace keeps it so (and ``|linebreaks`` in the
        # page must not escape it twice).
        return Rendered(subject=mark_safe(subject_text), body=mark_safe(body_text))  # noqa: S308
    return Rendered(subject=subject_text, body=body_text)


def render_notice(
    kind: str, channel: str, stage: str, language: str, family: str, context: dict[str, Any]
) -> Rendered:
    """Render the notice of (kind, channel, stage, language) for ``family`` with ``context``.

    The family's ``NoticeTemplate`` (by name, case-insensitive, or alias) wins over the row
    without a family, which wins over the shipped file. Raises ``NoTemplate`` when there is
    none of the three.
    """
    source = _source(kind, channel, stage, language, family)
    return render_template(source.subject, source.body, channel, language, context)


def _sample_for(kind: str, stage: str, language: str, family: str = "") -> dict[str, Any]:
    context = sample_context(kind, language)
    if kind == NoticeKind.SUBSCRIBER_WARNING:
        context.update(stage=stage, reinfected=stage == Stage.REINFECTED)
        if family:
            name, url, steps = family_details(family, language)
            context.update(family=name, family_url=url)
            context["removal_steps"] = steps or context["removal_steps"]
    return context


def preview(kind: str, channel: str, stage: str, language: str, family: str = "") -> Rendered:
    """Render what ``render_notice`` would send for ``family`` with the sample context
    (the family's encyclopedia name and removal steps when it has a page)."""
    context = _sample_for(kind, stage, language, family)
    return render_notice(kind, channel, stage, language, family, context)


def preview_template(template: NoticeTemplate) -> Rendered:
    """Render ``template``'s own text with the sample context (its family's name and
    removal steps when it has one). Raises ``TemplateSyntaxError`` when it does not compile."""
    family = template.family.name if template.family is not None else ""
    context = _sample_for(template.kind, template.stage, template.language, family)
    return render_template(
        template.subject, template.body, template.channel, template.language, context
    )


# Placeholders a notice must show: the ticket number always; for subscribers, the page link.
_REQUIRED: dict[str, tuple[str, ...]] = {
    NoticeKind.SUBSCRIBER_WARNING: ("ticket", "page_url"),
    NoticeKind.OWNER_REPORT: ("ticket",),
}
_REQUIRED_SMS = ("page_url",)


def _compiled(field: str, text: str) -> Template:
    try:
        return compile_text(text, strict=True)
    except TemplateSyntaxError as exc:
        raise ValidationError({field: _("This template does not compile: %s") % exc}) from exc


def _rendered(template: NoticeTemplate, context: dict[str, Any]) -> Rendered:
    subject = _compiled("subject", template.subject)
    body = _compiled("body", template.body)
    try:
        rendered = _render(subject, body, template.channel, template.language, context)
    except Exception as exc:  # any error a filter raises on the sample is the template's fault
        raise ValidationError({"body": _("This template does not render: %s") % exc}) from exc
    for field, text in (("subject", rendered.subject), ("body", rendered.body)):
        start = text.find(UNKNOWN_MARK.partition("%s")[0])
        if start >= 0:
            unknown = text[start:].partition("\u27e7")[0].partition(":")[2]
            raise ValidationError(
                {field: _("%(name)s is not a value notices know.") % {"name": unknown}}
            )
    return rendered


def _check_content(template: NoticeTemplate, rendered: Rendered, context: dict[str, Any]) -> None:
    required = _REQUIRED_SMS if template.channel == Channel.SMS else _REQUIRED[template.kind]
    shown = rendered.subject + "\n" + rendered.body
    for name in required:
        if str(context[name]) not in shown:
            raise ValidationError(
                {"body": _("The text must show {{ %(name)s }}.") % {"name": name}}
            )
    if template.channel == Channel.EMAIL and not rendered.subject:
        raise ValidationError({"subject": _("An e-mail needs a subject.")})
    if template.channel == Channel.SMS and sms_parts(rendered.body) > SMS_MAX_PARTS:
        raise ValidationError(
            {
                "body": _("The SMS takes %(parts)d parts; at most %(limit)d are sent.")
                % {"parts": sms_parts(rendered.body), "limit": SMS_MAX_PARTS}
            }
        )


def validate_template(template: NoticeTemplate) -> None:
    """Check that ``template`` renders with the sample context before it is saved.

    Raises ``ValidationError`` naming ``subject`` or ``body`` when the text does not
    compile (syntax, unknown filter, a tag that is not allowed such as ``{% include %}``),
    names a value notices do not know, does not show a required placeholder
    (``{{ ticket }}``; ``{{ page_url }}`` for subscriber warnings; only ``{{ page_url }}``
    in an SMS), lacks an e-mail subject, or makes an SMS longer than ``SMS_MAX_PARTS``.
    """
    context = _sample_for(template.kind, template.stage, template.language)
    rendered = _rendered(template, context)
    _check_content(template, rendered, context)
