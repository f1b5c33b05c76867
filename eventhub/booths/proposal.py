"""The automatic booth proposal, as a pure function over plain data (no database, no Flask).

The floor is read as one line: booths sorted by zone, then by code in natural order (A-2 before
A-10), so that neighbours on the line are neighbours on the floor. Groups of exhibitors (one
prefecture, or one category) are laid along the line one after the other, so a group's members
get adjacent booths; a group that does not fit in the rest of the current zone starts at the
next zone that holds it whole. Each application gets booths whose units sum exactly to its
request when any free booths can, in the group's zone before anywhere else: one booth of
exactly that size first, then a run of neighbouring booths, then any set of booths. Only once
every such exact fit is made are the remaining applications given booths greedily, up to
their request and never over it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class UnplacedReason(enum.StrEnum):
    NO_REQUESTED_UNITS = "no_requested_units"
    NO_FREE_BOOTH = "no_free_booth"
    NO_BOOTH_SMALL_ENOUGH = "no_booth_small_enough"


@dataclass(frozen=True)
class BoothSlot:
    id: int
    code: str
    zone: str
    units: int
    #: Booths already given stay on the line: they separate the free booths around them.
    free: bool = True


@dataclass(frozen=True)
class Applicant:
    application_id: int
    group: str
    #: Booth units requested; None when the application never said.
    units: int | None


@dataclass(frozen=True)
class Placement:
    application_id: int
    group: str
    requested_units: int
    booth_ids: tuple[int, ...]
    units: int

    @property
    def short_by(self) -> int:
        return self.requested_units - self.units


@dataclass(frozen=True)
class Unplaced:
    application_id: int
    group: str
    requested_units: int | None
    reason: UnplacedReason


@dataclass(frozen=True)
class Proposal:
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]


def natural_key(text: str) -> list[int | str]:
    """Digits compare as numbers: A-2 before A-10. Text and numbers alternate, so the
    elements at one index always have the same type."""
    parts = re.split(r"([0-9]+)", text)
    return [int(part) if i % 2 else part.casefold() for i, part in enumerate(parts)]


def propose(applicants: Iterable[Applicant], booths: Iterable[BoothSlot]) -> Proposal:
    """Booths for each applicant; the result does not depend on the order of the inputs."""
    line = sorted(booths, key=lambda b: (natural_key(b.zone), natural_key(b.code), b.id))
    floor = _Floor(line)
    groups: dict[str, list[Applicant]] = {}
    for applicant in applicants:
        groups.setdefault(applicant.group, []).append(applicant)

    def demand(members: list[Applicant]) -> int:
        return sum(m.units or 0 for m in members)

    placements: list[Placement] = []
    unplaced: list[Unplaced] = []
    short: list[tuple[Applicant, int]] = []

    def place(applicant: Applicant, need: int, chosen: list[int]) -> None:
        booth_ids = tuple(line[p].id for p in chosen)
        units = sum(line[p].units for p in chosen)
        placements.append(
            Placement(applicant.application_id, applicant.group, need, booth_ids, units)
        )

    # First exact fits only, so that a partial fill never takes a booth that would have met
    # another request exactly. The largest groups go first, while whole zones are still free.
    for key in sorted(groups, key=lambda k: (-demand(groups[k]), k)):
        members = sorted(groups[key], key=lambda a: (-(a.units or 0), a.application_id))
        floor.start_group(demand(members))
        for applicant in members:
            if applicant.units is None or applicant.units < 1:
                reason = UnplacedReason.NO_REQUESTED_UNITS
                unplaced.append(Unplaced(applicant.application_id, key, applicant.units, reason))
            elif chosen := floor.take(applicant.units, exact=True):
                place(applicant, applicant.units, chosen)
            else:
                short.append((applicant, applicant.units))
    # Then the others, with what is left: up to their request, never over it.
    for applicant, need in short:
        if chosen := floor.take(need, exact=False):
            place(applicant, need, chosen)
        else:
            reason = (
                UnplacedReason.NO_BOOTH_SMALL_ENOUGH
                if floor.any_free()
                else UnplacedReason.NO_FREE_BOOTH
            )
            unplaced.append(Unplaced(applicant.application_id, applicant.group, need, reason))
    return Proposal(tuple(placements), tuple(unplaced))


class _Floor:
    """The line of booths, which of them are free, and where the next placement starts."""

    def __init__(self, line: Sequence[BoothSlot]) -> None:
        self.line = line
        self.free = [b.free for b in line]
        self.cursor = 0

    def any_free(self) -> bool:
        return any(self.free)

    def _order(self) -> list[int]:
        """Free positions from the cursor onwards, then those before it."""
        n = len(self.line)
        start = self.cursor % n if n else 0
        return [p for p in [*range(start, n), *range(start)] if self.free[p]]

    def _free_units(self, positions: Iterable[int]) -> int:
        return sum(self.line[p].units for p in positions if self.free[p])

    def start_group(self, demand: int) -> None:
        """Move to the next zone that holds the group whole, unless the current one does."""
        n = len(self.line)
        if not n:
            return
        start = self.cursor % n
        zone = self.line[start].zone
        rest = [p for p in range(start, n) if self.line[p].zone == zone]
        if self._free_units(rest) >= demand:
            return
        zones: dict[str, list[int]] = {}
        for p in [*range(start, n), *range(start)]:
            zones.setdefault(self.line[p].zone, []).append(p)
        for name, positions in zones.items():
            if name != zone and self._free_units(positions) >= demand:
                self.cursor = min(p for p in positions if self.free[p])
                return

    def take(self, need: int, *, exact: bool) -> list[int]:
        """Positions of booths adding up to ``need`` units (or, unless ``exact``, to as many
        as fit), marked as taken; empty when there are none.

        An exact fit in the current zone comes first, so that a group stays together.
        """
        everywhere = self._order()
        if not everywhere:
            return []
        zone = self.line[self.cursor % len(self.line)].zone
        here = [p for p in everywhere if self.line[p].zone == zone]
        chosen = self._exact(here, need) or self._exact(everywhere, need)
        if not chosen and not exact:
            chosen = self._greedy(everywhere, need)
        for p in chosen:
            self.free[p] = False
        if chosen:
            self.cursor = chosen[-1] + 1
        return chosen

    def _exact(self, order: list[int], need: int) -> list[int]:
        return (
            self._exact_single(order, need)
            or self._exact_run(order, need)
            or self._exact_subset(order, need)
        )

    def _exact_single(self, order: list[int], need: int) -> list[int]:
        return next(([p] for p in order if self.line[p].units == need), [])

    def _exact_run(self, order: list[int], need: int) -> list[int]:
        """Neighbouring free booths of one zone, without a gap, that add up to ``need``."""
        for start in order:
            run: list[int] = []
            total = 0
            p = start
            while (
                p < len(self.line)
                and self.free[p]
                and self.line[p].zone == self.line[start].zone
                and total < need
            ):
                run.append(p)
                total += self.line[p].units
                p += 1
            if total == need:
                return run
        return []

    def _exact_subset(self, order: list[int], need: int) -> list[int]:
        """The booths earliest in ``order`` that add up to ``need``, if any set does.

        reach[i] holds, as bits, the sums up to ``need`` that booths order[i:] can make; a
        booth is taken when the rest of the need can still be made from the booths after it.
        """
        mask = (1 << (need + 1)) - 1
        reach = [1] * (len(order) + 1)
        for i in range(len(order) - 1, -1, -1):
            reach[i] = (reach[i + 1] | (reach[i + 1] << self.line[order[i]].units)) & mask
        if not reach[0] >> need & 1:
            return []
        chosen: list[int] = []
        rest = need
        for i, p in enumerate(order):
            units = self.line[p].units
            if rest and units <= rest and reach[i + 1] >> (rest - units) & 1:
                chosen.append(p)
                rest -= units
        return chosen

    def _greedy(self, order: list[int], need: int) -> list[int]:
        chosen: list[int] = []
        rest = need
        for p in order:
            if self.line[p].units <= rest:
                chosen.append(p)
                rest -= self.line[p].units
        return chosen
