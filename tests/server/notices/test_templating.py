"""Notice templates: the shipped defaults, the choice of template and the checks before saving."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.template import TemplateSyntaxError
from django.utils import translation

from cleannet.server.intel import services as intel
from cleannet.server.notices.models import NoticeTemplate
from cleannet.server.notices.template_engine import sms_parts
from cleannet.server.notices.templating import (
    NoTemplate,
    Rendered,
    preview,
    render_notice,
    render_template,
    sample_context,
    shipped_default,
    validate_template,
)

SUBSCRIBER = [
    ("subscriber_warning", channel, stage)
    for channel in ("email", "sms", "page")
    for stage in ("first", "reminder", "final", "reinfected")
]
SHIPPED = [(*combo, lang) for combo in [*SUBSCRIBER, ("owner_report", "email", "first")]
           for lang in ("vi", "en")]  # fmt: skip


def _sample(kind: str, stage: str, language: str) -> dict:
    context = sample_context(kind, language)
    if kind == "subscriber_warning":
        context.update(stage=stage, reinfected=stage == "reinfected")
    return context


@pytest.mark.parametrize(("kind", "channel", "stage", "language"), SHIPPED)
def test_it_ships_a_default_that_renders_and_passes_its_own_checks(
    kind, channel, stage, language
) -> None:
    subject, body = shipped_default(kind, channel, stage, language)
    rendered = render_template(subject, body, channel, language, _sample(kind, stage, language))

    if channel != "sms":  # the SMS leaves the ticket to the page it links
        assert ("W-2026-000123" if kind == "subscriber_warning" else "R-2026") in rendered.body
    if channel == "email":
        assert rendered.subject.startswith("[")
    if kind == "subscriber_warning":
        assert "/notice/" in rendered.body
    if channel == "sms":
        # Vietnamese goes as UCS-2: two parts is 134 characters; English fits GSM-7.
        assert sms_parts(rendered.body) <= 2, rendered.body
    # The shipped text passes the same checks as a template saved in the back office.
    validate_template(
        NoticeTemplate(kind=kind, channel=channel, stage=stage, language=language,
                       subject=subject, body=body)
    )  # fmt: skip


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_writes_the_language_asked_for(language) -> None:
    subject, body = shipped_default("subscriber_warning", "email", "first", language)
    rendered = render_template(
        subject, body, "email", language, _sample("subscriber_warning", "first", language)
    )
    marker = "Kính gửi Quý khách" if language == "vi" else "Dear customer"
    assert marker in rendered.body
    # The anti-phishing line and the links a subscriber needs are there.
    assert ("KHÔNG BAO GIỜ" if language == "vi" else "NEVER") in rendered.body
    assert "https://cleannet.example/tools/" in rendered.body
    assert "https://cleannet.example/malware/mirai/" in rendered.body


def test_it_escapes_values_on_the_page_but_not_in_mail() -> None:
    context = {**_sample("subscriber_warning", "first", "en"), "family": "<b>Evil & Co</b>"}
    page = render_template("{{ family }}", "{{ family }} {{ page_url }}", "page", "en", context)
    mail = render_template("{{ family }}", "{{ family }}", "email", "en", context)
    assert page.body.startswith("&lt;b&gt;Evil &amp; Co&lt;/b&gt;")
    assert mail == Rendered(subject="<b>Evil & Co</b>", body="<b>Evil & Co</b>")


def test_it_shows_dates_in_the_local_time_and_the_notice_language() -> None:
    context = {"when": dt.datetime(2026, 3, 3, 21, 40, tzinfo=dt.UTC)}
    text = '{{ when|date:"H:i j F Y" }}'
    assert render_template("", text, "sms", "en", context).body == "04:40 4 March 2026"
    assert render_template("", text, "sms", "vi", context).body.startswith("04:40 4 ")


def test_it_counts_sms_parts_like_a_handset() -> None:
    assert sms_parts("a" * 160) == 1
    assert sms_parts("a" * 161) == 2
    assert sms_parts("[" * 80) == 1  # an extension character costs two septets
    assert sms_parts("ạ" * 70) == 1
    assert sms_parts("ạ" * 71) == 2
    assert sms_parts("ạ" * 134) == 2
    assert sms_parts("ạ" * 135) == 3


@pytest.mark.django_db
def test_it_renders_the_shipped_text_from_a_fresh_database() -> None:
    assert not NoticeTemplate.objects.exists()
    rendered = render_notice(
        "subscriber_warning", "email", "first", "vi", "mirai",
        _sample("subscriber_warning", "first", "vi"),
    )  # fmt: skip
    assert rendered.subject.startswith("[W-2026-000123] Cảnh báo")


@pytest.mark.django_db
def test_it_says_so_when_nothing_exists_for_a_combination() -> None:
    with pytest.raises(NoTemplate):
        render_notice("owner_report", "sms", "first", "vi", "", sample_context("owner_report"))


@pytest.fixture
def rows(db) -> dict[str, NoticeTemplate]:
    mirai = intel.add_family(None, "Mirai", "botnet", ["Okiru"])
    common = {"kind": "subscriber_warning", "channel": "sms", "stage": "first", "language": "vi"}
    return {
        "default": NoticeTemplate.objects.create(**common, body="default {{ page_url }}"),
        "mirai": NoticeTemplate.objects.create(**common, family=mirai, body="mirai {{ page_url }}"),
    }


@pytest.mark.parametrize("family", ["Mirai", "MIRAI", "win.mirai", "okiru"])
def test_it_prefers_the_familys_template_by_name_or_alias(rows, family) -> None:
    context = _sample("subscriber_warning", "first", "vi")
    rendered = render_notice("subscriber_warning", "sms", "first", "vi", family, context)
    assert rendered.body.startswith("mirai ")


@pytest.mark.parametrize("family", ["Emotet", ""])
def test_it_falls_back_to_the_default_row_before_the_shipped_text(rows, family) -> None:
    context = _sample("subscriber_warning", "first", "vi")
    rendered = render_notice("subscriber_warning", "sms", "first", "vi", family, context)
    assert rendered.body.startswith("default ")


@pytest.mark.django_db
def test_it_previews_with_the_encyclopedias_removal_steps() -> None:
    rendered = preview("subscriber_warning", "email", "first", "en", "mozi")
    assert "Mozi" in rendered.subject
    # From the shipped encyclopedia page (the IoT guide), not the sample's three steps.
    assert "5. " in rendered.body


def _template(**fields) -> NoticeTemplate:
    values = {
        "kind": "subscriber_warning", "channel": "email", "stage": "first", "language": "vi",
        "subject": "[{{ ticket }}] Cảnh báo", "body": "Mã phiếu {{ ticket }}: {{ page_url }}",
    }  # fmt: skip
    return NoticeTemplate(**{**values, **fields})


def _refusal(template: NoticeTemplate) -> dict[str, list[str]]:
    # The reasons are translated; the assertions read the English text.
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_template(template)
    return caught.value.message_dict


def test_it_accepts_a_plain_template() -> None:
    validate_template(_template())


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"body": "{% if ticket %}{{ page_url }}"}, "body", "does not compile"),
        ({"body": "{{ ticket|nosuchfilter }} {{ page_url }}"}, "body", "nosuchfilter"),
        ({"subject": "{% if ticket %}{{ ticket }}"}, "subject", "does not compile"),
        ({"body": '{% include "/etc/passwd" %}{{ page_url }}'}, "body", "include"),
        ({"body": '{% extends "base.html" %}{{ page_url }}'}, "body", "extends"),
        ({"body": "{% load i18n %}{{ page_url }}"}, "body", "load"),
        ({"body": "{% debug %}{{ page_url }}"}, "body", "debug"),
        ({"body": "Mã phiếu {{ ticket }}"}, "body", "page_url"),
        ({"body": "{{ ticket }} {{ page_ur }} {{ page_url }}"}, "body", "page_ur"),
        ({"body": "{{ ticket.number }} {{ page_url }}"}, "body", "ticket.number"),
        ({"subject": ""}, "subject", "subject"),
        ({"channel": "sms", "body": "{{ page_url }} " + "ạ" * 268}, "body", "5 parts"),
        (
            {"kind": "owner_report", "subject": "Báo cáo", "body": "{{ organisation }}"},
            "body",
            "ticket",
        ),
    ],
)
def test_it_refuses_a_template_naming_the_field(fields, field, reason) -> None:
    refusal = _refusal(_template(**fields))
    assert list(refusal) == [field]
    assert reason in " ".join(refusal[field])


def test_it_refuses_forbidden_tags_even_when_sending() -> None:
    with pytest.raises(TemplateSyntaxError):
        render_template("", '{% include "notices/page.html" %}', "email", "en", {})
