"""Who may see the SPASER module: elected officials (read only) and staff."""

from ellipse.accounts.roles import Role, user_has_role


def can_view_spaser(user) -> bool:
    return user.is_authenticated and (
        user_has_role(user, Role.OFFICIAL) or user_has_role(user, Role.STAFF)
    )


def can_edit_spaser(user) -> bool:
    """Imports and manual figures: staff only, in the admin."""
    return user.is_authenticated and user_has_role(user, Role.STAFF)
