"""View decorators enforcing roles (object-level rules stay in each app's perms.py)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from ellipse.accounts.roles import user_has_role


def role_required(*roles: str) -> Callable:
    """Signed-in users holding one of ``roles`` (staff always pass); others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(user_has_role(request.user, r) for r in (*roles, "staff")):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
