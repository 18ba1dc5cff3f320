"""Who may see what in ellipse/core."""

from ellipse.accounts.roles import Role, user_has_role


def can_view_job(user, job) -> bool:
    """The person who started a background job, and the Ellipse team."""
    return user_has_role(user, Role.STAFF) or (
        job.created_by_id is not None and job.created_by_id == user.pk
    )
