"""Writes of buyers/: one entry point per business operation."""

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ellipse.accounts.roles import Role, user_grant_role
from ellipse.core.stamps import stamp_bump

from .cpv import cpv_level, cpv_parse
from .enums import ContractStatus
from .models import (
    BuyerMembership,
    BuyerOrganisation,
    BuyerParticipation,
    CpvCode,
    PlannedContract,
)
from .resources import ForecastResource
from .selectors import CATALOGUE_STAMP
from .services_forecasts import (  # noqa: F401 (the public entry points of the import)
    ROW_ERROR,
    ROW_LABELS,
    ROW_NEW,
    ROW_UNCHANGED,
    ROW_UPDATED,
    Change,
    ForecastImportReport,
    RowError,
    RowReport,
    forecast_import,
    forecast_import_job_run,
    forecast_import_job_start,
)
from .spreadsheets import read_cpv_rows, rows_to_csv, rows_to_xlsx

# --- CPV nomenclature ---


@transaction.atomic
def cpv_load_rows(*, rows: Iterable[tuple[str, str]]) -> int:
    """Create or update CPV codes from ``(code, French label)`` pairs; returns how many."""
    existing = set(CpvCode.objects.values_list("code", flat=True))
    to_create, to_update = [], []
    for raw_code, label in rows:
        code8, check = cpv_parse(raw_code)
        obj = CpvCode(
            code=code8,
            check_digit=check,
            label=label.strip()[:400],
            level=cpv_level(code8),
            division=code8[:2],
        )
        (to_update if code8 in existing else to_create).append(obj)
    CpvCode.objects.bulk_create(to_create, batch_size=1000)
    CpvCode.objects.bulk_update(
        to_update, ["check_digit", "label", "level", "division"], batch_size=1000
    )
    return len(to_create) + len(to_update)


def cpv_load_file(*, path: str | Path) -> int:
    """Load the SIMAP file (XLSX/CSV, ``CODE`` + ``FR`` columns) or a ``code``/``libelle_fr`` CSV.

    Raises ``SpreadsheetError`` or ``ValueError`` (bad code) with a French message; all or
    nothing."""
    path = Path(path)
    rows = read_cpv_rows(content=path.read_bytes(), name=path.name)
    return cpv_load_rows(rows=rows)


# --- Forecast import: buyers/services_forecasts.py (re-exported here) ---

# --- Exports ---

EXPORT_PREFIX = ["Organisation", "Année"]


def forecast_export(*, queryset, file_format: str) -> bytes:
    """Planned contracts as the upload's columns (plus organisation and year), formulas
    neutralised; the file can be edited and uploaded again."""
    queryset = (
        queryset.select_related("organisation", "cpv_main")
        .prefetch_related("cpv_extra", "lots")
        .order_by("organisation__name", "year", "reference")
    )
    resource = ForecastResource()
    headers = EXPORT_PREFIX + resource.get_export_headers()
    rows = (
        [contract.organisation.name, contract.year, *resource.export_resource(contract)]
        for contract in queryset
    )
    if file_format == "xlsx":
        return rows_to_xlsx(headers=headers, rows=rows)
    return rows_to_csv(headers=headers, rows=rows)


# --- Planned contracts edited one by one ---


@transaction.atomic
def planned_contract_save(*, contract: PlannedContract, cpv_extra=None, user=None):
    """Validate and save a line edited in the buyer's space or created there."""
    contract.full_clean()
    contract.save()
    if cpv_extra is not None:
        contract.cpv_extra.set(cpv_extra)
    return contract


@transaction.atomic
def planned_contracts_publish(*, organisation: BuyerOrganisation, ids: Iterable[int]) -> int:
    """Publish draft lines of ``organisation`` (others' ids are ignored); returns how many."""
    count = PlannedContract.objects.filter(
        organisation=organisation, pk__in=list(ids), status=ContractStatus.DRAFT
    ).update(status=ContractStatus.PUBLISHED)
    stamp_bump(CATALOGUE_STAMP)  # update(): no signal
    return count


# --- Participation at the convention ---


@transaction.atomic
def participation_save(
    *,
    organisation: BuyerOrganisation,
    edition,
    attendees: str,
    available_slots: list[int],
    max_meetings: int,
    table: str = "",
    update_table: bool = False,
) -> BuyerParticipation:
    """Who attends, which morning slots, how many meetings. The table is staff's to set."""
    participation, _created = BuyerParticipation.objects.select_for_update().get_or_create(
        edition=edition, organisation=organisation
    )
    valid = {slot.index for slot in edition.slots}
    slots = sorted({int(s) for s in available_slots})
    if any(s not in valid for s in slots):
        raise ValidationError({"available_slots": _("Créneau inconnu.")})
    limit = min(edition.max_meetings_per_buyer, len(slots) if slots else edition.slot_count)
    if max_meetings > limit:
        raise ValidationError(
            {
                "max_meetings": _(
                    "Au plus %(n)s rendez-vous avec les créneaux choisis et les règles de "
                    "l'édition."
                )
                % {"n": limit}
            }
        )
    participation.attendees = attendees
    participation.available_slots = [] if len(slots) == len(valid) else slots
    participation.max_meetings = max_meetings
    if update_table:
        participation.table = table
    participation.full_clean()
    participation.save()
    return participation


# --- Buyer users ---


def invitation_link(user) -> str:
    """allauth's « set your password » link for ``user`` (valid PASSWORD_RESET_TIMEOUT)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def buyer_invite(
    *,
    organisation: BuyerOrganisation,
    email: str,
    first_name: str = "",
    last_name: str = "",
    invited_by=None,
):
    """Create a buyer user of ``organisation`` (no password), and e-mail them a link to choose
    one; returns the new user.

    The form says nothing about other accounts: when the address already has one elsewhere
    (a company, another organisation, the staff), nothing is created, its owner is told by
    e-mail (at most once a day per organisation) and None is returned, so that the person
    inviting learns nothing they could not know. A colleague already in ``organisation`` is a
    French error: the inviting buyer sees that list in their space anyway."""
    from allauth.account.models import EmailAddress

    from ellipse.accounts.models import User
    from ellipse.outbox.services import email_enqueue

    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if BuyerMembership.objects.filter(user=existing, organisation=organisation).exists():
            raise ValidationError(
                {"email": _("%(email)s fait déjà partie de votre organisation.") % {"email": email}}
            )
        email_enqueue(
            to=existing.email,
            template="buyers/invitation_existing_account",
            context={
                "organisation_name": organisation.name,
                "login_url": settings.SITE_URL.rstrip("/") + reverse("account_login"),
            },
            category="service",
            recipient=existing,
            dedup_key=f"buyer-invite-existing:{organisation.pk}:{existing.pk}:"
            f"{timezone.localdate().isoformat()}",
        )
        return None
    user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    BuyerMembership.objects.create(user=user, organisation=organisation)
    user_grant_role(user=user, role=Role.BUYER)
    inviter = ""
    if invited_by is not None:
        inviter = invited_by.get_full_name() or invited_by.email
    email_enqueue(
        to=email,
        template="buyers/invitation",
        context={
            "first_name": first_name,
            "organisation_name": organisation.name,
            "inviter": inviter,
            "set_password_url": invitation_link(user),
            "space_url": settings.SITE_URL.rstrip("/") + reverse("buyers:space"),
        },
        category="service",
        recipient=user,
    )
    return user
