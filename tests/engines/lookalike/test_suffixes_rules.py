"""The fast suffix path answers as core for hosts around every Public Suffix List rule (deep
rules, wildcards and exceptions included: the fast path must hand those to core)."""

from publicsuffixlist import PublicSuffixList

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import normalise_domain, public_suffix, registrable_domain
from cleannet.engines.lookalike.suffixes import suffix_and_registrable


def hosts_around_rules() -> set[str]:
    hosts: set[str] = set()
    for rule in PublicSuffixList()._publicsuffix:
        labels = rule.lstrip("!").replace("*", "w").split(".")
        for depth in range(1, len(labels) + 1):
            tail = ".".join(labels[-depth:])
            for host in (tail, f"a.{tail}", f"b.a.{tail}", f"x.www.{tail}"):
                try:
                    hosts.add(normalise_domain(host))
                except InvalidIndicator:
                    continue
    return hosts


def test_it_answers_as_core_around_every_rule():
    hosts = hosts_around_rules()
    assert len(hosts) > 10_000
    wrong = [
        host
        for host in hosts
        if suffix_and_registrable(host) != (public_suffix(host), registrable_domain(host))
    ]
    assert wrong == []
