"""``{% invitation_block user %}``: in a company's or buyer's space, "invitation sent on …" and
the links to download their own agenda (PDF) and calendar (ICS)."""

from django import template

from ..selectors import space_invitation_status

register = template.Library()


@register.inclusion_tag("invitations/invitation_block.html")
def invitation_block(user) -> dict:
    return {"status": space_invitation_status(user=user)}
