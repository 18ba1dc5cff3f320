"""Pure meeting solver (no Django): choose which buyer/company pairs meet, and when.

``solve(problem_dict)`` returns ``{"meetings", "objective", "upper_bound", "status",
"stats"}``; ``validate(problem_dict)`` raises :class:`ProblemError` on invalid input.
Unrestricted problems (full availability, no locks) are solved exactly by min-cost-flow
b-matching plus König edge colouring; restricted ones by an iterated flow heuristic
polished with CP-SAT. Run ``python -m meetings.solver PROBLEM.json`` for the CLI.
"""

from __future__ import annotations

from typing import Any

from .greedy import greedy
from .pipeline import objective, solve
from .problem import Problem, ProblemError, parse

__all__ = ["Problem", "ProblemError", "greedy", "objective", "parse", "solve", "validate"]


def validate(problem: Any) -> Problem:
    """Validate a problem dict; return the parsed problem or raise :class:`ProblemError`."""
    return parse(problem)
