"""Re-time meetings (same pairs, locks kept) to reduce idle gaps in agendas."""

from __future__ import annotations

import time

from .problem import Problem
from .schedule import Schedule


def party_gaps(busy: int, avail: int) -> int:
    """Available, idle slots strictly between a party's first and last meeting."""
    if not busy:
        return 0
    low = (busy & -busy).bit_length() - 1
    span = ((1 << busy.bit_length()) - 1) & ~((1 << low) - 1)
    return (span & avail & ~busy).bit_count()


def total_gaps(problem: Problem, meetings: dict[int, int]) -> int:
    """Sum of idle gaps over every buyer and company agenda."""
    busy_b = [0] * len(problem.buyers)
    busy_c = [0] * len(problem.companies)
    for p, s in meetings.items():
        pair = problem.pairs[p]
        busy_b[pair.buyer] |= 1 << s
        busy_c[pair.company] |= 1 << s
    return sum(party_gaps(m, b.avail) for m, b in zip(busy_b, problem.buyers, strict=True)) + sum(
        party_gaps(m, c.avail) for m, c in zip(busy_c, problem.companies, strict=True)
    )


def _swap_bits(mask: int, s: int, t: int) -> int:
    if (mask >> s & 1) != (mask >> t & 1):
        mask ^= (1 << s) | (1 << t)
    return mask


def compact(
    problem: Problem, meetings: dict[int, int], deadline: float, max_component: int = 24
) -> dict[int, int]:
    """Swap two slots on Kempe components (or move one meeting) while gaps decrease."""
    sched = Schedule(problem)
    for p, s in meetings.items():
        if p not in sched.slot_of:
            sched.place(p, s)
    pairs, buyers, companies = problem.pairs, problem.buyers, problem.companies
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for e in list(sched.slot_of):
            if e in sched.locked or time.monotonic() >= deadline:
                continue
            b, c = pairs[e].buyer, pairs[e].company
            if not (
                party_gaps(sched.busy_b[b], buyers[b].avail)
                or party_gaps(sched.busy_c[c], companies[c].avail)
            ):
                continue
            s = sched.slot_of[e]
            for t in range(problem.slots):
                if t == s or not sched.common[e] >> t & 1:
                    continue
                comp = _component(sched, e, s, t, max_component)
                if comp is not None and _gain(sched, comp, s, t) > 0:
                    sched.swap(comp, s, t)
                    improved = True
                    break
    return sched.meetings()


def _component(sched: Schedule, e: int, s: int, t: int, limit: int) -> list[int] | None:
    """Edges of the s/t two-coloured component of ``e``, if all may swap."""
    pairs = sched.problem.pairs
    both = (1 << s) | (1 << t)
    seen = {e}
    stack = [e]
    while stack:
        f = stack.pop()
        if f in sched.locked or sched.common[f] & both != both or len(seen) > limit:
            return None
        b, c = pairs[f].buyer, pairs[f].company
        for g in (sched.at_b[b][s], sched.at_b[b][t], sched.at_c[c][s], sched.at_c[c][t]):
            if g >= 0 and g not in seen:
                seen.add(g)
                stack.append(g)
    return list(seen)


def _gain(sched: Schedule, comp: list[int], s: int, t: int) -> int:
    pairs, problem = sched.problem.pairs, sched.problem
    bs = {pairs[f].buyer for f in comp}
    cs = {pairs[f].company for f in comp}
    gain = 0
    for b in bs:
        mask, avail = sched.busy_b[b], problem.buyers[b].avail
        gain += party_gaps(mask, avail) - party_gaps(_swap_bits(mask, s, t), avail)
    for c in cs:
        mask, avail = sched.busy_c[c], problem.companies[c].avail
        gain += party_gaps(mask, avail) - party_gaps(_swap_bits(mask, s, t), avail)
    return gain
