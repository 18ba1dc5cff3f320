"""Demo accounts: the published demo password, the login list and the base roles' logins."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from .models import User
from .roles import Role, user_grant_role

DEMO_PASSWORD = "ellipse-demo-2024"  # noqa: S105 — published demo credentials


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    lands_on: str


def demo_user(*, email: str, first: str, last: str, role: str, with_password: bool = True) -> User:
    """A verified user holding ``role`` (created once; the demo password, or none when it would
    be invited)."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    if created:
        if with_password:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    user_grant_role(user=user, role=role)
    return user


def demo_seed(*, edition, rng) -> list[DemoLogin]:
    """The staff and elected-official logins."""
    demo_user(email="equipe@ellipse.demo", first="Camille", last="Martin", role=Role.STAFF)
    demo_user(email="elu@ellipse.demo", first="Dominique", last="Bernard", role=Role.OFFICIAL)
    return [
        DemoLogin(Role.STAFF.label, "equipe@ellipse.demo", DEMO_PASSWORD, "/admin/"),
        DemoLogin(Role.OFFICIAL.label, "elu@ellipse.demo", DEMO_PASSWORD, "/spaser/"),
    ]
