import pytest

from cleannet.server.demo.load_advisories import ADVISORIES, load_advisories
from cleannet.server.encyclopedia.models import Advisory

pytestmark = pytest.mark.django_db


def test_it_publishes_the_demo_advisories_once(personas) -> None:
    assert load_advisories(personas.analyst.user) == len(ADVISORIES) == 3
    assert load_advisories(personas.analyst.user) == 0
    assert Advisory.objects.published().count() == 3
    mirai = Advisory.objects.get(families__name="Mirai")
    assert mirai.author == personas.analyst.user
