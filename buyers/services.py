"""Writes of buyers/: one entry point per business operation."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ellipse.accounts.roles import Role, user_grant_role

from .cpv import cpv_level, cpv_parse
from .enums import ContractStatus
from .models import (
    BuyerMembership,
    BuyerOrganisation,
    BuyerParticipation,
    CpvCode,
    PlannedContract,
)
from .resources import COLUMN_BY_FIELD, ForecastResource, normalise
from .spreadsheets import (
    SpreadsheetError,
    guess_format,
    read_cpv_rows,
    read_table,
    rows_to_csv,
    rows_to_xlsx,
)

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


# --- Forecast import ---

ROW_NEW, ROW_UPDATED, ROW_UNCHANGED, ROW_ERROR = "new", "updated", "unchanged", "error"
ROW_LABELS = {
    ROW_NEW: gettext_lazy("nouvelle"),
    ROW_UPDATED: gettext_lazy("modifiée"),
    ROW_UNCHANGED: gettext_lazy("inchangée"),
    ROW_ERROR: gettext_lazy("erreur"),
}


@dataclass
class RowError:
    column: str
    message: str


@dataclass
class RowReport:
    line: int
    reference: str
    title: str
    status: str
    errors: list[RowError] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(ROW_LABELS[self.status])


@dataclass
class ForecastImportReport:
    organisation_id: int
    year: int
    dry_run: bool
    rows: list[RowReport] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(r.status == ROW_ERROR for r in self.rows)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in (ROW_NEW, ROW_UPDATED, ROW_UNCHANGED, ROW_ERROR)}

    def error_lines(self) -> list[str]:
        """One French line per error: « ligne N, colonne « X » : message »."""
        lines = list(self.file_errors)
        for row in self.rows:
            for error in row.errors:
                lines.append(
                    _("ligne %(line)s, colonne « %(column)s » : %(message)s")
                    % {"line": row.line, "column": error.column, "message": error.message}
                )
        return lines

    def summary(self) -> str:
        counts = self.counts
        return _(
            "%(total)s ligne(s) : %(new)s nouvelle(s), %(updated)s modifiée(s), "
            "%(unchanged)s inchangée(s), %(error)s en erreur."
        ) % {"total": len(self.rows), **counts}


def _read_content(file) -> tuple[bytes, str]:
    """Bytes and name of an uploaded file, an open file, a path or raw bytes."""
    if isinstance(file, bytes | bytearray):
        return bytes(file), ""
    if isinstance(file, str | Path):
        path = Path(file)
        return path.read_bytes(), path.name
    name = getattr(file, "name", "") or ""
    if hasattr(file, "seek"):
        file.seek(0)
    limit = settings.ELLIPSE_UPLOAD_MAX_BYTES
    content = file.read(limit + 1)
    return content, name


def _generated_reference(year: int, title: str, seen: dict[str, int]) -> str:
    """Stable for the same title, so that re-uploading a file without references updates."""
    digest = hashlib.sha1(normalise(title).encode()).hexdigest()[:6].upper()  # noqa: S324
    reference = f"{year}-{digest}"
    seen[reference] = seen.get(reference, 0) + 1
    return reference if seen[reference] == 1 else f"{reference}-{seen[reference]}"


def _column_of(attribute: str) -> str:
    if attribute == "_import_lots":
        return COLUMN_BY_FIELD["lots"].header
    column = COLUMN_BY_FIELD.get(attribute)
    if column is not None:
        return column.header
    return "—"


def forecast_import(
    *,
    organisation: BuyerOrganisation,
    year: int,
    file,
    file_format: str | None = None,
    dry_run: bool = True,
    user=None,
) -> ForecastImportReport:
    """Read a forecast file and create or update ``organisation``'s lines for ``year``.

    Each row is matched on its reference (generated from the title when empty). A dry run
    writes nothing and reports every row as new / updated / unchanged / error. Otherwise the
    whole file goes in one transaction: one error and nothing is written."""
    import tablib

    report = ForecastImportReport(organisation_id=organisation.pk, year=year, dry_run=dry_run)
    content, name = _read_content(file)
    if len(content) > settings.ELLIPSE_UPLOAD_MAX_BYTES:
        report.file_errors.append(
            _("Fichier trop volumineux : %(max)s Mo au plus.")
            % {"max": settings.ELLIPSE_UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
        return report
    file_format = file_format or guess_format(name, content)
    try:
        table = read_table(content=content, file_format=file_format)
    except SpreadsheetError as error:
        report.file_errors.append(str(error))
        return report
    if table.ignored_headers:
        report.warnings.append(
            _("Colonnes ignorées (inconnues) : %(cols)s.")
            % {"cols": ", ".join(f"« {h} »" for h in table.ignored_headers)}
        )
    if not table.rows:
        report.file_errors.append(_("Le fichier ne contient aucune ligne de prévision."))
        return report

    # References: trimmed, generated when empty; the first occurrence of each one wins.
    ref_index = table.headers.index("Référence")
    title_index = table.headers.index("Objet")
    generated: dict[str, int] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(table.rows, start=1):
        reference = row[ref_index]
        if isinstance(reference, float) and reference.is_integer():
            reference = int(reference)
        reference = str(reference if reference is not None else "").strip()
        if not reference:
            reference = _generated_reference(year, str(row[title_index] or ""), generated)
        row[ref_index] = reference
        first_row.setdefault(reference, number)

    dataset = tablib.Dataset(*[tuple(r) for r in table.rows], headers=table.headers)
    resource = ForecastResource(organisation=organisation, year=year)
    resource.duplicates = first_row
    resource.line_numbers = table.line_numbers

    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=user,
        )
        for base_error in result.base_errors:
            report.file_errors.append(str(base_error.error))
        for number, (row_result, values) in enumerate(
            zip(result.rows, table.rows, strict=False), start=1
        ):
            row = RowReport(
                line=resource.line_number(number),
                reference=str(values[ref_index]),
                title=str(values[title_index] or ""),
                status={
                    "new": ROW_NEW,
                    "update": ROW_UPDATED,
                    "skip": ROW_UNCHANGED,
                }.get(row_result.import_type, ROW_ERROR),
            )
            if row_result.validation_error is not None:
                error = row_result.validation_error
                items = (
                    error.error_dict.items()
                    if hasattr(error, "error_dict")
                    else [("__all__", error.error_list)]
                )
                for attribute, errors in items:
                    for item in errors:
                        for message in item.messages if hasattr(item, "messages") else [item]:
                            row.errors.append(RowError(_column_of(attribute), str(message)))
            for error in row_result.errors:
                exc = error.error
                message = (
                    _("cette ligne contredit une règle de la base (%(e)s).") % {"e": exc}
                    if isinstance(exc, IntegrityError)
                    else _("erreur inattendue : %(e)s") % {"e": exc}
                )
                row.errors.append(RowError("—", message))
            if row.errors:
                row.status = ROW_ERROR
            report.rows.append(row)
        if dry_run or report.has_errors:
            transaction.set_rollback(True)
        else:
            report.written = True
    return report


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
    return PlannedContract.objects.filter(
        organisation=organisation, pk__in=list(ids), status=ContractStatus.DRAFT
    ).update(status=ContractStatus.PUBLISHED)


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
    one. An address that already has an account is refused (French message)."""
    from allauth.account.models import EmailAddress

    from ellipse.accounts.models import User
    from ellipse.outbox.services import email_enqueue

    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Un compte existe déjà avec l'adresse %(email)s.") % {"email": email}}
        )
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
