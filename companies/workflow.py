"""The selection workflow of a registration: which status may follow which. No Django import.

registered → to call → qualified → retained / waiting list / not retained. Staff may also skip
the call (registered → qualified, for a company met in person), reconsider a decision (waiting
list → retained, retained → waiting list…) or send a company back to the call queue. A
"not retained" decision always carries a reason.
"""

REGISTERED = "registered"
TO_CALL = "to_call"
QUALIFIED = "qualified"
RETAINED = "retained"
WAITING_LIST = "waiting_list"
NOT_RETAINED = "not_retained"

DECISIONS = frozenset({RETAINED, WAITING_LIST, NOT_RETAINED})

ALLOWED: dict[str, frozenset[str]] = {
    REGISTERED: frozenset({TO_CALL, QUALIFIED, NOT_RETAINED}),
    TO_CALL: frozenset({QUALIFIED, NOT_RETAINED}),
    QUALIFIED: frozenset({TO_CALL, RETAINED, WAITING_LIST, NOT_RETAINED}),
    RETAINED: frozenset({WAITING_LIST, NOT_RETAINED}),
    WAITING_LIST: frozenset({RETAINED, NOT_RETAINED}),
    NOT_RETAINED: frozenset({WAITING_LIST, RETAINED, QUALIFIED}),
}
REASON_REQUIRED = frozenset({NOT_RETAINED})


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())


def allowed_targets(from_status: str) -> list[str]:
    order = [REGISTERED, TO_CALL, QUALIFIED, RETAINED, WAITING_LIST, NOT_RETAINED]
    return [s for s in order if is_allowed(from_status, s)]


def needs_reason(to_status: str) -> bool:
    return to_status in REASON_REQUIRED
