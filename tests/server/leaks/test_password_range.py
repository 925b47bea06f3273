"""``GET /range/{5 hex}``: the Pwned Passwords range API over every breach's passwords."""

from __future__ import annotations

import hashlib

import pytest

pytestmark = pytest.mark.django_db

# SHA-1 and NTLM of "123456" and "password", as Pwned Passwords serves them.
SHA1_123456 = hashlib.sha1(b"123456", usedforsecurity=False).hexdigest().upper()
NTLM_PASSWORD = "8846F7EAEE8FB117AD06BDD830B7586C"


def _lines(response) -> dict[str, int]:
    body = response.content.decode()
    assert "\n" not in body.replace("\r\n", "")  # CRLF only
    return {s: int(c) for s, _, c in (line.partition(":") for line in body.split("\r\n") if line)}


def test_it_answers_suffixes_and_counts_summed_over_breaches(client, breaches) -> None:
    response = client.get(f"/range/{SHA1_123456[:5]}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert _lines(response)[SHA1_123456[5:]] == 6  # three times in each of two breaches
    assert all(len(suffix) == 35 and suffix == suffix.upper() for suffix in _lines(response))


def test_it_takes_a_lower_case_prefix(client, breaches) -> None:
    response = client.get(f"/range/{SHA1_123456[:5].lower()}")
    assert _lines(response)[SHA1_123456[5:]] == 6


def test_it_answers_ntlm_suffixes_in_ntlm_mode(client, breaches) -> None:
    response = client.get(f"/range/{NTLM_PASSWORD[:5]}", {"mode": "ntlm"})

    assert _lines(response) == {NTLM_PASSWORD[5:]: 2}
    assert SHA1_123456[5:] not in response.content.decode()


def test_it_pads_the_answer_with_zero_counts_on_request(client, breaches) -> None:
    response = client.get(f"/range/{SHA1_123456[:5]}", headers={"Add-Padding": "true"})

    lines = _lines(response)
    assert 800 <= len(lines) <= 1001
    assert lines[SHA1_123456[5:]] == 6
    assert sum(1 for count in lines.values() if count == 0) == len(lines) - 1
    assert response["Vary"] == "Add-Padding"


def test_it_answers_200_and_an_empty_body_for_an_unknown_prefix(client, breaches) -> None:
    response = client.get("/range/00000")

    assert response.status_code == 200
    assert response.content == b""


def test_it_answers_200_before_any_breach_is_imported(client, leak_dir) -> None:
    assert client.get("/range/ABCDE").status_code == 200
    padded = client.get("/range/ABCDE", headers={"Add-Padding": "true"})
    assert len(_lines(padded)) >= 800


@pytest.mark.parametrize("prefix", ["ABCD", "ABCDEF", "GHIJK", "ABCD%20"])
def test_it_refuses_a_malformed_prefix(client, leak_dir, prefix) -> None:
    response = client.get(f"/range/{prefix}")

    assert response.status_code == 400
    assert response.content == b"The hash prefix was not in a valid format"


def test_it_lets_any_origin_read_it_and_cache_it(client, breaches) -> None:
    response = client.get(f"/range/{SHA1_123456[:5]}")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_it_answers_a_cors_preflight_that_allows_the_padding_header(client, leak_dir) -> None:
    response = client.options("/range/ABCDE")

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Headers"] == "Add-Padding"


def test_it_refuses_other_methods(client, leak_dir) -> None:
    assert client.post("/range/ABCDE").status_code == 405


def test_it_answers_without_a_database_query_once_the_stores_are_open(
    client, breaches, django_assert_num_queries
) -> None:
    client.get("/range/ABCDE")

    with django_assert_num_queries(0):
        response = client.get(f"/range/{SHA1_123456[:5]}", headers={"Add-Padding": "true"})
    assert response.status_code == 200
