"""Who may see and change what in companies/: one place for the object-level rules."""


from .models import Company


def company_of(user) -> Company | None:
    """The company a signed-in user belongs to, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
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
