"""Who may see and change what in companies/: one place for the object-level rules."""

from ellipse.core.stamped import stamped_fact

from .models import Company, CompanyMembership

#: Moves on with every save or delete of a company membership (``CompaniesConfig.ready``).
MEMBERSHIPS_STAMP = "companies.memberships"
_kept: dict[str, tuple] = {}


def company_of(user) -> Company | None:
    """The company a signed-in user belongs to, if any (membership and company in one query,
    kept on the user for the rest of the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    relation = CompanyMembership.user.field.remote_field  # user.company_membership
    if not relation.is_cached(user):
        membership = CompanyMembership.objects.select_related("company").filter(user=user).first()
        relation.set_cached_value(user, membership)
    membership = getattr(user, "company_membership", None)
    return membership.company if membership is not None else None


def company_id_of(user) -> int | None:
    """The id of the company a signed-in user belongs to, if any: kept under
    :data:`MEMBERSHIPS_STAMP` (``ellipse.core.stamped``), so a page that needs only the id (a
    cached one) runs no membership query. Writes and forms use :func:`company_of`."""
    if not getattr(user, "is_authenticated", False):
        return None
    return stamped_fact(
        "companies.company-of",
        user.pk,
        (MEMBERSHIPS_STAMP,),
        lambda: (
            CompanyMembership.objects.filter(user=user).values_list("company_id", flat=True).first()
        ),
        kept=_kept,
    )


def can_edit_registration(user, registration) -> bool:
    """A company member edits its own registration until the edition's deadline (staff use the
    admin)."""
    own = company_of(user)
    return (
        own is not None
        and own.pk == registration.company_id
        and registration.edition.registration_is_open
    )
