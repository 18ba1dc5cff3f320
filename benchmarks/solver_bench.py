"""Benchmark the meeting solver against a greedy baseline on seeded random instances.

Usage: ``python benchmarks/solver_bench.py [--sizes small,medium,large] [--seed N]``.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from meetings.solver import greedy, objective, parse, solve

SIZES = {"small": (40, 150, 9), "medium": (200, 1000, 12), "large": (1000, 10000, 16)}


def make_instance(buyers: int, companies: int, slots: int, *, constrained: bool, seed: int) -> dict:
    """Realistic random instance: each company relevant to 3-15 buyers, scores in (0, 1]."""
    rng = random.Random(seed)
    bs = [{"id": f"B{i}", "capacity": min(slots, rng.choice((8, 9)))} for i in range(buyers)]
    cs = [{"id": f"C{i}", "capacity": min(slots, 3)} for i in range(companies)]
    pairs = []
    for c in range(companies):
        for b in rng.sample(range(buyers), min(buyers, rng.randint(3, 15))):
            pairs.append(
                {"buyer": f"B{b}", "company": f"C{c}", "score": round(rng.uniform(0.01, 1.0), 3)}
            )
    problem = {
        "slots": slots,
        "coverage_bonus": round(rng.uniform(0.5, 2.0), 2),
        "buyers": bs,
        "companies": cs,
        "pairs": pairs,
    }
    if constrained:
        for c in rng.sample(range(companies), companies // 3):
            span = rng.randint(slots // 3, (2 * slots) // 3)
            start = slots - span if rng.random() < 0.5 else 0
            cs[c]["available"] = list(range(start, start + span))
        locked, busy = [], set()
        for pair in rng.sample(pairs, max(3, buyers // 10)):
            c = int(pair["company"][1:])
            avail = cs[c].get("available", list(range(slots)))
            slot = rng.choice(avail)
            if (pair["buyer"], slot) in busy or (pair["company"], slot) in busy:
                continue
            if any(lk["company"] == pair["company"] for lk in locked):
                continue
            busy |= {(pair["buyer"], slot), (pair["company"], slot)}
            locked.append({"buyer": pair["buyer"], "company": pair["company"], "slot": slot})
        problem["locked"] = locked
    return problem


def run(sizes: list[str], seed: int) -> list[str]:
    """Run every size and scenario; return the Markdown table lines."""
    lines = [
        "| size (buyers, companies, slots) | scenario | solver time (s) | objective "
        "| upper bound | objective/bound | status | greedy time (s) | greedy objective "
        "| greedy/bound |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in sizes:
        b, c, s = SIZES[name]
        for constrained in (False, True):
            data = make_instance(b, c, s, constrained=constrained, seed=seed)
            t = time.perf_counter()
            res = solve(data)
            solver_time = time.perf_counter() - t
            t = time.perf_counter()
            prob = parse(data)
            gmeet = greedy(prob)
            gtime = time.perf_counter() - t
            gobj = objective(prob, gmeet)
            bound = res["upper_bound"]
            scen = "constrained" if constrained else "all available"
            lines.append(
                f"| {name} ({b}, {c}, {s}) | {scen} | {solver_time:.2f} | {res['objective']:.3f}"
                f" | {bound:.3f} | {res['objective'] / bound:.5f} | {res['status']}"
                f" | {gtime:.2f} | {gobj:.3f} | {gobj / bound:.4f} |"
            )
            print(lines[-1], file=sys.stderr)
            brief = {k: round(v, 3) if isinstance(v, float) else v for k, v in res["stats"].items()}
            print(f"  stats: {brief}", file=sys.stderr)
    return lines


def main() -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for s in sizes:
        if s not in SIZES:
            parser.error(f"unknown size {s!r}")
    print("\n".join(run(sizes, args.seed)))


if __name__ == "__main__":
    main()
