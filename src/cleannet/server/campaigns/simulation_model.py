"""The population model behind ``cleannet campaign simulate``: infected addresses per ISP and
malware family, day by day, with warnings, cleanup, acknowledgements and re-infections.

Pure numpy, no Django. ``simulate(params)`` follows every infection (an address and a family)
through the baseline window before the campaign and the campaign's days, and returns what the
platform stores per day, ISP and family: addresses seen that day and over the window, events,
subscribers the node found, notice figures and time to clean. The same seed gives the same
figures, whatever the caller does with them.

The story of one infection: it is seen in feeds on a day with its family's ``seen_rate``; the
ISP's node finds the subscriber behind a seen address with the ISP's ``match_rate`` and warns
them (a ticket; reminders follow on ``reminder_days``); a warned infection is cleaned each day
with the ISP's ``cleanup_rate`` once the campaign runs (ramping up over ``ramp_days``; before
it, and for infections never warned, the ``natural_cleanup`` rate); a share of the cleaned
subscribers acknowledge the warning (time to clean counts those); a cleaned address is infected
again with the ISP's ``reinfection_rate``; new infections arrive every day. The ISPs and
families, and their profiles, come from ``simulation_catalogue`` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cleannet.server.campaigns.simulation_catalogue import (
    FAMILIES,
    MAX_ISPS,
    FamilyProfile,
    IspProfile,
    family_profiles,
    isp_profiles,
)

__all__ = [
    "FAMILIES",
    "FamilyProfile",
    "IspProfile",
    "ModelParams",
    "ModelResult",
    "Observer",
    "check_params",
    "family_profiles",
    "isp_profiles",
    "simulate",
]

Counts = npt.NDArray[np.int64]
Observer = Callable[
    [int, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]], None
]
"""Called once a day as ``observer(day_offset, isp, address, family)`` with the index arrays of
every infection seen that day (``address`` numbers the ISP's own addresses from 0)."""

NOT_FOUND = np.int16(-32768)
"""``found_on`` of an infection with no open ticket."""


@dataclass(frozen=True)
class ModelParams:
    """What to simulate. Rates are per day; ``addresses`` are infected when the baseline
    window opens (``baseline_days`` before the campaign's first day)."""

    days: int = 90
    baseline_days: int = 7
    addresses: int = 2_000_000
    isps: int = 10
    families: int = 20
    seed: int = 1
    natural_cleanup: float = 0.003
    new_infections: float = 0.0025  # new infected addresses a day, per address at the start
    coinfected: float = 0.03  # addresses at the start carrying a second family
    already_warned: float = 0.7  # infections at the start with a ticket open since before
    ramp_days: int = 7
    reminder_days: tuple[int, ...] = (3, 7)
    clean_edges: tuple[int, ...] = (1, 3, 7, 14, 30)  # upper bounds of the time-to-clean buckets


@dataclass(frozen=True)
class ModelResult:
    """Daily figures; index ``t`` is the day ``t - baseline_days`` relative to the campaign's
    first day (negative: the baseline window). Per-family arrays are ``(T, isps, families)``,
    ``*_all`` arrays ``(T, isps)`` count an address with two families once, ``time_to_clean``
    is ``(T, isps, families, buckets)``."""

    params: ModelParams
    isps: tuple[IspProfile, ...]
    families: tuple[FamilyProfile, ...]
    addresses: Counts
    addresses_window: Counts
    events: Counts
    subscribers: Counts
    warned: Counts
    sent: Counts
    delivered: Counts
    acknowledged: Counts
    reinfected: Counts
    time_to_clean: Counts
    addresses_all: Counts
    addresses_window_all: Counts

    def baseline(self) -> Counts:
        """Distinct addresses per ISP and family over the window before the campaign."""
        return np.asarray(self.addresses_window[self.params.baseline_days - 1], np.int64)

    def baseline_all(self) -> Counts:
        """Distinct addresses per ISP over the window before the campaign, families together."""
        return np.asarray(self.addresses_window_all[self.params.baseline_days - 1], np.int64)


def simulate(
    params: ModelParams,
    *,
    isps: Sequence[IspProfile] | None = None,
    observer: Observer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ModelResult:
    """Run the model; return the daily figures. ``isps`` replaces the generated ISP profiles
    (their shares are used as given). ``progress(done, total)`` is called after each day.

    Raises ``ValueError`` naming the parameter that is out of range.
    """
    check_params(params)
    rng = np.random.default_rng(params.seed)
    profiles = tuple(isps) if isps is not None else isp_profiles(params.isps, rng)
    families = family_profiles(params.families, rng)
    if len(profiles) != params.isps:
        raise ValueError("isps: the profiles given do not match the count")
    run = _Run(params, profiles, families, rng)
    total = params.baseline_days + params.days
    for t in range(total):
        run.step(t, observer)
        if progress is not None:
            progress(t + 1, total)
    return run.result()


def check_params(params: ModelParams) -> None:
    """Raise ``ValueError`` starting with the name of the first parameter out of range."""
    if params.days < 1:
        raise ValueError("days: at least 1")
    if params.baseline_days < 1:
        raise ValueError("baseline_days: at least 1")
    if params.days + params.baseline_days > 30_000:
        raise ValueError("days: at most 30,000 with the baseline window")
    if params.addresses < 1:
        raise ValueError("addresses: at least 1")
    if not 1 <= params.isps <= MAX_ISPS:
        raise ValueError(f"isps: between 1 and {MAX_ISPS}")
    if not 1 <= params.families <= len(FAMILIES):
        raise ValueError(f"families: between 1 and {len(FAMILIES)}")


NEVER = np.int16(-30000)
"""``last_seen`` of an infection never seen."""
_RATES = ("seen", "found", "cleanup", "ack", "reinfection")


class _Infections:
    """Every infection so far, one entry per (address, family), in arrays that grow; each
    carries its cell's rates so a day's draws are whole-array operations."""

    def __init__(self, capacity: int) -> None:
        self.size = 0
        self.key = np.empty(capacity, np.int16)  # isp * families + family: the cell
        self.address = np.empty(capacity, np.int64)  # numbered within the ISP
        self.infected = np.empty(capacity, np.bool_)
        self.cleaned_before = np.empty(capacity, np.bool_)
        self.found_on = np.empty(capacity, np.int16)  # day its open ticket was first warned
        self.last_seen = np.empty(capacity, np.int16)
        self.rates: dict[str, npt.NDArray[Any]] = {
            name: np.empty(capacity, np.float32) for name in _RATES
        }

    def add(self, key: Counts, address: Counts, found_on: npt.NDArray[np.int16],
            rates: dict[str, npt.NDArray[np.float32]]) -> Counts:  # fmt: skip
        """Append infected, never-seen entries (``rates`` per cell); return their indices."""
        start, end = self.size, self.size + len(key)
        if end > len(self.key):
            self._grow(max(end, 2 * len(self.key)))
        self.key[start:end], self.address[start:end] = key, address
        self.infected[start:end], self.cleaned_before[start:end] = True, False
        self.found_on[start:end], self.last_seen[start:end] = found_on, NEVER
        for name, per_cell in rates.items():
            self.rates[name][start:end] = per_cell[key]
        self.size = end
        return np.arange(start, end, dtype=np.int64)

    def _grow(self, capacity: int) -> None:
        for name in ("key", "address", "infected", "cleaned_before", "found_on", "last_seen"):
            setattr(self, name, _grown(getattr(self, name), self.size, capacity))
        self.rates = {k: _grown(v, self.size, capacity) for k, v in self.rates.items()}

    def view(self) -> dict[str, npt.NDArray[Any]]:
        """The live part of every column, by name (views: writes go to the arrays)."""
        n = self.size
        columns = ("key", "address", "infected", "cleaned_before", "found_on", "last_seen")
        return {name: getattr(self, name)[:n] for name in columns} | {
            name: values[:n] for name, values in self.rates.items()
        }


def _grown(old: npt.NDArray[Any], size: int, capacity: int) -> npt.NDArray[Any]:
    new = np.empty(capacity, old.dtype)
    new[:size] = old[:size]
    return new


class _Run:
    """One simulation: the infections, the per-cell rates and the daily figures so far."""

    FIGURES = ("addresses", "addresses_window", "events", "subscribers", "warned", "sent",
               "delivered", "acknowledged", "reinfected")  # fmt: skip

    def __init__(
        self,
        params: ModelParams,
        isps: tuple[IspProfile, ...],
        families: tuple[FamilyProfile, ...],
        rng: np.random.Generator,
    ) -> None:
        self.p, self.rng, self.isps, self.families = params, rng, isps, families
        self.n_isps, self.n_families = len(isps), len(families)
        self.cells = self.n_isps * self.n_families
        self.cell_isp = np.arange(self.cells) // self.n_families
        self.cell_family = np.arange(self.cells) % self.n_families
        self._rates()
        days = params.baseline_days + params.days
        self.out = {name: np.zeros((days, self.cells), np.int64) for name in self.FIGURES}
        self.buckets = len(params.clean_edges) + 1
        self.ttc = np.zeros((days, self.cells, self.buckets), np.int64)
        self.all_day = np.zeros((days, self.n_isps), np.int64)
        self.all_window = np.zeros((days, self.n_isps), np.int64)
        self.next_address = np.zeros(self.n_isps, np.int64)
        expected = params.addresses * (1 + params.coinfected + params.new_infections * days)
        self.inf = _Infections(int(expected * 1.2) + 1024)
        self._start()

    def _rates(self) -> None:
        """Per-cell rates, and the mix of families in each ISP (a little different in each)."""
        isp, fam = self.isps, self.families

        def cell(values: Sequence[float], by: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
            return np.asarray(values, np.float64)[by]

        seen = cell([f.seen_rate for f in fam], self.cell_family)
        reinfection = cell([i.reinfection_rate for i in isp], self.cell_isp)
        reinfection *= cell([f.reinfection_factor for f in fam], self.cell_family)
        rates = {
            "seen": seen,
            "found": seen * cell([i.match_rate for i in isp], self.cell_isp),
            "cleanup": cell([i.cleanup_rate for i in isp], self.cell_isp),
            "ack": cell([i.ack_share for i in isp], self.cell_isp),
            "reinfection": reinfection,
        }
        self.cell_rates = {name: values.astype(np.float32) for name, values in rates.items()}
        self.delivery_rate = cell([i.delivery_rate for i in isp], self.cell_isp)
        family_share = np.array([f.share for f in fam])
        mix = family_share * self.rng.lognormal(0.0, 0.3, (self.n_isps, self.n_families))
        mix /= mix.sum(axis=1, keepdims=True)
        self.cell_share = (np.array([i.share for i in isp])[:, None] * mix).ravel()
        self.cell_share /= self.cell_share.sum()
        trend = cell([f.trend for f in fam], self.cell_family)
        self.new_rate = self.p.addresses * self.p.new_infections * self.cell_share * trend

    def _add(self, keys: Counts, address: Counts, found_on: npt.NDArray[np.int16]) -> Counts:
        return self.inf.add(keys, address, found_on, self.cell_rates)

    def _start(self) -> None:
        """The infected addresses when the baseline window opens; some carry two families,
        most were warned before (their tickets are older than the window)."""
        p, rng = self.p, self.rng
        keys = np.sort(rng.choice(self.cells, size=p.addresses, p=self.cell_share))
        first = self._add(keys, self._new_addresses(keys), self._old_tickets(len(keys)))
        chosen = rng.choice(p.addresses, size=round(p.coinfected * p.addresses), replace=False)
        family_share = np.array([f.share for f in self.families])
        second = rng.choice(self.n_families, size=len(chosen), p=family_share / family_share.sum())
        other = second != self.cell_family[keys[chosen]]  # two different families only
        chosen, second = chosen[other], second[other]
        isp = self.cell_isp[keys[chosen]]
        added = self._add(
            isp * self.n_families + second, self.inf.address[first[chosen]],
            self._old_tickets(len(chosen)),
        )  # fmt: skip
        groups = np.arange(len(chosen))
        self.shared = np.concatenate([first[chosen], added])
        self.shared_group = np.concatenate([groups, groups])
        self.group_isp = isp

    def _old_tickets(self, count: int) -> npt.NDArray[np.int16]:
        warned = self.rng.random(count) < self.p.already_warned
        since = -self.rng.integers(1, 90, count)
        return np.where(warned, since, NOT_FOUND).astype(np.int16)

    def _new_addresses(self, keys: Counts) -> Counts:
        """Number fresh addresses for infections of ``keys`` (sorted) within their ISPs."""
        isp = self.cell_isp[keys]
        per_isp = np.bincount(isp, minlength=self.n_isps)
        starts = np.cumsum(per_isp) - per_isp
        address = np.arange(len(keys)) - starts[isp] + self.next_address[isp]
        self.next_address += per_isp
        return address

    def _count(self, keys: npt.ArrayLike) -> Counts:
        return np.bincount(np.asarray(keys, np.int64), minlength=self.cells)

    def step(self, t: int, observer: Observer | None) -> None:
        """Simulate day ``t``: new infections, observations, tickets, the windows, then
        cleanup and re-infection (one uniform draw each for seen/found and for the rest:
        nested events share a draw, disjoint ones too, so every chance stays exact)."""
        keys = np.repeat(np.arange(self.cells), self.rng.poisson(self.new_rate))
        if len(keys):
            self._add(keys, self._new_addresses(keys), np.full(len(keys), NOT_FOUND, np.int16))
        col = self.inf.view()
        draw = self.rng.random(self.inf.size, dtype=np.float32)
        seen = col["infected"] & (draw < col["seen"])
        col["last_seen"][seen] = t
        seen_keys = col["key"][seen]
        self.out["addresses"][t] = self.out["events"][t] = self._count(seen_keys)
        if observer is not None:
            family = self.cell_family[seen_keys]
            isp, address = self.cell_isp[seen_keys], col["address"][seen]
            observer(t - self.p.baseline_days, isp, address, family)
        found = np.flatnonzero(col["infected"] & (draw < col["found"]))
        self.out["subscribers"][t] = self._count(col["key"][found])
        self._tickets(t, col, found)
        self._windows(t, col)
        self._cleanup(t, col)

    def _tickets(self, t: int, col: dict[str, npt.NDArray[Any]], found: Counts) -> None:
        """Warn the newly found (or count them re-infected), remind the open tickets."""
        key, found_on = col["key"], col["found_on"]
        reminded = np.zeros(len(key), np.bool_)
        for after in self.p.reminder_days:
            reminded |= found_on == t - after
        new = found[found_on[found] == NOT_FOUND]
        found_on[new] = t
        again = col["cleaned_before"][new]
        self.out["warned"][t] = self._count(key[new[~again]])
        self.out["reinfected"][t] = self._count(key[new[again]])
        sent = self._count(key[new]) + self._count(key[reminded])
        self.out["sent"][t] = sent
        self.out["delivered"][t] = self.rng.binomial(sent, self.delivery_rate)

    def _windows(self, t: int, col: dict[str, npt.NDArray[Any]]) -> None:
        """Distinct addresses over the window ending with day ``t``; and for that day and
        the window, each ISP's total where an address with two families counts once."""
        lowest = t - self.p.baseline_days + 1
        last_seen = col["last_seen"]
        self.out["addresses_window"][t] = self._count(col["key"][last_seen >= lowest])
        shared_seen = last_seen[self.shared]
        for out, figure, mask in (
            (self.all_day, "addresses", shared_seen == t),
            (self.all_window, "addresses_window", shared_seen >= lowest),
        ):
            per_isp = np.bincount(self.cell_isp, self.out[figure][t], minlength=self.n_isps)
            groups = np.bincount(self.shared_group[mask], minlength=len(self.group_isp))
            twice = np.bincount(self.group_isp, np.maximum(groups - 1, 0), self.n_isps)
            out[t] = per_isp.astype(np.int64) - twice.astype(np.int64)

    def _cleanup(self, t: int, col: dict[str, npt.NDArray[Any]]) -> None:
        """Clean infections (the acknowledged ones count in time to clean) and infect
        cleaned addresses again, both from one draw: the two sets are disjoint."""
        p = self.p
        campaign_day = t - p.baseline_days
        ramp = 0.0 if campaign_day < 0 else min(1.0, (campaign_day + 1) / p.ramp_days)
        infected, found_on = col["infected"], col["found_on"]
        natural = np.float32(p.natural_cleanup)
        ticketed = found_on != NOT_FOUND
        rate = np.where(ticketed, natural + (col["cleanup"] - natural) * np.float32(ramp), natural)
        draw = self.rng.random(len(infected), dtype=np.float32)
        cleaned = infected & (draw < rate)
        acked = np.flatnonzero(cleaned & ticketed & (draw < rate * col["ack"]))
        again = ~infected & (draw < col["reinfection"])
        key = col["key"][acked].astype(np.int64)
        self.out["acknowledged"][t] = self._count(key)
        days = t - found_on[acked].astype(np.int64)
        bucket = np.searchsorted(np.asarray(p.clean_edges), days, side="right")
        flat = np.bincount(key * self.buckets + bucket, minlength=self.cells * self.buckets)
        self.ttc[t] = flat.reshape(self.cells, self.buckets)
        infected[cleaned], found_on[cleaned] = False, NOT_FOUND
        col["cleaned_before"][cleaned] = True
        infected[again] = True

    def result(self) -> ModelResult:
        shape = (-1, self.n_isps, self.n_families)
        figures = {name: values.reshape(shape) for name, values in self.out.items()}
        return ModelResult(
            params=self.p, isps=self.isps, families=self.families, **figures,
            time_to_clean=self.ttc.reshape(*shape, self.buckets),
            addresses_all=self.all_day, addresses_window_all=self.all_window,
        )  # fmt: skip
