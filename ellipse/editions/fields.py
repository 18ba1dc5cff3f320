"""An edition's field lists, declared once: the admin's sections and the copy service read them."""

VENUE_FIELDS = ("venue", "venue_address", "access_info")
MORNING_FIELDS = (
    "morning_start",
    "welcome_minutes",
    "slot_minutes",
    "slot_count",
    "breaks",
    "max_meetings_per_buyer",
    "max_meetings_per_company",
)
AFTERNOON_FIELDS = ("afternoon_programme",)
WEIGHT_FIELDS = (
    "weight_ess",
    "weight_small",
    "weight_local",
    "weight_mutual_wish",
    "coverage_bonus",
)

#: Settings carried over from one edition to the next (not dates, not status).
COPIED_FIELDS = VENUE_FIELDS + MORNING_FIELDS + AFTERNOON_FIELDS + WEIGHT_FIELDS
