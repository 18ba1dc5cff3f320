"""Importing a buyer's forecast file: ONE service behind the web upload, the admin, the
``import_forecasts`` command and the background task.

Validation is done in bulk: the file is read by the bounded reader, every cell by the column's
widget (French amounts, dates, labels), the existing lines of the organisation and year are
loaded in one query (plus two prefetches), references and model rules are checked in memory,
and the database's constraints remain the last guard. Writing is ``bulk_create`` /
``bulk_update`` in one transaction: all or nothing. A dry run (the preview) writes nothing.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ellipse.core.stamps import stamp_bump

from .models import BuyerOrganisation, PlannedContract, PlannedContractLot
from .resources import (
    COLUMN_BY_FIELD,
    COLUMNS,
    CpvCache,
    LotSpec,
    forecast_widgets,
    lots_render,
    normalise,
)
from .selectors import CATALOGUE_STAMP
from .spreadsheets import SpreadsheetError, guess_format, is_example_reference, read_table

ROW_NEW, ROW_UPDATED, ROW_UNCHANGED, ROW_ERROR = "new", "updated", "unchanged", "error"
ROW_LABELS = {
    ROW_NEW: gettext_lazy("nouvelle"),
    ROW_UPDATED: gettext_lazy("modifiée"),
    ROW_UNCHANGED: gettext_lazy("inchangée"),
    ROW_ERROR: gettext_lazy("erreur"),
}
FIELD_BY_HEADER = {c.header: c.field for c in COLUMNS}
ATTNAMES = {f.name: f.attname for f in PlannedContract._meta.concrete_fields}
RELATED = ("cpv_extra", "lots")
PROGRESS_EVERY = 500


@dataclass
class RowError:
    column: str
    message: str


@dataclass
class Change:
    """One value a re-upload changes, shown side by side in the preview."""

    column: str
    old: str
    new: str


@dataclass
class RowReport:
    line: int
    reference: str
    title: str
    status: str
    errors: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

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

    def shown_rows(self, limit: int = 300) -> list[RowReport]:
        """What the preview lists: errors and changes first, then new lines, up to ``limit``
        (unchanged lines are only counted)."""
        order = {ROW_ERROR: 0, ROW_UPDATED: 1, ROW_NEW: 2}
        rows = [r for r in self.rows if r.status != ROW_UNCHANGED]
        rows.sort(key=lambda r: (order[r.status], r.line))
        return rows[:limit]

    def to_dict(self) -> dict:
        """JSON-serialisable form (a background task's result)."""
        from dataclasses import asdict

        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ForecastImportReport":
        rows = [
            RowReport(
                **{
                    **row,
                    "errors": [RowError(**e) for e in row["errors"]],
                    "changes": [Change(**c) for c in row["changes"]],
                }
            )
            for row in data["rows"]
        ]
        return cls(**{**data, "rows": rows})


def read_content(file) -> tuple[bytes, str]:
    """Bytes and name of an uploaded file, an open file, a path or raw bytes (at most one byte
    more than the upload limit is read)."""
    if isinstance(file, bytes | bytearray):
        return bytes(file), ""
    if isinstance(file, str | Path):
        path = Path(file)
        with path.open("rb") as handle:
            return handle.read(settings.ELLIPSE_UPLOAD_MAX_BYTES + 1), path.name
    name = getattr(file, "name", "") or ""
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(settings.ELLIPSE_UPLOAD_MAX_BYTES + 1), name


def _generated_reference(year: int, title: str, seen: dict[str, int]) -> str:
    """Stable for the same title, so that re-uploading a file without references updates."""
    digest = hashlib.sha1(normalise(title).encode()).hexdigest()[:6].upper()  # noqa: S324
    reference = f"{year}-{digest}"
    seen[reference] = seen.get(reference, 0) + 1
    return reference if seen[reference] == 1 else f"{reference}-{seen[reference]}"


def _column_of(attribute: str) -> str:
    column = COLUMN_BY_FIELD.get(attribute)
    return column.header if column is not None else "—"


def _lots_key(lots) -> list[tuple]:
    return [
        (
            lot.number,
            lot.title,
            lot.cpv_id,
            lot.amount if isinstance(lot, LotSpec) else lot.estimated_amount,
        )
        for lot in lots
    ]


class _Existing:
    """The organisation's lines of the year, loaded once (one query each for the lines, their
    extra CPV codes and their lots, the last two only when the file has those columns)."""

    def __init__(self, organisation: BuyerOrganisation, year: int, *, extra: bool, lots: bool):
        lines = PlannedContract.objects.filter(organisation=organisation, year=year)
        self.by_reference = {line.reference: line for line in lines}
        ids = [line.pk for line in self.by_reference.values()]
        self.extra: dict[int, list[str]] = {}
        self.lots: dict[int, list[PlannedContractLot]] = {}
        if extra and ids:
            through = PlannedContract.cpv_extra.through
            for contract_id, code in through.objects.filter(plannedcontract_id__in=ids).values_list(
                "plannedcontract_id", "cpvcode_id"
            ):
                self.extra.setdefault(contract_id, []).append(code)
        if lots and ids:
            for lot in PlannedContractLot.objects.filter(contract_id__in=ids).order_by(
                "contract_id", "number"
            ):
                self.lots.setdefault(lot.contract_id, []).append(lot)

    def get(self, reference: str) -> PlannedContract | None:
        return self.by_reference.get(reference)


# Fields whose widget already gives a valid value (a known choice, a date, a boolean, a CPV
# code): model validation is spared for them.
TRUSTED_FIELDS = {
    "cpv_main",
    "procedure",
    "reservation",
    "visibility",
    "status",
    "expected_start",
    "social_clause",
    "environmental_consideration",
    "innovation",
    "renewal",
}


def _render(widget, value) -> str:
    if isinstance(value, list) and value and isinstance(value[0], LotSpec):
        return lots_render(value)
    if isinstance(value, list):
        return ", ".join(c.display_code for c in value)
    try:
        return str(widget.render(value))
    except (AttributeError, TypeError, ValueError):
        return "" if value is None else str(value)


@dataclass
class _Planned:
    """A row ready to be written."""

    instance: PlannedContract
    is_new: bool
    cpv_extra: list | None  # None: column absent or unchanged
    lots: list[LotSpec] | None


def forecast_import(
    *,
    organisation: BuyerOrganisation,
    year: int,
    file,
    file_format: str | None = None,
    dry_run: bool = True,
    user=None,
    progress: Callable[[int, int], None] | None = None,
) -> ForecastImportReport:
    """Read a forecast file and create or update ``organisation``'s lines for ``year``.

    Each row is matched on its reference (generated from the title when empty); rows marked
    as the template's examples are skipped. A dry run writes nothing and reports every row as
    new / updated (with old and new values) / unchanged / error. Otherwise the whole file goes
    in one transaction: one error and nothing is written. ``progress(done, total)`` is called
    as rows are checked and written."""
    report = ForecastImportReport(organisation_id=organisation.pk, year=year, dry_run=dry_run)
    content, name = read_content(file)
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
    del content
    if table.ignored_headers:
        report.warnings.append(
            _("Colonnes ignorées (inconnues) : %(cols)s.")
            % {"cols": ", ".join(f"« {h} »" for h in table.ignored_headers)}
        )
    ref_index = table.headers.index("Référence")
    title_index = table.headers.index("Objet")
    examples = [
        n
        for n, row in zip(table.line_numbers, table.rows, strict=True)
        if is_example_reference(row[ref_index])
    ]
    if examples:
        report.warnings.append(
            _("Ligne(s) d'exemple du modèle ignorée(s) : %(lines)s.")
            % {"lines": ", ".join(str(n) for n in examples)}
        )
    rows = [
        (n, row)
        for n, row in zip(table.line_numbers, table.rows, strict=True)
        if not is_example_reference(row[ref_index])
    ]
    if not rows:
        report.file_errors.append(
            _("Le fichier ne contient que la ligne d'exemple du modèle : ajoutez vos lignes.")
            if examples
            else _("Le fichier ne contient aucune ligne de prévision.")
        )
        return report
    del table.rows

    headers = table.headers
    columns = [(i, h, FIELD_BY_HEADER[h]) for i, h in enumerate(headers) if h != "Référence"]
    scalar_fields = [f for _i, _h, f in columns if f not in RELATED]
    cpv_cache = CpvCache()
    widgets = forecast_widgets(cpv_cache)
    present = {name for _i, _h, name in columns}
    existing = _Existing(organisation, year, extra="cpv_extra" in present, lots="lots" in present)
    validated = [
        f.name
        for f in PlannedContract._meta.concrete_fields
        if f.name in scalar_fields and f.name not in TRUSTED_FIELDS
    ]
    not_validated = [
        f.name for f in PlannedContract._meta.concrete_fields if f.name not in validated
    ]
    generated: dict[str, int] = {}
    first_line: dict[str, int] = {}
    planned: list[_Planned] = []
    total = len(rows)

    for done, (line, values) in enumerate(rows, start=1):
        reference = values[ref_index]
        if isinstance(reference, float) and reference.is_integer():
            reference = int(reference)
        reference = str(reference if reference is not None else "").strip()
        if not reference:
            reference = _generated_reference(year, str(values[title_index] or ""), generated)
        row = RowReport(
            line=line,
            reference=reference,
            title=str(values[title_index] or "").strip(),
            status=ROW_NEW,
        )
        report.rows.append(row)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total * 2 if not dry_run else total)
        if reference in first_line:
            row.errors.append(
                RowError(
                    "Référence",
                    _("Référence « %(ref)s » en double dans le fichier (déjà ligne %(line)s).")
                    % {"ref": reference, "line": first_line[reference]},
                )
            )
            row.status = ROW_ERROR
            continue
        first_line[reference] = line
        if len(reference) > PlannedContract._meta.get_field("reference").max_length:
            row.errors.append(
                RowError("Référence", _("Référence trop longue : 60 caractères au plus."))
            )
        cleaned: dict = {}
        for index, header, name in columns:
            try:
                cleaned[name] = widgets[name].clean(values[index])
            except ValueError as error:
                row.errors.append(RowError(header, str(error)))
        if "cpv_main" in cleaned and cleaned["cpv_main"] is None:
            row.errors.append(
                RowError(_column_of("cpv_main"), _("Le code CPV principal est obligatoire."))
            )
        original = existing.get(reference)
        instance = (
            PlannedContract(organisation=organisation, year=year, reference=reference)
            if original is None
            else original
        )
        # Compared by attname: cpv_main_id, not a query for the CpvCode of each line.
        old = (
            {name: getattr(instance, ATTNAMES[name]) for name in scalar_fields} if original else {}
        )
        for name in scalar_fields:
            if name in cleaned:
                setattr(instance, name, cleaned[name])
        errored = {FIELD_BY_HEADER.get(e.column) for e in row.errors}
        try:
            instance.clean_fields(exclude=[*not_validated, *errored])
        except ValidationError as error:
            for attribute, messages in error.message_dict.items():
                for message in messages:
                    row.errors.append(RowError(_column_of(attribute), message))
        if row.errors:
            row.status = ROW_ERROR
            if original is not None:  # leave the loaded line as it was
                for name, value in old.items():
                    setattr(original, ATTNAMES[name], value)
            continue

        extra = cleaned.get("cpv_extra") if "cpv_extra" in cleaned else None
        lots = cleaned.get("lots") if "lots" in cleaned else None
        if original is None:
            planned.append(_Planned(instance, True, extra or None, lots or None))
            continue
        for name in scalar_fields:
            if old[name] != getattr(instance, ATTNAMES[name]):
                widget = widgets[name]
                before = cpv_cache.by_code(old[name]) if name == "cpv_main" else old[name]
                row.changes.append(
                    Change(
                        _column_of(name), _render(widget, before), _render(widget, cleaned[name])
                    )
                )
        if extra is not None:
            before = sorted(existing.extra.get(original.pk, []))
            if before != sorted(c.pk for c in extra):
                row.changes.append(
                    Change(
                        _column_of("cpv_extra"),
                        ", ".join(before),
                        ", ".join(c.display_code for c in extra),
                    )
                )
            else:
                extra = None
        if lots is not None:
            before_lots = existing.lots.get(original.pk, [])
            if _lots_key(before_lots) != _lots_key(lots):
                row.changes.append(
                    Change(_column_of("lots"), lots_render(before_lots), lots_render(lots))
                )
            else:
                lots = None
        if row.changes:
            row.status = ROW_UPDATED
            planned.append(_Planned(instance, False, extra, lots))
        else:
            row.status = ROW_UNCHANGED

    if dry_run or report.has_errors:
        if progress is not None:
            progress(total, total)
        return report
    try:
        _write(planned=planned, scalar_fields=scalar_fields, progress=progress, total=total)
    except IntegrityError as error:
        report.file_errors.append(
            _("Le fichier contredit une règle de la base : rien n'a été enregistré (%(e)s).")
            % {"e": error}
        )
        return report
    report.written = True
    return report


@transaction.atomic
def _write(*, planned: list[_Planned], scalar_fields: list[str], progress, total: int) -> None:
    """bulk_create the new lines, bulk_update the changed ones, then their CPV codes and lots."""
    new = [p.instance for p in planned if p.is_new]
    changed = [p.instance for p in planned if not p.is_new]
    stamp_bump(CATALOGUE_STAMP)  # bulk writes: no signal
    PlannedContract.objects.bulk_create(new, batch_size=1000)
    if progress is not None:
        progress(total + total // 2, total * 2)
    if changed:
        now = timezone.now()
        for instance in changed:
            instance.updated_at = now
        fields = [f for f in scalar_fields if f != "reference"] + ["updated_at"]
        PlannedContract.objects.bulk_update(changed, fields, batch_size=500)
    through = PlannedContract.cpv_extra.through
    extra_for = [p for p in planned if p.cpv_extra is not None]
    through.objects.filter(
        plannedcontract_id__in=[p.instance.pk for p in extra_for if not p.is_new]
    ).delete()
    through.objects.bulk_create(
        [
            through(plannedcontract_id=p.instance.pk, cpvcode_id=code.pk)
            for p in extra_for
            for code in p.cpv_extra
        ],
        batch_size=2000,
    )
    lots_for = [p for p in planned if p.lots is not None]
    PlannedContractLot.objects.filter(
        contract_id__in=[p.instance.pk for p in lots_for if not p.is_new]
    ).delete()
    PlannedContractLot.objects.bulk_create(
        [
            PlannedContractLot(
                contract_id=p.instance.pk,
                number=lot.number,
                title=lot.title,
                cpv_id=lot.cpv_id,
                estimated_amount=lot.amount,
            )
            for p in lots_for
            for lot in p.lots
        ],
        batch_size=2000,
    )
    if progress is not None:
        progress(total * 2, total * 2)


# --- In the background: large files checked and imported by a Celery task with progress ---


def forecast_import_job_start(
    *,
    organisation: BuyerOrganisation,
    year: int,
    token: str,
    path: str,
    name: str,
    dry_run: bool,
    user=None,
    done_url: str = "",
    upload_url: str = "",
):
    """Record a job for a stored upload (its progress on a ``BackgroundJob``: one at a time per
    organisation and year, ``JobAlreadyRunning`` otherwise) and queue it after the commit."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from ellipse.core.jobs import job_create
    from ellipse.core.queueing import task_enqueue_on_commit

    from .models import ForecastImportJob
    from .tasks import forecast_import_job

    label = (
        _("Vérification du fichier « %(name)s »")
        if dry_run
        else _("Import du fichier « %(name)s »")
    ) % {"name": name}
    with transaction.atomic():
        job = job_create(
            kind="forecast-import",
            key=f"forecast-import-{organisation.pk}-{year}",
            label=label,
            by=user if getattr(user, "is_authenticated", False) else None,
            return_url=upload_url,
        )
        forecast_job = ForecastImportJob.objects.create(
            job=job,
            organisation=organisation,
            year=year,
            token=token,
            path=path,
            name=name,
            dry_run=dry_run,
            done_url=done_url,
        )
        # Once done, the progress page goes on to the preview (or the result) page.
        next_url = reverse("buyers:import_job", args=[forecast_job.pk])
        if upload_url:
            next_url += "?" + urlencode({"retour": upload_url})
        job.result = {"next_url": next_url}
        job.save(update_fields=["result"])
        task_enqueue_on_commit(forecast_import_job, job_id=str(forecast_job.pk))
    return forecast_job


def forecast_import_job_run(*, job_id) -> None:
    """Run a job (idempotent: a job already started is left alone), reporting progress on its
    BackgroundJob and keeping the report for the preview page."""
    from django.core.files.storage import default_storage

    from ellipse.core.jobs import job_begin, job_fail, job_finish, job_progress

    from .models import ForecastImportJob

    forecast_job = (
        ForecastImportJob.objects.select_related("organisation", "job__created_by")
        .filter(pk=job_id)
        .first()
    )
    if forecast_job is None or not job_begin(job_id=forecast_job.job_id):
        return
    background_id = forecast_job.job_id

    def progress(done: int, total: int) -> None:
        job_progress(job_id=background_id, done=done, total=total)

    try:
        with default_storage.open(forecast_job.path, "rb") as handle:
            report = forecast_import(
                organisation=forecast_job.organisation,
                year=forecast_job.year,
                file=handle,
                file_format="xlsx" if forecast_job.path.endswith(".xlsx") else "csv",
                dry_run=forecast_job.dry_run,
                user=forecast_job.job.created_by,
                progress=progress,
            )
    except FileNotFoundError:
        job_fail(job_id=background_id, error=_("Ce dépôt a expiré : déposez le fichier à nouveau."))
        return
    except Exception as exc:
        job_fail(job_id=background_id, error=f"{type(exc).__name__}: {exc}")
        raise
    if report.written and default_storage.exists(forecast_job.path):
        default_storage.delete(forecast_job.path)
    ForecastImportJob.objects.filter(pk=forecast_job.pk).update(report=report.to_dict())
    job_finish(
        job_id=background_id,
        result={**forecast_job.job.result, "lines": [report.summary()]},
    )
