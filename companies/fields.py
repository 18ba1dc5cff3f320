"""The field lists of a company and of its registration, declared once.

The registration form, the registration services, the spreadsheet resources and the admin all
read these tuples: adding a field to the profile means adding it here (and to the model)."""

#: Company profile, by section of the registration form.
IDENTITY_FIELDS = (
    "siret",
    "legal_name",
    "trade_name",
    "legal_form",
    "creation_year",
    "size_class",
    "headcount_band",
    "turnover_band",
)
ESS_FIELDS = ("ess_status", "siae_type", "labels")
ADDRESS_FIELDS = ("address", "postal_code", "commune", "work_area")
ACTIVITY_FIELDS = ("description", "naf_code", "cpv_codes", "keywords", "references")
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")

#: Every profile field a company fills in, in the form's order.
COMPANY_FIELDS = IDENTITY_FIELDS + ESS_FIELDS + ADDRESS_FIELDS + ACTIVITY_FIELDS + CONTACT_FIELDS

#: Plain model fields a registration writes on Company (the SIRET only on creation; the CPV
#: codes are a many-to-many set apart).
COMPANY_WRITABLE = tuple(f for f in COMPANY_FIELDS if f not in ("siret", "cpv_codes"))

#: Columns of the companies' spreadsheet (import and export): the profile, plus whether the
#: company is in Est Ensemble (computed, exported only) after its commune.
COMPANY_SPREADSHEET_FIELDS = (
    IDENTITY_FIELDS
    + ESS_FIELDS
    + ADDRESS_FIELDS[:3]
    + ("is_local",)
    + ADDRESS_FIELDS[3:]
    + ACTIVITY_FIELDS
    + CONTACT_FIELDS
)

#: What the company says of its participation in one edition (Registration fields).
REGISTRATION_INTENTION_FIELDS = (
    "wants_cocontracting",
    "wants_subcontracting",
    "available_slots",
    "workshops",
    "training_needs",
)
REGISTRATION_WRITABLE = (*REGISTRATION_INTENTION_FIELDS, "accessibility_needs")
