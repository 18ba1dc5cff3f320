"""django-import-export's file formats, read by the project's bounded reader.

The library's own XLSX format trusts the sheet's declared dimension (a few kilobytes can ask for
gigabytes); these formats read through ``ellipse.core.spreadsheets`` instead, with the import
limits of the settings, and the admin mixin shows the reader's French message.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from .spreadsheets import SpreadsheetError, SpreadsheetLimits, read_dataset


def _check_size(data: bytes) -> None:
    limit = settings.ELLIPSE_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise SpreadsheetError(
            _("Fichier trop volumineux : %(max)s Mo au plus.") % {"max": limit // (1024 * 1024)}
        )


class BoundedXLSX(XLSX):
    def create_dataset(self, in_stream):
        _check_size(in_stream)
        return read_dataset(
            content=in_stream, file_format="xlsx", limits=SpreadsheetLimits.from_settings()
        )


class BoundedCSV(CSV):
    """Read as bytes, so that Windows-1252 files are accepted as on the buyers' side."""

    def get_read_mode(self):
        return "rb"

    def is_binary(self):
        return True

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        _check_size(in_stream)
        return read_dataset(
            content=in_stream, file_format="csv", limits=SpreadsheetLimits.from_settings()
        )


BOUNDED_FORMATS = [BoundedXLSX, BoundedCSV]


class BoundedImportMixin:
    """For an admin with ``ImportMixin``: the reader's French message in the form, not the
    library's English « ... encountered while trying to read file »."""

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)
