"""The admin application with the project's site (``ellipse.core.admin_site``): this module
is imported before the models are, so it imports nothing else."""

from django.contrib.admin.apps import AdminConfig


class EllipseAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`EllipseAdminSite` as ``admin.site``."""

    default_site = "ellipse.core.admin_site.EllipseAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

        from ellipse.core.admin_site import PERMISSIONS_STAMP
        from ellipse.core.stamps import stamps_watch

        stamps_watch(
            Permission,
            PERMISSIONS_STAMP,
            through=[Group.permissions.through, get_user_model().user_permissions.through],
        )
