"""Reads of the invitations: who receives them, when they were sent, what a space shows."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.urls import reverse

from buyers.models import BuyerMembership, BuyerOrganisation
from companies.enums import RegistrationStatus
from companies.models import Company, Registration
from ellipse.core.stamps import stamp
from ellipse.editions.models import Edition
from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from ellipse.outbox.services import SENT_STAMP
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from meetings.perms import agenda_owner_key
from meetings.stamps import ANY, GRID


@dataclass(frozen=True)
class Recipient:
    kind: str  # "company" | "buyer"
    owner_id: int
    owner_name: str
    email: str
    user_id: int | None
    key: str  # stable per recipient within an edition


def invitation_batch(edition) -> str:
    return f"invitations-{edition.year}"


def invitation_recipients(*, edition) -> tuple[list[Recipient], list[str]]:
    """Everyone to invite, and the names of organisations that have nobody to write to.
    Three queries whatever the size of the edition."""
    published = Meeting.objects.filter(edition=edition, status=MeetingStatus.PUBLISHED)
    companies = (
        Company.objects.filter(
            Exists(published.filter(company=OuterRef("pk"))),
            Exists(
                Registration.objects.filter(
                    edition=edition, company=OuterRef("pk"), status=RegistrationStatus.RETAINED
                )
            ),
        )
        .only("pk", "legal_name", "trade_name", "contact_email")
        .order_by("pk")
    )
    recipients, missing = [], []
    for company in companies:
        if not company.contact_email:
            missing.append(str(company))
            continue
        recipients.append(
            Recipient("company", company.pk, str(company), company.contact_email, None,
                      f"company-{company.pk}")
        )  # fmt: skip
    buyers = BuyerOrganisation.objects.filter(
        Exists(published.filter(buyer=OuterRef("pk")))
    ).order_by("pk")
    members: dict[int, list] = {}
    for membership in BuyerMembership.objects.filter(
        organisation__in=buyers, user__is_active=True
    ).select_related("user"):
        members.setdefault(membership.organisation_id, []).append(membership.user)
    for buyer in buyers:
        users = members.get(buyer.pk, [])
        if not users:
            missing.append(buyer.name)
        for user in sorted(users, key=lambda u: u.pk):
            recipients.append(
                Recipient("buyer", buyer.pk, buyer.name, user.email, user.pk,
                          f"buyer-{buyer.pk}-user-{user.pk}")
            )  # fmt: skip
    return recipients, missing


def invitation_last_sent(*, edition, owner_kind: str, owner_id: int):
    """When this company's or organisation's invitation was last sent (None if never)."""
    return (
        OutgoingEmail.objects.filter(
            batch=invitation_batch(edition),
            status=EmailStatus.SENT,
            context__owner_kind=owner_kind,
            context__owner_id=owner_id,
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )


def space_invitation_version() -> str:
    """What the spaces' invitation block depends on beyond the user's organisation: the stamps
    its cache is kept under (a page caching the block keys on it too)."""
    return stamp(ANY, GRID, SENT_STAMP)


def space_invitation_status(*, user) -> dict | None:
    """The latest published edition where the user's organisation has meetings: when its
    invitation was sent and where to download the agenda. None when there is nothing to show.
    Kept in the cache per organisation until a meeting, an edition or a sent e-mail changes."""
    owner = agenda_owner_key(user)
    if owner is None:
        return None
    kind, owner_id = owner
    key = f"invitations.status:{kind}:{owner_id}:{space_invitation_version()}"
    found = cache.get(key)
    if found is None:
        found = {"status": _invitation_status(kind=kind, owner_id=owner_id)}
        cache.set(key, found, 3600)
    return found["status"]


def _invitation_status(*, kind: str, owner_id: int) -> dict | None:
    filters = {"company_id": owner_id} if kind == "company" else {"buyer_id": owner_id}
    edition = (
        Edition.objects.filter(
            meetings__status=MeetingStatus.PUBLISHED,
            **{f"meetings__{k}": v for k, v in filters.items()},
        )
        .order_by("-year")
        .first()
    )
    if edition is None:
        return None
    return {  # plain values (cached): never a pickled model across deploys
        "edition": {"pk": edition.pk, "year": edition.year, "title": edition.title},
        "meetings": Meeting.objects.filter(
            edition=edition, status=MeetingStatus.PUBLISHED, **filters
        ).count(),
        "sent_at": invitation_last_sent(edition=edition, owner_kind=kind, owner_id=owner_id),
        "pdf_url": reverse("invitations:agenda_pdf", args=[edition.year]),
        "ics_url": reverse("invitations:agenda_ics", args=[edition.year]),
    }
