"""The proposal algorithm on plain data: no database, no app."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from eventhub.booths.proposal import (
    Applicant,
    BoothSlot,
    Proposal,
    UnplacedReason,
    natural_key,
    propose,
)


def line(*specs: tuple[str, str, int], taken: tuple[str, ...] = ()) -> list[BoothSlot]:
    """Booths from (code, zone, units), ids 1, 2, … in the order given."""
    return [
        BoothSlot(i, code, zone, units, code not in taken)
        for i, (code, zone, units) in enumerate(specs, start=1)
    ]


def codes_of(result: Proposal, booths: list[BoothSlot]) -> dict[int, list[str]]:
    code = {b.id: b.code for b in booths}
    return {p.application_id: [code[b] for b in p.booth_ids] for p in result.placements}


def test_codes_sort_naturally():
    assert sorted(["A-10", "A-2", "a-1", "B-1"], key=natural_key) == ["a-1", "A-2", "A-10", "B-1"]


def test_a_single_booth_of_exactly_the_size_is_preferred():
    booths = line(("A-1", "A", 1), ("A-2", "A", 1), ("A-3", "A", 2))

    result = propose([Applicant(1, "13", 2)], booths)

    assert codes_of(result, booths) == {1: ["A-3"]}
    assert result.placements[0].short_by == 0


def test_neighbouring_booths_make_up_a_request_no_single_booth_meets():
    booths = line(("A-1", "A", 1), ("A-2", "A", 2), ("A-3", "A", 1), ("A-4", "A", 2))

    result = propose([Applicant(1, "13", 4)], booths)

    # The first run of neighbours, from the start of the line, that adds up to exactly 4.
    assert codes_of(result, booths) == {1: ["A-1", "A-2", "A-3"]}


def test_any_set_that_adds_up_exactly_beats_a_greedy_fill():
    # A-2 is taken, so no run adds up to 4; A-1 + A-4 does.
    booths = line(
        ("A-1", "A", 1), ("A-2", "A", 1), ("A-3", "A", 2), ("A-4", "A", 3), taken=("A-2",)
    )

    result = propose([Applicant(1, "13", 4)], booths)

    assert codes_of(result, booths) == {1: ["A-1", "A-4"]}


def test_without_an_exact_set_booths_are_filled_up_to_the_request_never_over():
    booths = line(("A-1", "A", 2), ("A-2", "A", 2), ("A-3", "A", 4))

    (placement,) = propose([Applicant(1, "13", 5)], booths).placements

    assert (placement.units, placement.short_by) == (4, 1)


def test_unplaced_applications_say_why():
    booths = line(("A-1", "A", 3), ("A-2", "A", 1))
    applicants = [Applicant(1, "13", 1), Applicant(2, "13", 2), Applicant(3, "13", None)]

    result = propose(applicants, booths)

    assert codes_of(result, booths) == {1: ["A-2"]}
    reasons = {u.application_id: u.reason for u in result.unplaced}
    assert reasons == {
        2: UnplacedReason.NO_BOOTH_SMALL_ENOUGH,
        3: UnplacedReason.NO_REQUESTED_UNITS,
    }
    full = propose([Applicant(1, "13", 1)], line(("A-1", "A", 1), taken=("A-1",)))
    assert full.unplaced[0].reason == UnplacedReason.NO_FREE_BOOTH


def test_groups_get_neighbouring_booths_and_the_larger_group_goes_first():
    booths = line(*[(f"A-{n}", "A", 1) for n in range(1, 7)])
    applicants = [
        Applicant(1, "01", 1),
        Applicant(2, "13", 1),
        Applicant(3, "01", 1),
        Applicant(4, "13", 1),
        Applicant(5, "13", 1),
    ]

    result = propose(applicants, booths)

    assert codes_of(result, booths) == {
        2: ["A-1"],
        4: ["A-2"],
        5: ["A-3"],
        1: ["A-4"],
        3: ["A-5"],
    }


def test_a_group_that_does_not_fit_the_rest_of_a_zone_starts_in_the_next():
    booths = line(
        ("A-1", "A", 2), ("A-2", "A", 1), ("B-1", "B", 1), ("B-2", "B", 1), ("B-3", "B", 1)
    )
    applicants = [
        Applicant(1, "food", 2),  # as large as timber, and first by name: A-1
        Applicant(2, "timber", 1),
        Applicant(3, "timber", 1),
        Applicant(4, "timber", 0),
    ]

    result = propose(applicants, booths)

    # timber needs 2 units; zone A has 1 left, so the group moves to zone B whole.
    assert codes_of(result, booths) == {1: ["A-1"], 2: ["B-1"], 3: ["B-2"]}


def test_codes_are_read_in_natural_order_for_adjacency():
    booths = line(("A-10", "A", 1), ("A-9", "A", 1), ("A-1", "A", 2))

    result = propose([Applicant(1, "x", 2), Applicant(2, "x", 1), Applicant(3, "x", 1)], booths)

    assert codes_of(result, booths) == {1: ["A-1"], 2: ["A-9"], 3: ["A-10"]}


# Properties ----------------------------------------------------------------------------------

booth_lists = st.lists(
    st.tuples(st.sampled_from("ABC"), st.integers(1, 30), st.integers(1, 6), st.booleans()),
    max_size=40,
    unique_by=lambda t: (t[0], t[1]),
).map(
    lambda specs: [
        BoothSlot(i, f"{zone}-{n}", zone, units, free)
        for i, (zone, n, units, free) in enumerate(specs, start=1)
    ]
)
applicant_lists = st.lists(
    st.tuples(
        st.sampled_from(["01", "13", "47", "timber"]), st.one_of(st.none(), st.integers(0, 9))
    ),
    max_size=25,
).map(lambda specs: [Applicant(i, group, units) for i, (group, units) in enumerate(specs, start=1)])


@given(applicant_lists, booth_lists)
def test_never_over_the_request_never_a_booth_twice_never_a_taken_booth(applicants, booths):
    result = propose(applicants, booths)

    units = {b.id: b.units for b in booths}
    free = {b.id for b in booths if b.free}
    requested = {a.application_id: a.units for a in applicants}
    given_out = [b for p in result.placements for b in p.booth_ids]
    assert len(given_out) == len(set(given_out))
    assert set(given_out) <= free
    for placement in result.placements:
        assert placement.booth_ids
        assert placement.units == sum(units[b] for b in placement.booth_ids)
        assert 0 < placement.units <= requested[placement.application_id]
        assert placement.requested_units == requested[placement.application_id]
    handled = [p.application_id for p in result.placements]
    handled += [u.application_id for u in result.unplaced]
    assert sorted(handled) == sorted(requested)


@given(applicant_lists, booth_lists, st.randoms(use_true_random=False))
def test_the_proposal_does_not_depend_on_the_order_of_the_input(applicants, booths, rnd):
    shuffled_applicants, shuffled_booths = list(applicants), list(booths)
    rnd.shuffle(shuffled_applicants)
    rnd.shuffle(shuffled_booths)

    assert propose(shuffled_applicants, shuffled_booths) == propose(applicants, booths)


@given(st.integers(1, 9), booth_lists)
def test_a_lone_applicant_is_met_exactly_when_some_free_booths_add_up(units, booths):
    free = [b.units for b in booths if b.free]
    sums = {0}
    for size in free:
        sums |= {s + size for s in sums}

    (placement,) = propose([Applicant(1, "13", units)], booths).placements or (None,)

    if units in sums:
        assert placement is not None
        assert placement.short_by == 0


def test_random_floors_are_handled_quickly():
    rnd = random.Random(7)
    booths = [BoothSlot(i, f"{z}-{i}", z, rnd.randint(1, 4)) for i, z in enumerate("AB" * 300)]
    applicants = [Applicant(i, str(rnd.randint(1, 47)), rnd.randint(1, 6)) for i in range(400)]

    result = propose(applicants, booths)

    assert len(result.placements) + len(result.unplaced) == 400


def test_an_exact_fit_in_the_groups_zone_beats_a_single_booth_elsewhere():
    booths = line(("A-1", "A", 1), ("A-2", "A", 1), ("B-1", "B", 2))

    result = propose([Applicant(1, "01", 2)], booths)

    assert codes_of(result, booths) == {1: ["A-1", "A-2"]}


def test_a_partial_fill_never_takes_a_booth_that_meets_another_request_exactly():
    booths = line(("A-1", "A", 1), ("A-2", "A", 4))
    applicants = [Applicant(1, "01", 3), Applicant(2, "01", 1)]

    result = propose(applicants, booths)

    assert codes_of(result, booths) == {2: ["A-1"]}
    assert [(u.application_id, u.reason) for u in result.unplaced] == [
        (1, UnplacedReason.NO_BOOTH_SMALL_ENOUGH)
    ]
