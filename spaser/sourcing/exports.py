"""The directory's result as a spreadsheet (formulas neutralised by the shared writers)."""

from django.utils.translation import gettext as _

from buyers.spreadsheets import rows_to_csv, rows_to_xlsx

from .selectors import DirectoryQuery, directory_prefetch, directory_search, match_reasons


def directory_export(*, query: DirectoryQuery, file_format: str) -> bytes:
    headers = [
        _("Raison sociale"),
        _("Nom commercial"),
        _("SIRET"),
        _("Commune"),
        _("Code postal"),
        _("Statut ESS"),
        _("Type de SIAE"),
        _("Taille"),
        _("Code NAF"),
        _("Codes CPV"),
        _("Activité"),
        _("Labels et certifications"),
        _("Contact"),
        _("E-mail"),
        _("Téléphone"),
        _("Pourquoi"),
    ]
    companies = directory_prefetch(directory_search(query=query))
    rows = (
        [
            c.legal_name,
            c.trade_name,
            c.siret,
            c.commune,
            c.postal_code,
            c.get_ess_status_display(),
            c.get_siae_type_display(),
            c.get_size_class_display(),
            c.naf_code,
            ", ".join(code.code for code in c.cpv_codes.all()),
            c.description,
            c.labels,
            c.contact_name,
            c.contact_email,
            str(c.contact_phone or ""),
            " ; ".join(match_reasons(company=c, query=query)),
        ]
        for c in companies.iterator(chunk_size=500)
    )
    if file_format == "xlsx":
        return rows_to_xlsx(headers=headers, rows=rows)
    return rows_to_csv(headers=headers, rows=rows)


def outcomes_export(*, overview, file_format: str) -> bytes:
    """The staff's overview of the outcomes, one line per meeting."""
    headers = [
        _("Acheteur"),
        _("SIRET de l'acheteur"),
        _("Entreprise"),
        _("SIRET de l'entreprise"),
        _("Créneau"),
        _("Réponse de l'entreprise"),
        _("Absence (entreprise)"),
        _("Suites (entreprise)"),
        _("Commentaire de l'entreprise"),
        _("Réponse de l'acheteur"),
        _("Absence (acheteur)"),
        _("Suites (acheteur)"),
        _("Commentaire de l'acheteur"),
        _("Désaccord"),
        _("Marchés notifiés depuis"),
    ]

    def side(outcome):
        if outcome is None:
            return ["", "", "", ""]
        return [
            outcome.get_status_display(),
            outcome.get_absence_display() if outcome.absence else "",
            ", ".join(outcome.follow_up_labels),
            outcome.comment,
        ]

    rows = (
        [
            row.meeting.buyer.name,
            row.meeting.buyer.siret or "",
            str(row.meeting.company),
            row.meeting.company.siret,
            row.meeting.slot + 1,
            *side(row.company),
            *side(row.buyer),
            _("oui") if row.disagree else "",
            "" if row.contracts is None else len(row.contracts),
        ]
        for row in overview.rows
    )
    if file_format == "xlsx":
        return rows_to_xlsx(headers=headers, rows=rows)
    return rows_to_csv(headers=headers, rows=rows)
