"""Guards the CI promise that the database tests really ran on the database CI asked for."""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_it_runs_on_the_database_the_run_asked_for() -> None:
    expected = os.environ.get("CLEANNET_EXPECT_DATABASE", "sqlite")
    assert connection.vendor == expected


def test_it_round_trips_vietnamese_text_through_the_database() -> None:
    from cleannet.server.accounts.models import Organisation

    name = "Trung tâm Giám sát An toàn Không gian mạng Quốc gia — Đà Nẵng"
    Organisation.objects.create(name=name, slug="ncsc-dn", kind="authority")
    assert Organisation.objects.get(slug="ncsc-dn").name == name
