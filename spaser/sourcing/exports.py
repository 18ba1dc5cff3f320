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
