"""The shared previous/next links of paged lists (owner reports, triage, campaigns, exposure)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation


def test_it_links_both_ways_keeping_the_other_parameters() -> None:
    page = Paginator(range(30), 10).get_page(2)
    with translation.override("en"):
        html = render_to_string("_pagination.html", {"page": page, "query": "state=open"})
    assert 'href="?state=open&amp;page=1" rel="prev"' in html
    assert 'href="?state=open&amp;page=3" rel="next"' in html
    assert "Page 2 of 3" in html


def test_it_says_nothing_for_a_single_page() -> None:
    page = Paginator(range(5), 10).get_page(1)
    assert "<nav" not in render_to_string("_pagination.html", {"page": page})


def test_the_exposure_list_keeps_its_state_filter() -> None:
    page = Paginator(range(30), 10).get_page(1)
    html = render_to_string("exposure/workspace_pages.html", {"page": page, "state": "fixed"})
    assert 'href="?state=fixed&amp;page=2"' in html
