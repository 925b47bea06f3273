import datetime as dt

import pytest

from cleannet.server.intel import services
from cleannet.server.intel.statistics import national_picture

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def _record(make_event, **fields) -> None:
    services.record_events(None, [make_event(**fields)])


def test_it_counts_infected_devices_per_day_with_empty_days_as_zero(make_event) -> None:
    services.add_family(None, "Mirai", "botnet")
    for hour in (1, 2):
        _record(make_event, time_source=f"2026-03-08T0{hour}:00:00Z", source_ip="192.0.2.1",
                malware_name="mirai")  # fmt: skip
    _record(make_event, time_source="2026-03-10T01:00:00Z", source_ip="192.0.2.2")
    picture = national_picture(days=3, now=NOW)
    by_day = {point.day.isoformat(): point.count for point in picture.daily}
    assert by_day == {"2026-03-07": 0, "2026-03-08": 2, "2026-03-09": 0, "2026-03-10": 1}
    assert picture.infected_events == 3
    assert picture.distinct_infected_ips == 2
    assert [(f.name, f.count) for f in picture.top_families] == [("Mirai", 2)]


def test_it_leaves_out_other_classifications_and_older_events(make_event) -> None:
    _record(make_event, time_source="2026-03-09T00:00:00Z", classification_type="scanner",
            source_ip="192.0.2.9")  # fmt: skip
    _record(make_event, time_source="2025-01-01T00:00:00Z", source_ip="192.0.2.8")
    picture = national_picture(days=3, now=NOW)
    assert picture.infected_events == 0
    assert sum(point.count for point in picture.daily) == 0
