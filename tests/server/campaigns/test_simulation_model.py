"""The campaign population model on small runs: its figures hold together, the same seed
gives the same figures, and the campaign cleans up what the baseline window counted."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from cleannet.server.campaigns.simulation_model import (
    FAMILIES,
    ModelParams,
    ModelResult,
    family_profiles,
    isp_profiles,
    simulate,
)

Array = npt.NDArray[np.int64]
SMALL = ModelParams(days=30, baseline_days=7, addresses=5_000, isps=4, families=5, seed=11)


@pytest.fixture(scope="module")
def result() -> ModelResult:
    return simulate(SMALL)


def test_it_gives_the_same_figures_for_the_same_seed(result: ModelResult) -> None:
    again = simulate(SMALL)
    other = simulate(ModelParams(**{**SMALL.__dict__, "seed": 12}))

    assert np.array_equal(again.addresses_window, result.addresses_window)
    assert np.array_equal(again.time_to_clean, result.time_to_clean)
    assert not np.array_equal(other.addresses, result.addresses)


def test_it_shapes_every_figure_per_day_isp_and_family(result: ModelResult) -> None:
    days = SMALL.days + SMALL.baseline_days
    assert result.addresses.shape == (days, 4, 5)
    assert result.addresses_all.shape == (days, 4)
    assert result.time_to_clean.shape == (days, 4, 5, len(SMALL.clean_edges) + 1)
    assert [f.name for f in result.families] == [name for name, _ in FAMILIES[:5]]


def test_the_window_holds_at_least_the_day_and_at_most_every_day_of_it(result: ModelResult) -> None:
    window = SMALL.baseline_days
    assert (result.addresses_window >= result.addresses).all()
    for t in range(window, len(result.addresses)):
        summed = result.addresses[t - window + 1 : t + 1].sum(axis=0)
        assert (result.addresses_window[t] <= summed).all()


def test_an_address_with_two_families_counts_once_in_the_isp_total(result: ModelResult) -> None:
    per_family_sum = result.addresses_window.sum(axis=2)
    assert (result.addresses_window_all <= per_family_sum).all()
    assert (result.addresses_window_all < per_family_sum).any()  # co-infections exist
    assert (result.addresses_window_all >= result.addresses_window.max(axis=2)).all()
    assert (result.addresses_all <= result.addresses.sum(axis=2)).all()


def test_the_baseline_counts_about_every_address_infected_at_the_start(result: ModelResult) -> None:
    baseline = int(result.baseline_all().sum())
    assert 0.95 * SMALL.addresses <= baseline <= 1.1 * SMALL.addresses
    assert np.array_equal(result.baseline(), result.addresses_window[SMALL.baseline_days - 1])


def test_the_campaign_reduces_the_infected_addresses(result: ModelResult) -> None:
    before, after = result.baseline_all(), result.addresses_window_all[-1]
    assert after.sum() < 0.9 * before.sum()


def test_notice_figures_hold_together(result: ModelResult) -> None:
    assert (result.delivered <= result.sent).all()
    assert (result.warned + result.reinfected <= result.sent).all()
    assert (result.subscribers <= result.events).all()
    assert np.array_equal(result.time_to_clean.sum(axis=3), result.acknowledged)
    assert result.reinfected.sum() > 0
    assert result.delivered.sum() > 0.88 * result.sent.sum()


def test_it_calls_the_observer_with_what_was_seen_each_day() -> None:
    seen: dict[int, int] = {}

    def observe(day: int, isp: Array, address: Array, family: Array) -> None:
        assert len(isp) == len(address) == len(family)
        pairs = set(zip(isp.tolist(), address.tolist(), family.tolist(), strict=True))
        assert len(pairs) == len(isp)  # one observation per address and family a day
        seen[day] = len(isp)

    params = ModelParams(days=5, baseline_days=3, addresses=300, isps=2, families=3, seed=2)
    result = simulate(params, observer=observe)

    assert sorted(seen) == list(range(-3, 5))
    assert [seen[d] for d in sorted(seen)] == result.events.sum(axis=(1, 2)).tolist()


def test_profiles_have_shares_that_add_up_and_rates_in_range() -> None:
    rng = np.random.default_rng(0)
    isps = isp_profiles(12, rng)
    families = family_profiles(20, rng)

    assert sum(i.share for i in isps) == pytest.approx(1.0)
    assert sum(f.share for f in families) == pytest.approx(1.0)
    assert isps[0].share > isps[1].share > isps[5].share
    assert all(0.005 <= i.cleanup_rate <= 0.03 for i in isps)
    assert all(0.9 <= i.delivery_rate <= 0.98 for i in isps)
    assert len({i.slug for i in isps}) == 12 and len({i.asn for i in isps}) == 12
    assert all(i.domain.endswith(".example") for i in isps)


@pytest.mark.parametrize(
    ("field", "params"),
    [
        ("days", ModelParams(days=0)),
        ("isps", ModelParams(isps=0, addresses=10)),
        ("families", ModelParams(families=len(FAMILIES) + 1, addresses=10)),
    ],
)
def test_it_refuses_parameters_out_of_range(field: str, params: ModelParams) -> None:
    with pytest.raises(ValueError, match=field):
        simulate(params)
