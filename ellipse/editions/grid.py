"""The morning grid: slot times from a start, a slot length and breaks. No Django import."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True)
class Slot:
    index: int
    start: time
    end: time

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def slot_grid(
    *,
    start: time,
    slot_minutes: int,
    slot_count: int,
    breaks: list[dict] | None = None,
    welcome_minutes: int = 0,
) -> list[Slot]:
    """Slots of the morning. ``breaks``: ``[{"after_slot": 4, "minutes": 15}]`` (0-based index
    of the slot the break follows); ``welcome_minutes``: a breakfast before the first slot."""
    pauses = {int(b["after_slot"]): int(b["minutes"]) for b in (breaks or [])}
    cursor = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=welcome_minutes)
    slots = []
    for index in range(slot_count):
        end = cursor + timedelta(minutes=slot_minutes)
        slots.append(Slot(index=index, start=cursor.time(), end=end.time()))
        cursor = end + timedelta(minutes=pauses.get(index, 0))
    return slots
