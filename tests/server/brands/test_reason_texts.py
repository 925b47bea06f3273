"""Reasons on pages: every scorer reason code has a translatable sentence, in both languages."""

from __future__ import annotations

import pytest
from django.utils import translation

from cleannet.engines.lookalike.reasons import TEXTS as ENGINE_TEXTS
from cleannet.engines.lookalike.reasons import reason
from cleannet.server.brands.templatetags.brand_reasons import TEXTS, reason_text


def test_it_has_a_sentence_for_every_reason_code_of_the_scorer() -> None:
    assert set(TEXTS) == set(ENGINE_TEXTS)


@pytest.mark.parametrize("code", sorted(ENGINE_TEXTS))
def test_it_says_in_english_what_the_scorer_says(code: str) -> None:
    made = reason(code, 10, "vietcombank")
    stored = {"code": made.code, "text": made.text, "points": 10, "detail": made.detail}
    with translation.override("en"):
        assert reason_text(stored) == made.text


def test_it_says_it_in_vietnamese() -> None:
    stored = {"code": "lure-word", "text": "A lure word fakes use: xacminh.", "detail": "xacminh"}
    with translation.override("vi"):
        shown = reason_text(stored)
    assert "xacminh" in shown
    assert shown != stored["text"]


def test_it_shows_the_stored_text_for_a_code_it_does_not_know() -> None:
    assert reason_text({"code": "new-code", "text": "Something new."}) == "Something new."
