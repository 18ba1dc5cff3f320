"""Solver pipeline: exact flow + colouring, or heuristic + CP-SAT, then compaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .colouring import edge_colouring
from .compact import compact, total_gaps
from .cpsat import CP_SCALE, count_variables, solve_cpsat
from .flow import bmatching
from .heuristic import heuristic
from .problem import Problem, parse

#: Above this many (pair, slot) booleans the joint CP-SAT model is restricted.
CP_FULL_VARIABLES = 20_000
#: Above this many booleans even the restricted model is skipped.
CP_MAX_VARIABLES = 40_000
TOLERANCE = 1e-9


def objective(problem: Problem, meetings: dict[int, int]) -> float:
    """Scores of the meetings plus the bonus per company with a meeting."""
    pairs = problem.pairs
    covered = {pairs[p].company for p in meetings}
    return sum(pairs[p].score for p in meetings) + problem.coverage_bonus * len(covered)


def _exact(problem: Problem, stats: dict[str, Any]) -> tuple[dict[int, int], float]:
    t = time.perf_counter()
    res = bmatching(
        problem,
        range(len(problem.pairs)),
        [b.capacity for b in problem.buyers],
        [c.capacity for c in problem.companies],
        [False] * len(problem.companies),
    )
    stats["time_flow"] = time.perf_counter() - t
    t = time.perf_counter()
    edges = [(problem.pairs[p].buyer, problem.pairs[p].company) for p in res.pairs]
    colours = edge_colouring(edges, len(problem.buyers), len(problem.companies), problem.slots)
    stats["time_colouring"] = time.perf_counter() - t
    stats["method"] = "flow+colouring"
    return dict(zip(res.pairs, colours, strict=True)), res.bound


def _neighbourhood(problem: Problem, kept: set[int], budget: int) -> list[int]:
    """Kept pairs plus the best other pairs of their parties, within ``budget`` booleans."""
    chosen = set(kept)
    used = count_variables(problem, chosen)
    others = sorted(
        (p for p in range(len(problem.pairs)) if p not in chosen),
        key=lambda p: -problem.pairs[p].score,
    )
    for p in others:
        n = problem.common(p).bit_count()
        if used + n > budget:
            break
        chosen.add(p)
        used += n
    return sorted(chosen)


def _restricted(
    problem: Problem, stats: dict[str, Any], deadline: float, seed: int, gap_limit: float
) -> tuple[dict[int, int], float, bool]:
    t = time.perf_counter()
    heur = heuristic(problem, deadline)
    meetings = heur.schedule.meetings()
    bound = heur.bound
    stats["time_heuristic"] = time.perf_counter() - t
    stats["heuristic_rounds"] = heur.rounds
    stats["heuristic_objective"] = value = objective(problem, meetings)
    stats["method"] = "flow-heuristic"
    proven = _closed(problem, meetings, bound)
    all_vars = count_variables(problem, range(len(problem.pairs)))
    stats["cpsat_variables_full"] = all_vars
    remaining = deadline - time.monotonic()
    if proven or remaining < 0.1 or value >= bound * (1 - gap_limit):
        return meetings, bound, proven
    if all_vars <= CP_FULL_VARIABLES:
        candidates, full = list(range(len(problem.pairs))), True
    else:
        candidates = _neighbourhood(problem, set(meetings), CP_FULL_VARIABLES)
        full = False
    if count_variables(problem, candidates) > CP_MAX_VARIABLES:
        return meetings, bound, False
    t = time.perf_counter()
    cp = solve_cpsat(
        problem, candidates, meetings, remaining, known_bound=bound, seed=seed, gap_limit=gap_limit
    )
    stats["time_cpsat"] = time.perf_counter() - t
    stats["cpsat_status"] = cp.status
    stats["cpsat_variables"] = cp.variables
    stats["cpsat_scope"] = "full" if full else "restricted"
    if cp.meetings is not None:
        stats["method"] = "flow-heuristic+cpsat"
        if objective(problem, cp.meetings) > value:
            meetings = cp.meetings
            value = objective(problem, meetings)
        if full and cp.bound is not None:
            bound = min(bound, cp.bound)
            # With a gap limit CP-SAT says OPTIMAL at that gap: check the gap ourselves.
            proven = cp.status == "OPTIMAL" and (
                gap_limit == 0 or _closed(problem, meetings, bound)
            )
    return meetings, bound, proven


def _closed(problem: Problem, meetings: dict[int, int], bound: float) -> bool:
    """The objective meets the bound up to the rounding of weights (1/CP_SCALE each)."""
    terms = 2 * len(meetings) + 1
    value = objective(problem, meetings)
    return value >= bound - terms / CP_SCALE - TOLERANCE * abs(bound)


def solve(
    problem: dict | Problem,
    *,
    time_limit: float = 20.0,
    compact_gaps: bool = True,
    seed: int = 0,
    gap_limit: float = 1e-4,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Solve a problem dict (see package docs) and return the solution dict.

    Restricted problems stop once within ``gap_limit`` (relative) of the proven bound,
    or at ``time_limit`` seconds; ``gap_limit=0`` asks CP-SAT for a proof of optimality.
    ``progress(stage)`` is told each stage reached: ``"parsed"``, ``"assigned"`` (meetings
    chosen and placed in slots), ``"compacted"`` (gaps closed).

    Raises :class:`~meetings.solver.problem.ProblemError` on an invalid problem.
    """
    start = time.perf_counter()
    deadline = time.monotonic() + time_limit
    t = time.perf_counter()
    prob = problem if isinstance(problem, Problem) else parse(problem)
    stats: dict[str, Any] = {"time_parse": time.perf_counter() - t}
    step = progress or (lambda stage: None)
    step("parsed")
    if prob.restricted:
        # Keep a slice of the budget for compaction.
        meetings, bound, proven = _restricted(
            prob, stats, deadline - 0.1 * time_limit, seed, gap_limit
        )
    else:
        meetings, bound = _exact(prob, stats)
        proven = True
    step("assigned")
    value = objective(prob, meetings)
    if compact_gaps:
        t = time.perf_counter()
        stats["gaps_before"] = total_gaps(prob, meetings)
        meetings = compact(prob, meetings, max(deadline, time.monotonic() + 0.05))
        stats["gaps_after"] = total_gaps(prob, meetings)
        stats["time_compact"] = time.perf_counter() - t
        step("compacted")
    stats.update(
        buyers=len(prob.buyers),
        companies=len(prob.companies),
        pairs=len(prob.pairs),
        locked=len(prob.locks),
        meetings=len(meetings),
        covered_companies=len({prob.pairs[p].company for p in meetings}),
        gap=(bound - value) / bound if bound > 0 else 0.0,
        time_total=time.perf_counter() - start,
    )
    return {
        "meetings": _export(prob, meetings),
        "objective": value,
        "upper_bound": bound,
        "status": "optimal" if proven else "feasible",
        "stats": stats,
    }


def _export(problem: Problem, meetings: dict[int, int]) -> list[dict[str, Any]]:
    rows = [
        {
            "buyer": problem.buyers[problem.pairs[p].buyer].id,
            "company": problem.companies[problem.pairs[p].company].id,
            "slot": s,
        }
        for p, s in meetings.items()
    ]
    rows.sort(key=lambda m: (m["slot"], m["buyer"], m["company"]))
    return rows
