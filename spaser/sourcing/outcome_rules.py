"""Whether the two sides' accounts of a meeting disagree. No Django import."""

HELD = "held"
NOT_HELD = "not_held"
FOLLOW_UP = "follow_up"
NO_INTEREST = "no_interest"


def sides_disagree(company: str | None, buyer: str | None) -> bool:
    """Both answered, and one says the meeting did not take place while the other says it did,
    or one plans a follow-up the other has no interest in."""
    if not company or not buyer:
        return False
    pair = {company, buyer}
    return (NOT_HELD in pair and len(pair) == 2) or pair == {FOLLOW_UP, NO_INTEREST}
