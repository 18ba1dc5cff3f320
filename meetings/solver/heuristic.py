"""Iterated flow + most-constrained-first slot placement for restricted problems."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .flow import bmatching
from .problem import Problem
from .schedule import Schedule


@dataclass(slots=True)
class HeuristicResult:
    """A feasible schedule and the flow relaxation's proven upper bound."""

    schedule: Schedule
    bound: float
    rounds: int


def residual_flow(problem: Problem, sched: Schedule, banned: set[int]):
    """Flow over unplaced pairs with a common free slot, on residual capacities."""
    full = problem.full
    bcap = [
        min(b.capacity - sched.load_b[i], (b.avail & ~sched.busy_b[i] & full).bit_count())
        for i, b in enumerate(problem.buyers)
    ]
    ccap = [
        min(c.capacity - sched.load_c[i], (c.avail & ~sched.busy_c[i] & full).bit_count())
        for i, c in enumerate(problem.companies)
    ]
    pairs = [
        p
        for p in range(len(problem.pairs))
        if p not in sched.slot_of and p not in banned and sched.free_common(p)
    ]
    covered = [load > 0 for load in sched.load_c]
    return bmatching(problem, pairs, bcap, ccap, covered)


def placed_value(problem: Problem, sched: Schedule) -> float:
    """Real objective of the schedule's meetings."""
    score = sum(problem.pairs[p].score for p in sched.slot_of)
    return score + problem.coverage_bonus * sum(1 for load in sched.load_c if load > 0)


def heuristic(problem: Problem, deadline: float, max_rounds: int = 8) -> HeuristicResult:
    """Place flow-chosen pairs, most constrained first; re-run the flow on what is left."""
    sched = Schedule(problem)
    banned: set[int] = set()
    bound = None
    rounds = 0
    while rounds < max_rounds and time.monotonic() < deadline:
        base = placed_value(problem, sched)
        res = residual_flow(problem, sched, banned)
        rounds += 1
        if bound is None:
            bound = base + res.bound
        if not res.pairs:
            break
        res.pairs.sort(key=lambda p: (sched.free_common(p).bit_count(), -problem.pairs[p].score))
        placed = 0
        for p in res.pairs:
            if sched.has_room(p) and sched.try_place(p):
                placed += 1
            else:
                banned.add(p)
        if not placed:
            break
    fill(problem, sched)
    return HeuristicResult(sched, bound if bound is not None else 0.0, rounds)


def fill(problem: Problem, sched: Schedule) -> None:
    """Greedily add any remaining pair with positive gain that still fits."""
    bonus = problem.coverage_bonus
    rest = [p for p in range(len(problem.pairs)) if p not in sched.slot_of]
    rest.sort(
        key=lambda p: (
            -(problem.pairs[p].score + (bonus if not sched.load_c[problem.pairs[p].company] else 0))
        )
    )
    for p in rest:
        if problem.pairs[p].score <= 0 and sched.load_c[problem.pairs[p].company]:
            continue
        if sched.has_room(p):
            sched.try_place(p, max_chain=16)
