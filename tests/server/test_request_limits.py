"""Every request body is capped before anything reads it."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_refuses_a_body_larger_than_the_biggest_upload(client, settings) -> None:
    settings.CLEANNET_FILESCAN_MAX_BYTES = 1000
    body = b"x" * (1000 + 1024 * 1024 + 1)

    response = client.post("/scan/", data=body, content_type="application/octet-stream")

    assert response.status_code == 413


def test_it_lets_a_body_within_the_limit_reach_the_view(client, settings) -> None:
    settings.CLEANNET_FILESCAN_MAX_BYTES = 1000
    response = client.post("/range/ABCDE", data=b"x" * 2000, content_type="text/plain")
    assert response.status_code == 405  # the view answered, not the cap


def test_it_refuses_a_malformed_length(client) -> None:
    response = client.generic("POST", "/scan/", data=b"", CONTENT_LENGTH="ten")
    assert response.status_code == 400
