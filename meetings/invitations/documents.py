"""Generated documents: build, store, regenerate when what they show has changed.

``documents_ensure`` is the one entry point (``document_ensure`` for one document,
``agenda_documents_ensure`` for a participant's PDF and calendar): it locks the (edition, kind,
owner) rows, compares the hash of the current context with the stored one, and renders only
when they differ.
"""

import time
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ellipse.pdf import pdf_render

from . import agendas
from .enums import DocumentKind
from .ics import agenda_ics
from .models import GeneratedDocument


class NothingToShow(Exception):
    """The owner has no published meeting in this edition."""


@dataclass(frozen=True)
class DocumentSpec:
    template: str
    filename: str
    ics: bool = False


SPECS = {
    DocumentKind.COMPANY_AGENDA: DocumentSpec("pdf/agenda_company.html", "agenda-{year}.pdf"),
    DocumentKind.BUYER_AGENDA: DocumentSpec("pdf/agenda_buyer.html", "agenda-{year}.pdf"),
    DocumentKind.COMPANY_ICS: DocumentSpec("", "rendez-vous-{year}.ics", ics=True),
    DocumentKind.BUYER_ICS: DocumentSpec("", "rendez-vous-{year}.ics", ics=True),
    DocumentKind.BOOKLET: DocumentSpec("pdf/booklet.html", "livret-{year}.pdf"),
}


def document_context(*, edition, kind: str, owner_id: int) -> dict:
    if kind in (DocumentKind.COMPANY_AGENDA, DocumentKind.COMPANY_ICS):
        contexts = agendas.company_agendas(edition=edition, company_ids=[owner_id])
    elif kind in (DocumentKind.BUYER_AGENDA, DocumentKind.BUYER_ICS):
        contexts = agendas.buyer_agendas(edition=edition, buyer_ids=[owner_id])
    else:
        booklet = agendas.booklet_context(edition=edition)
        if not booklet["buyers"]:
            raise NothingToShow
        return booklet
    if owner_id not in contexts:
        raise NothingToShow
    return contexts[owner_id]


def document_render(*, kind: str, context: dict) -> bytes:
    spec = SPECS[kind]
    if spec.ics:
        return agenda_ics(context)
    return pdf_render(template=spec.template, context={"agenda": context})


def document_ensure(
    *, edition, kind: str, owner_id: int, context: dict | None = None
) -> GeneratedDocument:
    """The stored document, generated now if missing or out of date. ``context`` may be given
    when the caller already built it (batches build every context in a few queries)."""
    if context is None:
        context = document_context(edition=edition, kind=kind, owner_id=owner_id)
    return documents_ensure(edition=edition, owner_id=owner_id, kinds=[kind], context=context)[0]


def _locked(edition, owner_id: int, kinds: list[str]) -> dict[str, GeneratedDocument]:
    rows = GeneratedDocument.objects.select_for_update().filter(
        edition=edition, kind__in=kinds, owner_id=owner_id
    )
    return {row.kind: row for row in rows}


def documents_ensure(
    *, edition, owner_id: int, kinds: list[str], context: dict
) -> list[GeneratedDocument]:
    """The documents of one owner built from one context (its PDF and its calendar), each
    generated now if missing or out of date: their rows are locked together in one transaction
    (a handful of queries, not a lock, an insert and an update per document)."""
    digest = agendas.context_hash(context)
    with transaction.atomic():
        rows = _locked(edition, owner_id, kinds)
        if missing := [kind for kind in kinds if kind not in rows]:
            # A concurrent worker's insert wins; its row is then locked and read below.
            GeneratedDocument.objects.bulk_create(
                [
                    GeneratedDocument(edition=edition, kind=kind, owner_id=owner_id)
                    for kind in missing
                ],
                ignore_conflicts=True,
            )
            rows = _locked(edition, owner_id, kinds)
        changed = []
        for kind in kinds:
            document = rows[kind]
            if (
                document.content_hash == digest
                and document.file
                and default_storage.exists(document.file.name)
            ):
                continue
            started = time.perf_counter()
            content = document_render(kind=kind, context=context)
            elapsed = time.perf_counter() - started
            name = f"documents/{edition.year}/{kind}/{owner_id}/{digest[:16]}/" + SPECS[
                kind
            ].filename.format(year=edition.year)
            if default_storage.exists(name):
                default_storage.delete(name)
            document.file.name = default_storage.save(name, ContentFile(content))
            document.content_hash = digest
            document.size = len(content)
            document.render_seconds = round(elapsed, 4)
            document.generated_at = timezone.now()
            changed.append(document)
        if changed:
            GeneratedDocument.objects.bulk_update(
                changed, ["file", "content_hash", "size", "render_seconds", "generated_at"]
            )
    # Earlier versions stay on disk: a queued e-mail may still attach them.
    return [rows[kind] for kind in kinds]


PAIRS = {
    "company": (DocumentKind.COMPANY_AGENDA, DocumentKind.COMPANY_ICS),
    "buyer": (DocumentKind.BUYER_AGENDA, DocumentKind.BUYER_ICS),
}


def agenda_documents_ensure(*, edition, owner_kind: str, owner_id: int) -> list[GeneratedDocument]:
    """PDF and ICS of one participant, from one context (one set of queries)."""
    pdf_kind, ics_kind = PAIRS[owner_kind]
    context = document_context(edition=edition, kind=pdf_kind, owner_id=owner_id)
    return documents_ensure(
        edition=edition, owner_id=owner_id, kinds=[pdf_kind, ics_kind], context=context
    )


def agenda_documents_ensure_many(
    *, edition, owner_kind: str, owner_ids: list[int]
) -> dict[int, list[GeneratedDocument]]:
    """PDF and ICS of several participants of one kind: their contexts built together (the same
    few queries as for one), then each participant's pair in its own transaction. Participants
    with nothing to show are left out."""
    pdf_kind, ics_kind = PAIRS[owner_kind]
    if owner_kind == "company":
        contexts = agendas.company_agendas(edition=edition, company_ids=owner_ids)
    else:
        contexts = agendas.buyer_agendas(edition=edition, buyer_ids=owner_ids)
    return {
        owner_id: documents_ensure(
            edition=edition, owner_id=owner_id, kinds=[pdf_kind, ics_kind], context=context
        )
        for owner_id, context in contexts.items()
    }
