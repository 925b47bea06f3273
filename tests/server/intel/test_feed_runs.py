import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.intel import services
from cleannet.server.intel.models import Feed, FeedRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(personas) -> Feed:
    return services.add_feed(
        personas.analyst.user,
        "shadowserver-sinkhole",
        "Shadowserver",
        "shadowserver-csv",
        schedule="15  3 * * *",
        tlp="tlp:amber",
        accuracy=90,
        default_classification_type="Botnet Drone",
    )


def test_it_adds_a_feed_with_normalised_values(feed) -> None:
    assert feed.schedule == "15 3 * * *"
    assert feed.tlp == "AMBER"
    assert feed.default_classification_type == "infected-system"
    assert AuditEntry.objects.filter(action="feed.add", object_id=str(feed.pk)).exists()


def test_it_writes_tlp_white_as_clear(personas) -> None:
    feed = services.add_feed(None, "urlhaus", "abuse.ch", "urlhaus-csv", tlp="WHITE")
    assert feed.tlp == "CLEAR"


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("schedule", {"schedule": "every day"}),
        ("tlp", {"tlp": "purple"}),
        ("accuracy", {"accuracy": 101}),
        ("default_classification_type", {"default_classification_type": "virus"}),
    ],
)
def test_it_refuses_a_feed_with_a_bad_value_naming_the_field(personas, field, changes) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_feed(None, "bad-feed", "Nobody", "csv", **changes)
    assert field in caught.value.message_dict


def test_it_finishes_a_run_whose_counts_reconcile(feed) -> None:
    run = services.start_feed_run(feed)
    assert run.status == FeedRun.Status.RUNNING
    done = services.finish_feed_run(run, read=10, accepted=7, rejected=0, duplicates=3)
    assert done.status == FeedRun.Status.SUCCEEDED
    assert done.finished_at is not None
    assert AuditEntry.objects.filter(action="feed_run.finish").count() == 1


def test_it_refuses_to_finish_a_run_whose_counts_do_not_reconcile(feed) -> None:
    run = services.start_feed_run(feed)
    with pytest.raises(ValidationError) as caught:
        services.finish_feed_run(run, read=10, accepted=7, rejected=1, duplicates=1)
    assert "read" in caught.value.message_dict
    run.refresh_from_db()
    assert run.status == FeedRun.Status.RUNNING


def test_it_refuses_negative_counts(feed) -> None:
    run = services.start_feed_run(feed)
    with pytest.raises(ValidationError) as caught:
        services.finish_feed_run(run, read=0, accepted=1, rejected=-1, duplicates=0)
    assert "rejected" in caught.value.message_dict


def test_it_marks_a_run_with_rejected_rows_as_partial(feed) -> None:
    run = services.start_feed_run(feed)
    done = services.finish_feed_run(run, read=10, accepted=8, rejected=2, duplicates=0)
    assert done.status == FeedRun.Status.PARTIAL


def test_it_marks_a_run_that_failed_before_accepting_anything_as_failed(feed) -> None:
    run = services.start_feed_run(feed)
    done = services.finish_feed_run(run, 0, 0, 0, 0, error="HTTP 503 from provider")
    assert done.status == FeedRun.Status.FAILED
    assert done.error == "HTTP 503 from provider"


def test_it_refuses_to_finish_a_run_twice(feed) -> None:
    run = services.start_feed_run(feed)
    services.finish_feed_run(run, 1, 1, 0, 0)
    with pytest.raises(ValidationError) as caught:
        services.finish_feed_run(run, 1, 1, 0, 0)
    assert "status" in caught.value.message_dict


def test_the_database_refuses_a_finished_run_whose_counts_do_not_reconcile(feed) -> None:
    run = services.start_feed_run(feed)
    with pytest.raises(IntegrityError):
        FeedRun.objects.filter(pk=run.pk).update(
            status=FeedRun.Status.SUCCEEDED, finished_at=timezone.now(), read=5, accepted=4
        )
