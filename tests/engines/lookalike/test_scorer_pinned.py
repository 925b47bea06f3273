"""Verdicts pinned for a sample of the evaluation names, so speed work cannot change them
silently. The fixture holds the brands and the verdicts the scorer gave before the work; it is
regenerated only for a deliberate change of the scoring rules."""

import functools
import json
from pathlib import Path
from typing import Any

from cleannet.engines.lookalike.model import Brand
from cleannet.engines.lookalike.scorer import Scorer

FIXTURE = Path(__file__).parent / "fixtures" / "pinned-verdicts.json"


@functools.cache
def pinned() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return document


def scorer() -> Scorer:
    brands = [
        Brand(key, name, tuple(domains), tuple(keywords))
        for key, name, domains, keywords in pinned()["brands"]
    ]
    return Scorer(brands)


def as_pinned(scorer: Scorer, name: str) -> list[Any]:
    verdict = scorer.score(name)
    reasons = [[item.code, item.points, item.detail] for item in verdict.reasons]
    return [name, verdict.score, verdict.brand, verdict.official, reasons]


def test_the_fixture_holds_alerts_officials_and_clean_names():
    verdicts = pinned()["verdicts"]
    assert len(verdicts) >= 300
    assert any(score >= 60 for _, score, *_ in verdicts)
    assert any(official for *_, official, _ in verdicts)
    assert any(score == 0 and not official for _, score, _, official, _ in verdicts)


def test_it_gives_every_pinned_name_its_pinned_verdict():
    current = scorer()
    changed = [
        (expected, got)
        for expected in pinned()["verdicts"]
        if (got := as_pinned(current, expected[0])) != expected
    ]
    assert changed == []


def test_it_gives_the_same_verdicts_when_its_caches_are_warm():
    current = scorer()
    names = [expected[0] for expected in pinned()["verdicts"]]
    first = [as_pinned(current, name) for name in names]
    assert [as_pinned(current, name) for name in names] == first
