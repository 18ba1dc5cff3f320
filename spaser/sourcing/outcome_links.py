"""Signed links (no login) through which one party answers for its meetings of an edition."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from .enums import Side

SALT = "sourcing.meeting-outcomes"


class OutcomeLinkError(Exception):
    """The link cannot be used; the message says why, in French."""


@dataclass(frozen=True)
class OutcomeLink:
    edition_id: int
    side: str  # Side
    party_id: int  # a Company's id (company side) or a BuyerOrganisation's (buyer side)


def outcome_token(*, edition_id: int, side: str, party_id: int) -> str:
    return signing.dumps({"e": edition_id, "s": side, "p": party_id}, salt=SALT, compress=True)


def outcome_url(*, edition_id: int, side: str, party_id: int) -> str:
    token = outcome_token(edition_id=edition_id, side=side, party_id=party_id)
    return settings.SITE_URL.rstrip("/") + reverse("sourcing:outcome_answer", args=[token])


def outcome_link_read(token: str) -> OutcomeLink:
    """The party a token stands for, if it is genuine and not older than the answering window."""
    try:
        data = signing.loads(
            token,
            salt=SALT,
            max_age=dt.timedelta(days=settings.SOURCING_OUTCOME_EDIT_DAYS),
        )
    except signing.SignatureExpired as exc:
        raise OutcomeLinkError(
            _("Ce lien a expiré : les réponses ne sont plus modifiables après %(days)s jours.")
            % {"days": settings.SOURCING_OUTCOME_EDIT_DAYS}
        ) from exc
    except signing.BadSignature as exc:
        raise OutcomeLinkError(_("Ce lien n'est pas valide : vérifiez qu'il est complet.")) from exc
    if data.get("s") not in Side.values or not data.get("e") or not data.get("p"):
        raise OutcomeLinkError(_("Ce lien n'est pas valide : vérifiez qu'il est complet."))
    return OutcomeLink(edition_id=int(data["e"]), side=data["s"], party_id=int(data["p"]))
