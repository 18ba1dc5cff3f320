"""``{% trainings_of_user %}``: the sessions of the signed-in user's organisation, for the
company and buyer spaces (a block those templates include without their views knowing)."""

from django import template

from trainings.perms import registrant_of
from trainings.selectors import company_pairings_all_editions, upcoming_participants_of

register = template.Library()


@register.inclusion_tag("trainings/_space_block.html", takes_context=True)
def trainings_of_user(context) -> dict:
    user = context["request"].user
    registrant = registrant_of(user)
    participants, pairings = [], []
    if registrant is not None:
        owner = registrant[1] or {"registered_by_id": user.pk}
        participants = upcoming_participants_of(**owner)
        company_id = registrant[1].get("company_id")
        if company_id:
            pairings = company_pairings_all_editions(company_id=company_id)
    return {"participants": participants, "pairings": pairings}


@register.inclusion_tag("trainings/_agenda_afternoon.html")
def afternoon_for_company(edition, company) -> dict:
    """The afternoon of a company's agenda: its workshops and published co-contracting pairings
    at ``edition`` (two queries)."""
    from trainings.selectors import company_pairings, company_workshops

    if edition is None or company is None:
        return {"workshops": [], "pairings": []}
    return {
        "workshops": company_workshops(edition=edition, company_ids=[company.pk])[company.pk],
        "pairings": company_pairings(edition=edition, company_ids=[company.pk])[company.pk],
    }
