import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.networks import services
from cleannet.server.networks.models import Prefix

pytestmark = pytest.mark.django_db

JAN_1 = dt.date(2024, 1, 1)
JUL_1 = dt.date(2024, 7, 1)


def test_it_adds_a_prefix_with_fixed_width_keys(personas) -> None:
    prefix = services.add_prefix(personas.analyst.user, "10.20.0.0/16", personas.isp_org, JAN_1)
    assert (prefix.family, prefix.prefix_len) == (4, 16)
    assert (prefix.start_key, prefix.end_key) == ("0a140000", "0a14ffff")


def test_it_stores_an_ipv6_prefix_in_canonical_form(personas) -> None:
    prefix = services.add_prefix(None, "2001:DB8:00B::/48", personas.isp_org, JAN_1)
    assert prefix.cidr == "2001:db8:b::/48"
    assert prefix.family == 6
    assert prefix.start_key == "20010db8000b" + "0" * 20
    assert prefix.end_key == "20010db8000b" + "f" * 20


def test_it_writes_an_audit_entry_for_a_new_prefix(personas) -> None:
    prefix = services.add_prefix(personas.analyst.user, "10.20.0.0/16", personas.isp_org, JAN_1)
    entry = AuditEntry.objects.get(action="prefix.add")
    assert entry.actor == personas.analyst.user
    assert entry.object_id == str(prefix.pk)
    assert entry.after["cidr"] == "10.20.0.0/16"


def test_it_refuses_a_cidr_with_host_bits_set_naming_the_field(personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_prefix(None, "10.20.0.1/16", personas.isp_org, JAN_1)
    assert "host bits" in caught.value.message_dict["cidr"][0]
    assert not Prefix.objects.exists()


def test_it_refuses_text_that_is_not_a_cidr(personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_prefix(None, "10.20.0.0", personas.isp_org, JAN_1)
    assert "cidr" in caught.value.message_dict


def test_it_refuses_an_overlapping_holding_of_the_same_block(personas) -> None:
    services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JAN_1, valid_until=JUL_1)
    with pytest.raises(ValidationError) as caught:
        services.add_prefix(None, "10.20.0.0/16", personas.other_isp_org, dt.date(2024, 6, 30))
    assert "Song Hong Net" in caught.value.message_dict["valid_from"][0]


def test_it_refuses_a_holding_that_ends_inside_a_later_one(personas) -> None:
    services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JUL_1)
    with pytest.raises(ValidationError) as caught:
        services.add_prefix(
            None, "10.20.0.0/16", personas.other_isp_org, JAN_1, valid_until=dt.date(2024, 7, 2)
        )
    assert "valid_from" in caught.value.message_dict


def test_it_accepts_a_new_holder_from_the_day_the_old_holding_ended(personas) -> None:
    services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JAN_1, valid_until=JUL_1)
    services.add_prefix(None, "10.20.0.0/16", personas.other_isp_org, JUL_1)
    assert Prefix.objects.filter(cidr="10.20.0.0/16").count() == 2


def test_it_accepts_a_smaller_block_inside_a_held_one(personas) -> None:
    services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JAN_1)
    services.add_prefix(None, "10.20.5.0/24", personas.bank, JAN_1)
    assert Prefix.objects.count() == 2


def test_it_refuses_a_holding_that_ends_before_it_starts(personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JUL_1, valid_until=JAN_1)
    assert "valid_until" in caught.value.message_dict


def test_it_ends_a_prefix_and_audits_the_change(personas) -> None:
    prefix = services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JAN_1)
    ended = services.end_prefix(personas.admin.user, prefix, JUL_1)
    assert ended.valid_until == JUL_1
    entry = AuditEntry.objects.get(action="prefix.edit")
    assert entry.before["valid_until"] is None
    assert entry.after["valid_until"] == "2024-07-01"


def test_it_refuses_to_end_a_prefix_on_or_before_its_first_day(personas) -> None:
    prefix = services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JAN_1)
    with pytest.raises(ValidationError) as caught:
        services.end_prefix(None, prefix, JAN_1)
    assert "valid_until" in caught.value.message_dict


def test_it_refuses_to_reopen_a_holding_that_a_later_one_follows(personas) -> None:
    first = services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JAN_1, valid_until=JUL_1)
    services.add_prefix(None, "10.20.0.0/16", personas.other_isp_org, JUL_1)
    with pytest.raises(ValidationError):
        services.edit_prefix(None, first, valid_until=None)


def test_it_refuses_to_edit_the_history_of_a_prefix(personas) -> None:
    prefix = services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JAN_1)
    with pytest.raises(ValueError, match="organisation"):
        services.edit_prefix(None, prefix, organisation=personas.bank)


def test_the_database_refuses_two_open_holdings_of_one_block(personas) -> None:
    prefix = services.add_prefix(None, "10.20.0.0/16", personas.isp_org, JAN_1)
    prefix.pk = None
    prefix.valid_from = JUL_1
    with pytest.raises(IntegrityError):
        prefix.save()
