"""A company registers to an edition, and edits its registration until the deadline.

``company_register`` creates (or reuses) everything in one transaction: the user, their allauth
e-mail address (unverified), the company role, the company (one row per SIRET, reused from a past
edition), the membership, the registration, its wishes, and the acknowledgement e-mail in the
outbox. The database constraints (``Company.siret`` unique, one registration per edition and
company, ``User.email`` unique) settle a double submit: the second attempt rolls back entirely
and gets the same French message as a known duplicate.

An anonymous visitor goes through ``company_register_public``: when the e-mail address or the
SIRET already has an account, nothing is created, the owners are told by e-mail, and the
visitor gets the same answer as a new registration (no account probing).

The verification e-mail is the HTTP layer's job (allauth's signup flow needs the request and
stores the pending login in the session): ``companies.views.register`` starts it after commit.
"""

import hashlib
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from buyers.models import CpvCode
from buyers.selectors import space_stamp_name
from ellipse.accounts.models import User
from ellipse.accounts.roles import Role, user_grant_role
from ellipse.core.stamps import stamp_bump
from ellipse.core.territory import is_in_territory
from ellipse.editions.models import Edition
from ellipse.outbox.services import email_enqueue

from ..fields import COMPANY_WRITABLE, REGISTRATION_WRITABLE
from ..models import Company, CompanyMembership, Registration, Wish
from ..selectors import REGISTRATIONS_STAMP, wishable_contracts, wishes_kept, wishes_refusal


def _duplicate_error(edition: Edition) -> ValidationError:
    return ValidationError(
        {
            "siret": ValidationError(
                _(
                    "Cette entreprise est déjà inscrite à l'édition %(year)s. "
                    "Connectez-vous pour consulter ou modifier son inscription."
                )
                % {"year": edition.year},
                code="duplicate",
            )
        }
    )


def _closed_error() -> ValidationError:
    return ValidationError(
        _("Les inscriptions à cette édition sont closes."), code="registration_closed"
    )


def _apply_company(company: Company, data: dict) -> None:
    for name in COMPANY_WRITABLE:
        if name in data:
            value = data[name]
            if value is None and name != "creation_year":
                value = ""
            setattr(company, name, value)
    # The buyers' directory (spaser.sourcing): the choice is dated whenever it changes.
    if "directory_consent" in data and data["directory_consent"] != company.directory_consent:
        company.directory_consent = data["directory_consent"]
        company.directory_consent_at = timezone.now()
    # Never trusted from the form: computed from the commune (its name, else its postal code).
    company.is_local = is_in_territory(name=company.commune) or (
        not company.commune and is_in_territory(postal_code=company.postal_code)
    )


def _cpv_set(company: Company, codes: Iterable[str]) -> None:
    codes = list(dict.fromkeys(codes))
    known = set(CpvCode.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            {"cpv_codes": _("Code CPV inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    company.cpv_codes.set(codes)


def _wishes_set(
    registration: Registration,
    *,
    organisation_ids: Iterable[int],
    contract_ids: Iterable[int],
) -> None:
    """Make the registration's wishes exactly these buyers and planned contracts (only those a
    company may wish at this edition)."""
    edition = registration.edition
    organisation_ids = {int(i) for i in organisation_ids}
    contract_ids = {int(i) for i in contract_ids}
    existing = list(registration.wishes.all())
    keep_orgs, keep_contracts = wishes_kept(existing)
    # The rule applies to what is added; a wish already made may stay.
    refusal = wishes_refusal(
        edition=edition,
        organisation_ids=organisation_ids - keep_orgs,
        contract_ids=contract_ids - keep_contracts,
    )
    if refusal:
        raise ValidationError(refusal, code="wish_refused")
    contracts = {
        c.pk: c
        for c in wishable_contracts(edition=edition).filter(pk__in=contract_ids - keep_contracts)
    }
    stale = [
        w.pk
        for w in existing
        if (w.planned_contract_id is None and w.organisation_id not in organisation_ids)
        or (w.planned_contract_id is not None and w.planned_contract_id not in contract_ids)
    ]
    if stale:  # through the registration: each deleted wish knows it (no query per wish)
        registration.wishes.filter(pk__in=stale).delete()
    created = Wish.objects.bulk_create(
        [
            Wish(registration=registration, organisation_id=org_id)
            for org_id in sorted(organisation_ids - keep_orgs)
        ]
        + [
            Wish(
                registration=registration,
                organisation_id=contracts[pk].organisation_id,
                planned_contract=contracts[pk],
            )
            for pk in sorted(set(contracts) - keep_contracts)
        ]
    )
    # bulk_create sends no signal: the staff list and the spaces of the buyers named move on.
    named = {wish.organisation_id for wish in created}
    stamp_bump(REGISTRATIONS_STAMP, *(space_stamp_name(pk) for pk in sorted(named)))


def _acknowledgement_enqueue(registration: Registration) -> None:
    company, edition = registration.company, registration.edition
    email_enqueue(
        to=company.contact_email,
        template="companies/registration_received",
        context={
            "registration_id": registration.pk,
            "company_name": str(company),
            "siret": company.siret,
            "contact_name": company.contact_name,
            "edition_title": edition.title,
            "edition_year": edition.year,
            "date_label": date_format(edition.date, "l j F Y"),
            "venue": edition.venue,
            "deadline_label": date_format(
                timezone.localtime(edition.registration_deadline), "j F Y à H:i"
            ),
            "space_path": reverse("companies:space"),
        },
        category="service",
        dedup_key=f"registration-received-{registration.pk}",
    )


def company_register(
    *,
    edition: Edition,
    company_data: dict,
    cpv_codes: Iterable[str] = (),
    registration_data: dict | None = None,
    wish_organisation_ids: Iterable[int] = (),
    wish_contract_ids: Iterable[int] = (),
    training_topic_ids: Iterable[int] | None = None,
    email: str = "",
    password: str | None = None,
    user: User | None = None,
) -> Registration:
    """Register a company to ``edition``; returns the new registration.

    Without ``user``, an account is created for ``email`` with ``password`` (e-mail unverified).
    With ``user`` (a signed-in company member coming back for a new edition), their company is
    registered again. Raises ``ValidationError`` (French, per field when it can) when the
    registrations are closed, the SIRET is already registered to this edition, the company
    already has an account that is not ``user``'s, or the e-mail is taken."""
    if not edition.registration_is_open:
        raise _closed_error()
    siret = company_data["siret"]
    email = (email or "").strip().lower()
    try:
        with transaction.atomic():
            registration = _register(
                edition=edition,
                siret=siret,
                company_data=company_data,
                cpv_codes=cpv_codes,
                registration_data=registration_data or {},
                wish_organisation_ids=wish_organisation_ids,
                wish_contract_ids=wish_contract_ids,
                training_topic_ids=training_topic_ids,
                email=email,
                password=password,
                user=user,
            )
    except IntegrityError:
        # A concurrent or repeated submit won the race: the same answer as a known duplicate.
        if Registration.objects.filter(edition=edition, company__siret=siret).exists():
            raise _duplicate_error(edition) from None
        if email and User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                {"email": _("Un compte existe déjà avec cette adresse e-mail : connectez-vous.")}
            ) from None
        raise
    return registration


def _register(
    *,
    edition,
    siret,
    company_data,
    cpv_codes,
    registration_data,
    wish_organisation_ids,
    wish_contract_ids,
    training_topic_ids,
    email,
    password,
    user,
) -> Registration:
    company = Company.objects.select_for_update().filter(siret=siret).first()
    if company is not None and company.registrations.filter(edition=edition).exists():
        raise _duplicate_error(edition)

    if user is None:
        if not email:
            raise ValidationError({"email": _("L'adresse e-mail est obligatoire.")})
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                {"email": _("Un compte existe déjà avec cette adresse e-mail : connectez-vous.")}
            )
        first_name, _sep, last_name = (company_data.get("contact_name") or "").partition(" ")
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name[:150],
            last_name=last_name[:150],
            job_title=(company_data.get("contact_role") or "")[:120],
            phone=str(company_data.get("contact_phone") or "")[:32],
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
        company_data = {**company_data, "contact_email": company_data.get("contact_email") or email}
    user_grant_role(user=user, role=Role.COMPANY)

    membership = CompanyMembership.objects.filter(user=user).select_related("company").first()
    if company is not None:
        members = set(company.memberships.values_list("user_id", flat=True))
        if members and user.pk not in members:
            raise ValidationError(
                {
                    "siret": _(
                        "Cette entreprise a déjà un compte sur Ellipse : connectez-vous pour "
                        "l'inscrire à l'édition %(year)s."
                    )
                    % {"year": edition.year}
                }
            )
    if membership is not None and (company is None or membership.company_id != company.pk):
        raise ValidationError(
            _("Votre compte est déjà rattaché à l'entreprise %(name)s.")
            % {"name": membership.company}
        )

    if company is None:
        company = Company(siret=siret)
    _apply_company(company, company_data)
    company.full_clean(validate_unique=False, validate_constraints=False)
    company.save()
    _cpv_set(company, cpv_codes)
    if membership is None:
        CompanyMembership.objects.create(user=user, company=company)

    registration = Registration(
        edition=edition,
        company=company,
        consent_at=timezone.now(),
        **{k: v for k, v in registration_data.items() if k in REGISTRATION_WRITABLE},
    )
    registration.full_clean(validate_unique=False, validate_constraints=False)
    registration.save()
    _wishes_set(
        registration, organisation_ids=wish_organisation_ids, contract_ids=wish_contract_ids
    )
    if training_topic_ids is not None:
        registration.training_topics.set(training_topic_ids)
    _acknowledgement_enqueue(registration)
    return registration


def _account_exists(*, edition: Edition, siret: str, email: str) -> bool:
    """Whether the address or the SIRET already has an account (or the SIRET is already
    registered to ``edition``): what an anonymous visitor must not be told."""
    return (
        User.objects.filter(email__iexact=email).exists()
        or CompanyMembership.objects.filter(company__siret=siret).exists()
        or Registration.objects.filter(edition=edition, company__siret=siret).exists()
    )


def _account_exists_notify(*, edition: Edition, siret: str, email: str) -> int:
    """E-mail the owners of the address and of the SIRET that someone tried to register with
    them, at most once a day per address; returns the number of e-mails recorded."""
    recipients: dict[str, str] = {}
    if User.objects.filter(email__iexact=email).exists():
        recipients[email] = "email"
    company = Company.objects.filter(siret=siret).first()
    if company is not None:
        addresses = [
            company.contact_email,
            *company.memberships.values_list("user__email", flat=True),
        ]
        for address in addresses:
            if address:
                recipients.setdefault(address.lower(), "siret")
    today = timezone.localdate().isoformat()
    for address, reason in recipients.items():
        digest = hashlib.sha256(f"{address}|{reason}|{siret}".encode()).hexdigest()[:24]
        email_enqueue(
            to=address,
            template="companies/account_exists",
            context={
                "reason": reason,
                "company_name": str(company) if company is not None and reason == "siret" else "",
                "siret": siret if reason == "siret" else "",
                "edition_title": edition.title,
                "login_path": reverse("account_login"),
                "reset_path": reverse("account_reset_password"),
                "space_path": reverse("companies:space"),
            },
            category="service",
            dedup_key=f"account-exists-{digest}-{today}",
        )
    return len(recipients)


def company_register_public(
    *,
    edition: Edition,
    company_data: dict,
    email: str,
    password: str | None,
    cpv_codes: Iterable[str] = (),
    registration_data: dict | None = None,
    wish_organisation_ids: Iterable[int] = (),
    wish_contract_ids: Iterable[int] = (),
    training_topic_ids: Iterable[int] | None = None,
) -> Registration | None:
    """An anonymous visitor registers a company with a new account.

    When the address or the SIRET already has an account, nothing is created: their owners are
    told by e-mail (how to sign in or reset the password) and None is returned, so the visitor
    gets the same answer either way. Other refusals raise ``ValidationError`` as
    ``company_register`` does."""
    email = (email or "").strip().lower()
    siret = company_data["siret"]
    if not edition.registration_is_open:
        raise _closed_error()
    if _account_exists(edition=edition, siret=siret, email=email):
        with transaction.atomic():
            _account_exists_notify(edition=edition, siret=siret, email=email)
        return None
    try:
        return company_register(
            edition=edition,
            company_data=company_data,
            cpv_codes=cpv_codes,
            registration_data=registration_data,
            wish_organisation_ids=wish_organisation_ids,
            wish_contract_ids=wish_contract_ids,
            training_topic_ids=training_topic_ids,
            email=email,
            password=password,
        )
    except ValidationError:
        if not _account_exists(edition=edition, siret=siret, email=email):
            raise
        with transaction.atomic():  # a concurrent submit created the account meanwhile
            _account_exists_notify(edition=edition, siret=siret, email=email)
        return None


@transaction.atomic
def registration_update(
    *,
    registration: Registration,
    company_data: dict,
    cpv_codes: Iterable[str] = (),
    registration_data: dict | None = None,
    wish_organisation_ids: Iterable[int] = (),
    wish_contract_ids: Iterable[int] = (),
    training_topic_ids: Iterable[int] | None = None,
) -> Registration:
    """The company corrects its profile and registration; refused after the deadline. The
    SIRET never changes here."""
    registration = (
        Registration.objects.select_for_update()
        .select_related("edition", "company")
        .get(pk=registration.pk)
    )
    if not registration.edition.registration_is_open:
        raise ValidationError(
            _(
                "La date limite d'inscription est passée : votre inscription ne peut plus être "
                "modifiée. Écrivez à l'équipe Ellipse pour toute correction."
            ),
            code="registration_closed",
        )
    company = registration.company
    _apply_company(company, {k: v for k, v in company_data.items() if k != "siret"})
    company.full_clean(validate_unique=False, validate_constraints=False)
    company.save()
    _cpv_set(company, cpv_codes)
    for name, value in (registration_data or {}).items():
        if name in REGISTRATION_WRITABLE:
            setattr(registration, name, value)
    registration.full_clean(validate_unique=False, validate_constraints=False)
    registration.save()
    _wishes_set(
        registration, organisation_ids=wish_organisation_ids, contract_ids=wish_contract_ids
    )
    if training_topic_ids is not None:
        registration.training_topics.set(training_topic_ids)
    return registration
