"""The four roles of Ellipse, held as groups, and the permissions each one is granted.

Object-level rules (which organisation's data a user may see) live in each app's ``perms.py``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Équipe Ellipse")
    BUYER = "buyer", _("Acheteur")
    COMPANY = "company", _("Entreprise")
    OFFICIAL = "official", _("Élu·e")


# Group names are stable identifiers (the data migration creates them); labels are translated.
GROUP_NAMES: dict[str, str] = {
    Role.STAFF: "Équipe Ellipse",
    Role.BUYER: "Acheteurs",
    Role.COMPANY: "Entreprises",
    Role.OFFICIAL: "Élus",
}

# Model permissions per role, as "app_label.codename" or "app_label.*" (every permission of the
# app). Buyers and companies act on their own organisation only: the perms.py modules say which.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.STAFF: [
        "accounts.*",
        "editions.*",
        "outbox.*",
        "buyers.*",
        "companies.*",
        "meetings.*",
        "invitations.*",
        "trainings.*",
        "spaser.*",
        "sourcing.*",
    ],
    Role.BUYER: [
        "buyers.view_buyerorganisation",
        "buyers.view_plannedcontract",
        "buyers.add_plannedcontract",
        "buyers.change_plannedcontract",
        "buyers.view_buyerparticipation",
        "buyers.change_buyerparticipation",
        "meetings.view_meeting",
    ],
    Role.COMPANY: [
        "companies.view_company",
        "companies.change_company",
        "companies.view_registration",
        "companies.change_registration",
        "buyers.view_plannedcontract",
        "meetings.view_meeting",
    ],
    Role.OFFICIAL: ["accounts.view_spaser_dashboard"],
}


# Generation stamp (ellipse.core.stamps) of every user's groups: moved on by any change of a
# user's groups or of a group (ellipse.accounts.apps), so a role taken away is gone at once.
ROLES_STAMP = "accounts.roles"


# This process's users' groups under the stamp (``ellipse.core.stamped``): most signed-in
# pages then read no cache entry for the roles. Bounded.
_kept: dict[str, tuple] = {}
KEPT_MAX = 5000


def user_roles(user) -> set[str]:
    """The roles a user holds: kept on the user object for the request, and in the cache
    between requests under :data:`ROLES_STAMP` (no query on a signed-in page), and in this
    process under the same key (no cache read either)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_ellipse_roles", None)
    if cached is None:
        from ellipse.core.stamped import stamped_fact

        groups = stamped_fact(
            "accounts.roles",
            user.pk,
            (ROLES_STAMP,),
            lambda: tuple(user.groups.values_list("name", flat=True)),
            kept=_kept,
            kept_max=KEPT_MAX,
        )
        names = {name: role for role, name in GROUP_NAMES.items()}
        cached = {names[g] for g in groups if g in names}
        if user.is_superuser:  # read with the user's row, never from the cache
            cached.add(Role.STAFF)
        user._ellipse_roles = cached
    return cached


def user_has_role(user, role: str) -> bool:
    return role in user_roles(user)


def user_primary_role(user) -> str | None:
    """The role that decides the user's landing space: staff first, then the others."""
    roles = user_roles(user)
    for role in (Role.STAFF, Role.OFFICIAL, Role.BUYER, Role.COMPANY):
        if role in roles:
            return role
    return None


def user_grant_role(*, user, role: str) -> None:
    """Put a user in a role's group (staff also get admin access)."""
    from django.contrib.auth.models import Group

    group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
    user.groups.add(group)
    if role == Role.STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_ellipse_roles", None)


def roles_sync_permissions(sender=None, **kwargs) -> None:
    """Create the role groups if needed and grant them exactly the permissions above."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    # This receiver may run before auth's own for the last migrated app: make sure every
    # app's permissions exist first, or that app's would be missing from the groups.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role, name in GROUP_NAMES.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        wanted = Permission.objects.none()
        for spec in ROLE_PERMISSIONS[role]:
            app_label, codename = spec.split(".")
            qs = Permission.objects.using(using).filter(content_type__app_label=app_label)
            if codename != "*":
                qs = qs.filter(codename=codename)
            wanted = wanted | qs
        group.permissions.set(wanted.distinct())
