from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ellipse.accounts"
    label = "accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from ellipse.core.stamps import stamps_watch

        from .roles import ROLES_STAMP, roles_sync_permissions

        # Roles are cached between requests: any change of a user's groups moves them on.
        stamps_watch(Group, ROLES_STAMP, through=[get_user_model().groups.through])

        # Permissions of every app exist only once all of them are migrated: the groups are
        # created by a data migration, their permissions are (re)granted after each migrate.
        post_migrate.connect(roles_sync_permissions, dispatch_uid="ellipse-roles-permissions")
