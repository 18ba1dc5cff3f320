"""Import and export of companies (django-import-export), from the admin.

One row per company, the SIRET as identifier (checked with python-stdnum), the CPV codes as a
comma-separated column. Every model rule is checked on import (``clean_model_instances``); an
error in any row rejects the whole file (transactions). On export, every text cell that a
spreadsheet would run as a formula is prefixed with a quote; the import removes that quote.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from buyers.cpv import cpv_parse
from buyers.models import CpvCode
from ellipse.core.siret import siret_normalise, siret_validate
from ellipse.core.spreadsheets import neutralise_formula, unneutralise_formula
from ellipse.core.territory import is_in_territory

from .fields import COMPANY_SPREADSHEET_FIELDS
from .models import Company, Registration


class SiretWidget(widgets.CharWidget):
    """Spaces and dots removed; the check itself is in ``CompanyResource.import_instance`` so
    that a wrong SIRET is reported as a validation error of its row."""

    def clean(self, value, row=None, **kwargs):
        return siret_normalise(value)


class CpvCodesWidget(widgets.ManyToManyWidget):
    """``45210000-2, 77310000`` ↔ CPV codes; an unknown or malformed code is an error."""

    def __init__(self, **kwargs):
        super().__init__(CpvCode, separator=",", field="pk", **kwargs)

    def clean(self, value, row=None, **kwargs):
        parts = [p.strip() for p in str(value or "").replace(";", ",").split(",") if p.strip()]
        codes = []
        for part in parts:
            try:
                codes.append(cpv_parse(part)[0])
            except ValueError as exc:
                raise ValueError(str(exc)) from None
        known = set(CpvCode.objects.filter(pk__in=codes).values_list("pk", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValueError(_("Code CPV inconnu : %(codes)s.") % {"codes": ", ".join(unknown)})
        return CpvCode.objects.filter(pk__in=codes)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return ", ".join(c.display_code for c in value.all())


def _unquote(value):
    """Undo the export's neutralisation: ``'=x`` read back as ``=x``."""
    return unneutralise_formula(value)


class NeutralisedExportMixin:
    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for key in list(row.keys()):
            row[key] = _unquote(row[key])
        super().before_import_row(row, **kwargs)


def _blank_texts(instance) -> None:
    """An empty cell (None in XLSX) of a text column is "", as the forms store it."""
    for field in instance._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not field.null
            and getattr(instance, field.attname) is None
        ):
            setattr(instance, field.attname, "")


class CompanyResource(NeutralisedExportMixin, resources.ModelResource):
    siret = fields.Field(attribute="siret", column_name="siret", widget=SiretWidget())
    cpv_codes = fields.Field(
        attribute="cpv_codes", column_name="cpv_codes", widget=CpvCodesWidget()
    )
    is_local = fields.Field(
        attribute="is_local", column_name="is_local", widget=widgets.BooleanWidget(), readonly=True
    )

    class Meta:
        model = Company
        fields = COMPANY_SPREADSHEET_FIELDS
        export_order = COMPANY_SPREADSHEET_FIELDS
        import_id_fields = ("siret",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Company.objects.prefetch_related("cpv_codes").order_by("legal_name", "pk")

    def import_data(self, dataset, **kwargs):
        """All or nothing: a file with one invalid row writes no row at all."""
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """Every error of the row at once: the fields', the SIRET's key and the CPV codes'."""
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        _blank_texts(instance)
        try:
            siret_validate(row.get("siret"))
        except ValidationError as exc:
            errors["siret"] = exc.messages
        if "cpv_codes" in row:
            try:
                self.fields["cpv_codes"].clean(row)
            except ValueError as exc:
                errors["cpv_codes"] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        # Never trusted from the file: computed from the commune, as on registration.
        instance.is_local = is_in_territory(name=instance.commune) or (
            not instance.commune and is_in_territory(postal_code=instance.postal_code)
        )
        _blank_texts(instance)
        super().before_save_instance(instance, row, **kwargs)


class RegistrationExportResource(NeutralisedExportMixin, resources.ModelResource):
    """The staff's list as a spreadsheet (export only): company, status, qualification, score."""

    siret = fields.Field(attribute="company__siret", column_name="siret")
    company = fields.Field(attribute="company__legal_name", column_name="entreprise")
    commune = fields.Field(attribute="company__commune", column_name="commune")
    size_class = fields.Field(column_name="catégorie")
    ess_status = fields.Field(column_name="statut ESS")
    contact_email = fields.Field(attribute="company__contact_email", column_name="e-mail")
    contact_phone = fields.Field(attribute="company__contact_phone", column_name="téléphone")
    edition = fields.Field(attribute="edition__year", column_name="édition")
    status = fields.Field(column_name="statut")

    class Meta:
        model = Registration
        fields = (
            "edition",
            "siret",
            "company",
            "commune",
            "size_class",
            "ess_status",
            "contact_email",
            "contact_phone",
            "status",
            "status_reason",
            "tender_capacity",
            "real_interest",
            "documents_ready",
            "needs",
            "match_score",
            "match_count",
            "created_at",
        )
        export_order = fields

    def get_queryset(self):
        return Registration.objects.select_related("company", "edition")

    def dehydrate_status(self, registration):
        return registration.get_status_display()

    def dehydrate_size_class(self, registration):
        return registration.company.get_size_class_display()

    def dehydrate_ess_status(self, registration):
        return registration.company.get_ess_status_display()
