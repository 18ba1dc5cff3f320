"""Greedy baseline: best score first, each in the first common free slot."""

from __future__ import annotations

from .problem import Problem
from .schedule import Schedule


def greedy(problem: Problem) -> dict[int, int]:
    """Keep locks, then place pairs by decreasing score where both parties are free."""
    sched = Schedule(problem)
    order = sorted(range(len(problem.pairs)), key=lambda p: -problem.pairs[p].score)
    for p in order:
        if p in sched.slot_of or not sched.has_room(p):
            continue
        free = sched.free_common(p)
        if free:
            sched.place(p, (free & -free).bit_length() - 1)
    return sched.meetings()
