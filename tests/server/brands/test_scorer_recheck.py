"""The scorer re-reads the registry's fingerprint at most every few seconds, except after a
change made in this process, which it follows at once."""

import dataclasses

import pytest
from django.core.cache import cache
from django.utils import timezone

from cleannet.server.brands import services
from cleannet.server.brands.models import Brand

pytestmark = pytest.mark.django_db

NEW_KEYWORD_HOST = "nganhangdemo-dangnhap.com"


def change_elsewhere(brand) -> None:
    """A keyword change as another process's looks from here: no signal in this process."""
    Brand.objects.filter(pk=brand.pk).update(
        keywords="demobank;nganhangdemo", updated_at=timezone.now()
    )


def test_it_keeps_the_scorer_until_the_fingerprint_is_read_again(brand) -> None:
    first = services.current_scorer()
    change_elsewhere(brand)
    assert services.current_scorer() is first
    assert services.current_scorer().score(NEW_KEYWORD_HOST).brand != "demobank"
    cache.delete(services.FINGERPRINT_CACHE_KEY)  # as when the recheck time has passed
    assert services.current_scorer().score(NEW_KEYWORD_HOST).brand == "demobank"


def test_it_asks_the_database_every_time_with_zero_seconds(brand, settings) -> None:
    settings.CLEANNET_BRANDS = dataclasses.replace(
        settings.CLEANNET_BRANDS, scorer_recheck_seconds=0
    )
    services.current_scorer()
    change_elsewhere(brand)
    assert services.current_scorer().score(NEW_KEYWORD_HOST).brand == "demobank"


def test_a_save_in_this_process_is_followed_at_once(brand) -> None:
    first = services.current_scorer()
    brand.keywords = "demobank;nganhangdemo"
    brand.updated_at = timezone.now()
    brand.save()
    assert services.current_scorer() is not first
    assert services.current_scorer().score(NEW_KEYWORD_HOST).brand == "demobank"


def test_it_skips_the_fingerprint_queries_while_it_is_recent(brand, django_assert_num_queries):
    services.current_scorer()
    with django_assert_num_queries(0):
        services.current_scorer()
