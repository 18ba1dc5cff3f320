"""Writes of meetings/, by concern: computing the schedule (``computing``, with the stored
relevance of ``relevance``), publishing it (``publishing``) and editing it by hand (``edits``).

Importing this package does not load the solver's libraries (OR-Tools): ``computing`` imports
the solver when a computation runs.
"""

from ..selectors import buyer_capacity, schedule_is_published
from .computing import (
    DEFAULT_TIME_LIMIT,
    ScheduleError,
    ScheduleReport,
    edition_schedule,
    schedule_run_execute,
    schedule_run_request,
)
from .edits import meeting_add, meeting_cancel, meeting_lock, meeting_move, meeting_swap
from .publishing import schedule_publish
from .relevance import edition_relevance_request, edition_relevance_store

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "ScheduleError",
    "ScheduleReport",
    "buyer_capacity",
    "edition_relevance_request",
    "edition_relevance_store",
    "edition_schedule",
    "meeting_add",
    "meeting_cancel",
    "meeting_lock",
    "meeting_move",
    "meeting_swap",
    "schedule_is_published",
    "schedule_publish",
    "schedule_run_execute",
    "schedule_run_request",
]
