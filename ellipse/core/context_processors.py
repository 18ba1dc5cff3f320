from ellipse.accounts.roles import Role, user_primary_role, user_roles


def roles(request) -> dict:
    """The signed-in user's roles, for menus and landing links."""
    user = getattr(request, "user", None)
    held = user_roles(user) if user is not None else set()
    return {
        "user_roles": held,
        "user_primary_role": user_primary_role(user) if user is not None else None,
        "Role": Role,
    }
