"""Who may see and change what in companies/: one place for the object-level rules."""

from .models import Company, CompanyMembership


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


def can_edit_registration(user, registration) -> bool:
    """A company member edits its own registration until the edition's deadline (staff use the
    admin)."""
    own = company_of(user)
    return (
        own is not None
        and own.pk == registration.company_id
        and registration.edition.registration_is_open
    )
