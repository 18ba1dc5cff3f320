"""Import of earlier years' attendance lists (CSV or XLSX, from the admin).

Columns: ``annee``, ``date`` (optional, JJ/MM/AAAA or AAAA-MM-JJ), ``theme``, ``siret``
(optional), ``entreprise``, ``participant`` (optional). A row already imported is updated, not
duplicated; a known SIRET links the row to the company. An error in any row rejects the file.
"""

import datetime as dt

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from companies.models import Company
from ellipse.core.siret import siret_normalise

from .models import PastAttendance


class StrippedWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return str(value or "").strip()


class FrenchDateWidget(widgets.Widget):
    """A date as JJ/MM/AAAA, AAAA-MM-JJ or a spreadsheet date; empty allowed."""

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(str(value).strip(), fmt).date()
            except ValueError:
                continue
        raise ValueError(_("Date illisible : %(value)s (attendu JJ/MM/AAAA).") % {"value": value})


class PastAttendanceResource(resources.ModelResource):
    year = fields.Field("year", column_name="annee", widget=widgets.IntegerWidget())
    session_date = fields.Field("session_date", column_name="date", widget=FrenchDateWidget())
    topic_label = fields.Field("topic_label", column_name="theme", widget=StrippedWidget())
    siret = fields.Field("siret", column_name="siret", widget=StrippedWidget())
    company_name = fields.Field("company_name", column_name="entreprise", widget=StrippedWidget())
    person_name = fields.Field("person_name", column_name="participant", widget=StrippedWidget())

    class Meta:
        model = PastAttendance
        fields = ("year", "session_date", "topic_label", "siret", "company_name", "person_name")
        import_id_fields = ("year", "session_date", "topic_label", "company_name", "person_name")
        clean_model_instances = True
        skip_unchanged = True

    def before_import_row(self, row, **kwargs):
        for column in ("date", "siret", "participant"):
            row.setdefault(column, "")
        if not str(row.get("entreprise") or "").strip():
            raise ValueError(_("Colonne « entreprise » vide."))

    def before_save_instance(self, instance, row, **kwargs):
        instance.siret = siret_normalise(instance.siret) if instance.siret else ""
        if instance.siret:
            instance.company = Company.objects.filter(siret=instance.siret).first()
