"""Names equal but for accents and case ("tied" on their primary keys) arrive together from the sorted query and are
ordered by their full key: also when they straddle two batches of rows, and when a preview's cut falls among them."""

import pytest

from letters import ordering
from letters.exports import SignatoryList

pytestmark = pytest.mark.django_db

TIED = ["amnesty", "Amnesty", "AMNESTY", "Ámnesty", "ámnesty"]


def names(letter, **options):
    return [row.name for row in SignatoryList(letter, "en", **options).rows()]


@pytest.fixture
def tied_list(letter, sign):
    for name in ["Zeta Rights", "Beta Forum", *reversed(TIED), "Alpha Watch"]:
        sign(name)
    return letter


def test_tied_names_are_in_full_key_order(tied_list):
    assert names(tied_list) == ["Alpha Watch", "amnesty", "Amnesty", "AMNESTY", "ámnesty", "Ámnesty", "Beta Forum",
                                "Zeta Rights"]


@pytest.mark.parametrize("fetch", [1, 2, 3, 4])
def test_tied_names_straddling_two_batches_are_ordered_as_one_run(tied_list, monkeypatch, fetch):
    whole = names(tied_list)
    monkeypatch.setattr(ordering, "FETCH", fetch)

    assert names(tied_list) == whole


@pytest.mark.parametrize("limit", [1, 2, 3, 6, 8, 20])
def test_a_preview_shows_the_first_names_of_the_whole_order_even_when_its_cut_falls_among_tied_names(
        tied_list, limit):
    assert names(tied_list, limit=limit) == names(tied_list)[:limit]
