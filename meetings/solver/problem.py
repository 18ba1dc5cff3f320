"""Parse and validate a meeting problem into indexed dataclasses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


class ProblemError(ValueError):
    """An invalid problem; the message names the offending entry."""


@dataclass(frozen=True, slots=True)
class Party:
    """A buyer or a company: capacity and availability as a slot bitmask."""

    id: str
    capacity: int
    avail: int


@dataclass(frozen=True, slots=True)
class Pair:
    """A possible meeting between buyer and company indexes."""

    buyer: int
    company: int
    score: float


@dataclass(slots=True)
class Problem:
    """An indexed, validated problem. ``locks`` maps pair index to slot."""

    slots: int
    coverage_bonus: float
    buyers: list[Party]
    companies: list[Party]
    pairs: list[Pair]
    locks: dict[int, int] = field(default_factory=dict)

    @property
    def full(self) -> int:
        """Bitmask of every slot."""
        return (1 << self.slots) - 1

    @property
    def restricted(self) -> bool:
        """True when some availability is restricted or a meeting is locked."""
        full = self.full
        parties = self.buyers + self.companies
        return bool(self.locks) or any(p.avail != full for p in parties)

    def common(self, pair: int) -> int:
        """Bitmask of the slots where both parties of ``pair`` are available."""
        p = self.pairs[pair]
        return self.buyers[p.buyer].avail & self.companies[p.company].avail


def bits(mask: int) -> list[int]:
    """Slot indexes set in ``mask``, ascending."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _entries(data: dict, key: str, required: bool) -> list:
    if key not in data:
        if required:
            raise ProblemError(f"missing '{key}'")
        return []
    value = data[key]
    if not isinstance(value, list):
        raise ProblemError(f"{key}: must be a list")
    return value


def _field(entry: Any, where: str, key: str) -> Any:
    if not isinstance(entry, dict):
        raise ProblemError(f"{where}: must be an object")
    if key not in entry:
        raise ProblemError(f"{where}: missing '{key}'")
    return entry[key]


def _parties(data: dict, key: str, slots: int) -> tuple[list[Party], dict[str, int]]:
    parties: list[Party] = []
    index: dict[str, int] = {}
    for i, entry in enumerate(_entries(data, key, True)):
        where = f"{key}[{i}]"
        pid = _field(entry, where, "id")
        if not isinstance(pid, str) or not pid:
            raise ProblemError(f"{where}: id must be a non-empty string")
        if pid in index:
            raise ProblemError(f"{where}: duplicate id '{pid}'")
        cap = _field(entry, where, "capacity")
        if not _is_int(cap) or cap < 0:
            raise ProblemError(f"{where}: capacity must be a non-negative integer, got {cap!r}")
        if cap > slots:
            raise ProblemError(f"{where}: capacity {cap} exceeds slots ({slots})")
        avail = (1 << slots) - 1
        if entry.get("available") is not None:
            raw = entry["available"]
            if not isinstance(raw, list):
                raise ProblemError(f"{where}.available: must be a list")
            avail = 0
            for j, slot in enumerate(raw):
                if not _is_int(slot) or not 0 <= slot < slots:
                    raise ProblemError(
                        f"{where}.available[{j}]: slot {slot!r} out of range 0..{slots - 1}"
                    )
                if avail >> slot & 1:
                    raise ProblemError(f"{where}.available[{j}]: duplicate slot {slot}")
                avail |= 1 << slot
        index[pid] = len(parties)
        parties.append(Party(pid, cap, avail))
    return parties, index


def _ref(entry: dict, where: str, kind: str, index: dict[str, int]) -> int:
    pid = _field(entry, where, kind)
    if not isinstance(pid, str) or pid not in index:
        raise ProblemError(f"{where}: unknown {kind} {pid!r}")
    return index[pid]


def parse(data: Any) -> Problem:
    """Validate a problem dict and return the indexed :class:`Problem`.

    Raises :class:`ProblemError` naming the first offending entry.
    """
    if not isinstance(data, dict):
        raise ProblemError("problem: must be a JSON object")
    slots = data.get("slots")
    if not _is_int(slots) or slots < 1:
        raise ProblemError(f"slots: must be a positive integer, got {slots!r}")
    bonus = data.get("coverage_bonus", 0.0)
    if bonus is None:
        bonus = 0.0
    if not _is_number(bonus) or bonus < 0:
        raise ProblemError(f"coverage_bonus: must be a non-negative number, got {bonus!r}")
    buyers, bindex = _parties(data, "buyers", slots)
    companies, cindex = _parties(data, "companies", slots)
    pairs: list[Pair] = []
    pindex: dict[tuple[int, int], int] = {}
    for i, entry in enumerate(_entries(data, "pairs", True)):
        where = f"pairs[{i}]"
        b = _ref(entry, where, "buyer", bindex)
        c = _ref(entry, where, "company", cindex)
        score = _field(entry, where, "score")
        if not _is_number(score) or score < 0:
            raise ProblemError(f"{where}: score must be a non-negative number, got {score!r}")
        if (b, c) in pindex:
            raise ProblemError(f"{where}: duplicate pair ('{buyers[b].id}', '{companies[c].id}')")
        pindex[b, c] = len(pairs)
        pairs.append(Pair(b, c, float(score)))
    problem = Problem(slots, float(bonus), buyers, companies, pairs)
    _locks(data, problem, pindex)
    return problem


def _locks(data: dict, problem: Problem, pindex: dict[tuple[int, int], int]) -> None:
    bindex = {p.id: i for i, p in enumerate(problem.buyers)}
    cindex = {p.id: i for i, p in enumerate(problem.companies)}
    busy: dict[tuple[str, int, int], int] = {}
    load: dict[tuple[str, int], int] = {}
    for i, entry in enumerate(_entries(data, "locked", False)):
        where = f"locked[{i}]"
        b = _ref(entry, where, "buyer", bindex)
        c = _ref(entry, where, "company", cindex)
        buyer, company = problem.buyers[b], problem.companies[c]
        slot = _field(entry, where, "slot")
        if not _is_int(slot) or not 0 <= slot < problem.slots:
            raise ProblemError(f"{where}: slot {slot!r} out of range 0..{problem.slots - 1}")
        pair = pindex.get((b, c))
        if pair is None:
            raise ProblemError(f"{where}: pair ('{buyer.id}', '{company.id}') is not listed")
        if pair in problem.locks:
            raise ProblemError(f"{where}: pair ('{buyer.id}', '{company.id}') locked twice")
        for kind, idx, party in (("buyer", b, buyer), ("company", c, company)):
            if not party.avail >> slot & 1:
                raise ProblemError(f"{where}: slot {slot} outside {kind} '{party.id}' availability")
            other = busy.get((kind, idx, slot))
            if other is not None:
                raise ProblemError(
                    f"{where}: {kind} '{party.id}' already locked in slot {slot} by locked[{other}]"
                )
            busy[kind, idx, slot] = i
            load[kind, idx] = load.get((kind, idx), 0) + 1
            if load[kind, idx] > party.capacity:
                raise ProblemError(
                    f"{where}: {kind} '{party.id}' locked beyond capacity {party.capacity}"
                )
        problem.locks[pair] = slot
