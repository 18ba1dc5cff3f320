"""``{% invitation_block user %}``: in a company's or buyer's space, "invitation sent on …" and
the links to download their own agenda (PDF) and calendar (ICS)."""

from django import template
from django.utils.module_loading import import_string

register = template.Library()


@register.inclusion_tag("outbox/invitation_block.html")
def invitation_block(user) -> dict:
    space_status = import_string("meetings.invitations.selectors.space_invitation_status")
    return {"status": space_status(user=user)}
