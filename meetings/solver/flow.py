"""Degree-constrained b-matching with a concave coverage bonus, by min-cost flow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .problem import Problem
from .scaling import ceil_scaled, pick_scale

FLOW_SCALE = 10**9


@dataclass(slots=True)
class FlowResult:
    """Chosen pairs and the optimum in real units (an upper bound, see ``bound``)."""

    pairs: list[int]
    bound: float


def bmatching(
    problem: Problem,
    pairs: Sequence[int],
    buyer_cap: Sequence[int],
    company_cap: Sequence[int],
    covered: Sequence[bool],
) -> FlowResult:
    """Maximise scores + bonus per newly covered company over ``pairs``.

    ``covered[c]`` marks companies whose bonus is already earned. Weights are
    rounded up to integers, so ``bound`` is a proven upper bound of the real
    optimum over this relaxation; the chosen pairs are optimal up to that rounding.
    """
    nb, nc = len(problem.buyers), len(problem.companies)
    bonus = problem.coverage_bonus
    max_w = max([problem.pairs[p].score for p in pairs] + [bonus, 1.0])
    scale = pick_scale(max_w, len(pairs) + nc + 1, FLOW_SCALE)
    source, sink, boff, coff = 0, 1, 2, 2 + nb
    supply = int(sum(buyer_cap))
    tails: list[int] = [source]
    heads: list[int] = [sink]
    caps: list[int] = [supply]
    costs: list[int] = [0]
    for b in range(nb):
        if buyer_cap[b] > 0:
            tails.append(source)
            heads.append(boff + b)
            caps.append(int(buyer_cap[b]))
            costs.append(0)
    first_pair = len(tails)
    for p in pairs:
        pair = problem.pairs[p]
        tails.append(boff + pair.buyer)
        heads.append(coff + pair.company)
        caps.append(1)
        costs.append(-ceil_scaled(pair.score, scale))
    last_pair = len(tails)
    bonus_int = ceil_scaled(bonus, scale)
    for c in range(nc):
        cap = int(company_cap[c])
        if cap <= 0:
            continue
        if covered[c] or bonus_int == 0:
            tails.append(coff + c)
            heads.append(sink)
            caps.append(cap)
            costs.append(0)
            continue
        tails += [coff + c, coff + c]
        heads += [sink, sink]
        caps += [1, cap - 1]
        costs += [-bonus_int, 0]
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int64),
        np.array(heads, dtype=np.int64),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    supplies = np.zeros(coff + nc, dtype=np.int64)
    supplies[source], supplies[sink] = supply, -supply
    flow.set_nodes_supplies(np.arange(coff + nc, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = flow.flows(np.arange(first_pair, last_pair, dtype=np.int64))
    chosen = [p for p, f in zip(pairs, flows, strict=True) if f > 0]
    return FlowResult(chosen, -flow.optimal_cost() / scale)
