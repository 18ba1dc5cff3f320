"""The national solver instance (1,000 buyers × 10,000 companies × 16 slots, no restricted
availabilities) from several generators: what makes one instance take seconds longer.

Usage: ``.venv/bin/python benchmarks/solver_generators.py [--seed 1] [--time-limit 60]``.
Prints a Markdown table (pairs, time, ratio to the 10 s goal, where the time goes).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from solver_bench import make_instance

from meetings.solver import solve

GOAL_SECONDS = 10
#: Scores as the relevance gives them: few distinct values (CPV depth, keywords, bonuses).
DISCRETE = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.85, 1.0, 1.1, 1.3]


def generated(buyers, companies, slots, *, seed, per, discrete) -> dict:
    rng = random.Random(seed)
    bs = [{"id": f"B{i}", "capacity": min(slots, rng.choice((8, 9)))} for i in range(buyers)]
    cs = [{"id": f"C{i}", "capacity": 3} for i in range(companies)]
    pairs = []
    for c in range(companies):
        for b in rng.sample(range(buyers), rng.randint(*per)):
            score = rng.choice(DISCRETE) if discrete else round(rng.uniform(0.01, 1.0), 3)
            pairs.append({"buyer": f"B{b}", "company": f"C{c}", "score": score})
    return {"slots": slots, "coverage_bonus": 1.0, "buyers": bs, "companies": cs, "pairs": pairs}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--only", help="run the generators whose name contains this")
    args = parser.parse_args()
    size = (1000, 10000, 16)
    instances = [
        ("solver_bench (3–15 buyers a company, uniform scores)",
         lambda: make_instance(*size, constrained=False, seed=args.seed)),
        ("sparse, discrete scores",
         lambda: generated(*size, seed=args.seed, per=(3, 15), discrete=True)),
        ("dense (30–60), uniform scores",
         lambda: generated(*size, seed=args.seed, per=(30, 60), discrete=False)),
        ("dense (30–60), discrete scores",
         lambda: generated(*size, seed=args.seed, per=(30, 60), discrete=True)),
        # What the relevance gives since issue 14's rule: no division-only candidates and at
        # most CANDIDATE_BUYERS (10) matched buyers a company (wishes on top).
        ("capped as the relevance (5–10), discrete scores",
         lambda: generated(*size, seed=args.seed, per=(5, 10), discrete=True)),
    ]  # fmt: skip
    print("| generator | pairs | time (s) | ratio to 10 s | status | flow (s) | colouring (s) |")
    print("|---|---|---|---|---|---|---|")
    for name, make in instances:
        if args.only and args.only not in name:
            continue
        problem = make()
        started = time.perf_counter()
        result = solve(problem, time_limit=args.time_limit)
        seconds = time.perf_counter() - started
        stats = result["stats"]
        print(
            f"| {name} | {len(problem['pairs'])} | {seconds:.1f} | {seconds / GOAL_SECONDS:.2f} "
            f"| {result['status']} | {stats.get('time_flow', 0):.1f} "
            f"| {stats.get('time_colouring', 0):.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
