from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "meetings.invitations"
    label = "invitations"
    verbose_name = _("Invitations et agendas")

    def ready(self) -> None:
        from ellipse.core.spaces import register_space_block

        from .selectors import space_invitation_version

        register_space_block(space_invitation_version)  # {% invitation_block %} in the spaces
