"""CLI: ``python -m meetings.solver PROBLEM.json|- [--time-limit S]`` prints JSON."""

from __future__ import annotations

import argparse
import json
import sys

from .pipeline import solve
from .problem import ProblemError


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (2 on an invalid problem)."""
    parser = argparse.ArgumentParser(prog="python -m meetings.solver", description=__doc__)
    parser.add_argument("problem", help="problem JSON file, or - for stdin")
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds (default 20)")
    parser.add_argument("--no-compact", action="store_true", help="skip idle-gap removal")
    args = parser.parse_args(argv)
    try:
        if args.problem == "-":
            text = sys.stdin.read()
        else:
            with open(args.problem, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        print(f"error: cannot read {args.problem}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        data = json.loads(text)
        result = solve(data, time_limit=args.time_limit, compact_gaps=not args.no_compact)
    except json.JSONDecodeError as exc:
        print(f"error: malformed JSON: {exc}", file=sys.stderr)
        return 2
    except ProblemError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
