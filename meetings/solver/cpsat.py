"""Joint CP-SAT model over (pair, slot) booleans, hinted with a heuristic schedule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .problem import Problem, bits
from .scaling import ceil_scaled, pick_scale

CP_SCALE = 10**6


@dataclass(slots=True)
class CpResult:
    """Best meetings found (pair -> slot), proven bound (real units) and solver status."""

    meetings: dict[int, int] | None
    bound: float | None
    status: str
    variables: int


class _StopAt(cp_model.CpSolverSolutionCallback):
    """Stop the search once the incumbent reaches a known upper bound."""

    def __init__(self, target: float) -> None:
        super().__init__()
        self.target = target

    def on_solution_callback(self) -> None:
        if self.objective_value >= self.target:
            self.stop_search()


def count_variables(problem: Problem, pairs: Sequence[int]) -> int:
    """Number of (pair, slot) booleans the model would have for ``pairs``."""
    return sum(problem.common(p).bit_count() for p in pairs)


def solve_cpsat(
    problem: Problem,
    pairs: Sequence[int],
    hint: dict[int, int],
    time_limit: float,
    known_bound: float | None = None,
    seed: int = 0,
    gap_limit: float = 0.0,
) -> CpResult:
    """Optimise meetings over ``pairs`` (locks always kept) within ``time_limit`` seconds.

    The bound is proven for the model; it bounds the whole problem only when
    ``pairs`` holds every pair. CP-SAT stops early at a relative gap of ``gap_limit``.
    """
    locks = problem.locks
    lock_b = [0] * len(problem.buyers)
    lock_c = [0] * len(problem.companies)
    load_b = [0] * len(problem.buyers)
    load_c = [0] * len(problem.companies)
    const = 0.0
    for p, s in locks.items():
        pair = problem.pairs[p]
        lock_b[pair.buyer] |= 1 << s
        lock_c[pair.company] |= 1 << s
        load_b[pair.buyer] += 1
        load_c[pair.company] += 1
        const += pair.score
    const += problem.coverage_bonus * sum(1 for n in load_c if n)
    free_pairs = [p for p in pairs if p not in locks]
    max_w = max([problem.pairs[p].score for p in free_pairs] + [problem.coverage_bonus, 1.0])
    scale = pick_scale(
        max_w, count_variables(problem, free_pairs) + len(load_c), CP_SCALE, limit=2**52
    )
    model = cp_model.CpModel()
    by_b: dict[tuple[int, int], list] = defaultdict(list)
    by_c: dict[tuple[int, int], list] = defaultdict(list)
    cap_b: dict[int, list] = defaultdict(list)
    cap_c: dict[int, list] = defaultdict(list)
    pairs_c: dict[int, list[int]] = defaultdict(list)
    xs: dict[tuple[int, int], cp_model.IntVar] = {}
    terms, weights = [], []
    for p in free_pairs:
        pair = problem.pairs[p]
        slots = problem.common(p) & ~lock_b[pair.buyer] & ~lock_c[pair.company]
        if not slots:
            continue
        w = ceil_scaled(pair.score, scale)
        mine = []
        for s in bits(slots):
            x = model.new_bool_var(f"x{p}_{s}")
            xs[p, s] = x
            mine.append(x)
            by_b[pair.buyer, s].append(x)
            by_c[pair.company, s].append(x)
            terms.append(x)
            weights.append(w)
        model.add_at_most_one(mine)
        cap_b[pair.buyer].extend(mine)
        cap_c[pair.company].extend(mine)
        pairs_c[pair.company].append(p)
    for group in (*by_b.values(), *by_c.values()):
        if len(group) > 1:
            model.add_at_most_one(group)
    for b, group in cap_b.items():
        room = problem.buyers[b].capacity - load_b[b]
        if len(group) > room:
            model.add(sum(group) <= room)
    bonus = ceil_scaled(problem.coverage_bonus, scale)
    for c, group in cap_c.items():
        room = problem.companies[c].capacity - load_c[c]
        if len(group) > room:
            model.add(sum(group) <= room)
        if bonus and not load_c[c]:
            y = model.new_bool_var(f"y{c}")
            model.add_bool_or(group).only_enforce_if(y)
            terms.append(y)
            weights.append(bonus)
            hinted = any((p, hint.get(p)) in xs for p in pairs_c[c])
            model.add_hint(y, hinted)
    model.maximize(cp_model.LinearExpr.weighted_sum(terms, weights))
    for (p, s), x in xs.items():
        model.add_hint(x, hint.get(p) == s)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.relative_gap_limit = gap_limit
    callback = None
    if known_bound is not None:
        callback = _StopAt((known_bound - const) * scale * (1 - 1e-9))
    status = solver.solve(model, callback)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CpResult(None, None, name, len(xs))
    meetings = dict(locks)
    for (p, s), x in xs.items():
        if solver.boolean_value(x):
            meetings[p] = s
    bound = const + solver.best_objective_bound / scale
    return CpResult(meetings, bound, name, len(xs))
