"""Matching suggestions on hand-made cases, cached scores, retain above a threshold, buyers
without a matching company."""

import pytest

from buyers.enums import ContractStatus, Visibility
from buyers.models import PlannedContractLot
from companies.enums import RegistrationStatus
from companies.services.selection import (
    edition_refresh_matches,
    edition_retain_above,
    registration_refresh_match,
)
from companies.suggestions import buyers_without_match, registration_suggestions
from tests.factories.accounts import UserFactory
from tests.factories.buyers import (
    BuyerOrganisationFactory,
    CpvCodeFactory,
    PlannedContractFactory,
)
from tests.factories.companies import CompanyFactory, RegistrationFactory
from tests.factories.editions import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory(year=2031)


def _company(*codes, keywords=""):
    company = CompanyFactory(keywords=keywords)
    company.cpv_codes.add(*[CpvCodeFactory(code=c) for c in codes])
    return company


def _contract(edition, code, **kwargs):
    return PlannedContractFactory(
        year=edition.year, cpv_main=CpvCodeFactory(code=code), title="Objet", **kwargs
    )


@pytest.mark.parametrize(
    ("company_code", "score", "how"),
    [
        ("45442100", 1.0, "même code"),
        ("45442000", 1.0, "même catégorie"),
        ("45440000", 0.75, "même classe"),
        ("45400000", 0.5, "même groupe"),
    ],
)
def test_suggestion_scores_by_cpv_depth(edition, company_code, score, how):
    contract = _contract(edition, "45442100", reference="PEINT-1")
    registration = RegistrationFactory(edition=edition, company=_company(company_code))
    [suggestion] = registration_suggestions(registration=registration)
    assert suggestion.contract == contract
    assert suggestion.score == score
    assert how in suggestion.reasons[0]
    assert "PEINT-1" in suggestion.reasons[0]
    assert suggestion.buyer == contract.organisation


def test_suggestion_none_for_a_shared_division_only(edition):
    """A landscaper is not suggested interior painting: both codes are in division 45."""
    _contract(edition, "45442100")
    registration = RegistrationFactory(edition=edition, company=_company("45112710"))
    assert registration_suggestions(registration=registration) == []


def test_suggestion_none_for_another_division(edition):
    _contract(edition, "45442100")
    registration = RegistrationFactory(edition=edition, company=_company("77310000"))
    assert registration_suggestions(registration=registration) == []


def test_suggestion_by_keyword_without_cpv(edition):
    contract = _contract(edition, "77310000")
    contract.title = "Entretien des espaces verts des écoles"
    contract.save()
    registration = RegistrationFactory(
        edition=edition, company=_company("45442100", keywords="élagage, espaces verts")
    )
    [suggestion] = registration_suggestions(registration=registration)
    assert suggestion.score == 0.3
    assert suggestion.match.keywords == ("espaces verts",)
    assert "Mots-clés" in suggestion.reasons[0]


def test_suggestion_uses_extra_and_lot_codes(edition):
    by_extra = _contract(edition, "79000000", reference="EXTRA")
    by_extra.cpv_extra.add(CpvCodeFactory(code="45442100"))
    by_lot = _contract(edition, "79000000", reference="LOT")
    PlannedContractLot.objects.create(
        contract=by_lot, number=1, title="Peinture", cpv=CpvCodeFactory(code="45442000")
    )
    registration = RegistrationFactory(edition=edition, company=_company("45442100"))
    suggestions = registration_suggestions(registration=registration)
    assert {s.contract.reference: s.score for s in suggestions} == {"EXTRA": 1.0, "LOT": 1.0}


def test_suggestion_ignores_unpublished_drafts_abandoned_and_other_years(edition):
    _contract(edition, "45442100", visibility=Visibility.STAFF)
    _contract(edition, "45442100", status=ContractStatus.DRAFT)
    _contract(edition, "45442100", status=ContractStatus.ABANDONED)
    PlannedContractFactory(year=edition.year + 1, cpv_main=CpvCodeFactory(code="45442100"))
    registration = RegistrationFactory(edition=edition, company=_company("45442100"))
    assert registration_suggestions(registration=registration) == []


def test_suggestions_best_first(edition):
    _contract(edition, "45400000", reference="GROUP")
    _contract(edition, "45442100", reference="SAME")
    registration = RegistrationFactory(edition=edition, company=_company("45442100"))
    assert [s.contract.reference for s in registration_suggestions(registration=registration)] == [
        "SAME",
        "GROUP",
    ]


def test_refresh_match_caches_best_score_and_count(edition):
    _contract(edition, "45400000")
    _contract(edition, "45442100")
    registration = RegistrationFactory(edition=edition, company=_company("45442100"))
    registration_refresh_match(registration=registration)
    registration.refresh_from_db()
    assert registration.match_score == 1.0
    assert registration.match_count == 2
    assert registration.match_refreshed_at is not None


def test_edition_refresh_matches_bounded_queries(edition, django_assert_max_num_queries):
    _contract(edition, "45442100")
    for index in range(30):
        RegistrationFactory(
            edition=edition, company=_company("45442100" if index % 2 else "77310000")
        )
    with django_assert_max_num_queries(12):
        assert edition_refresh_matches(edition=edition) == 30
    from companies.models import Registration

    scores = sorted(Registration.objects.values_list("match_score", flat=True))
    assert scores == [0.0] * 15 + [1.0] * 15


def test_retain_above_threshold_only_qualified_above(edition):
    staff = UserFactory(role="staff")
    _contract(edition, "45442100")
    high = RegistrationFactory(edition=edition, company=_company("45442100"), qualified=True)
    low = RegistrationFactory(edition=edition, company=_company("45000000"), qualified=True)
    not_qualified = RegistrationFactory(edition=edition, company=_company("45442100"))
    changes = edition_retain_above(edition=edition, threshold=0.5, by=staff)
    assert [c.registration_id for c in changes] == [high.pk]
    for reg, status in [
        (high, RegistrationStatus.RETAINED),
        (low, RegistrationStatus.QUALIFIED),
        (not_qualified, RegistrationStatus.REGISTERED),
    ]:
        reg.refresh_from_db()
        assert reg.status == status


def test_buyers_without_match_lists_buyers_no_selected_company_fits(edition):
    covered = BuyerOrganisationFactory(name="Acheteur couvert")
    uncovered = BuyerOrganisationFactory(name="Acheteur orphelin")
    _contract(edition, "45442100", organisation=covered)
    orphan = _contract(edition, "77310000", organisation=uncovered, reference="VERT")
    RegistrationFactory(edition=edition, company=_company("45442100"), retained=True)
    # A matching company exists for the orphan buyer, but it is not selected.
    RegistrationFactory(edition=edition, company=_company("77310000"), not_retained=True)
    gaps = buyers_without_match(edition=edition, threshold=0.5)
    assert [g.buyer for g in gaps] == [uncovered]
    assert gaps[0].unmatched == [orphan]
    assert gaps[0].best_score == 0.0


def test_suggestions_of_many_companies_in_bounded_queries(edition, django_assert_max_num_queries):
    """All companies scored against one index, full-text hits in one query for all of them."""
    from django.db import connection

    from companies.models import Registration
    from companies.suggestions import edition_matches

    if connection.vendor != "postgresql":
        pytest.skip(
            "Racinisation française (« isolant » ~ « isolation ») : PostgreSQL seulement (CI)."
        )

    _contract(edition, "45442100", description="peinture et isolation")
    for index in range(20):
        RegistrationFactory(
            edition=edition,
            company=_company(
                "45442100" if index % 2 else "77310000", keywords=f"isolant, mot{index}"
            ),
        )
    with django_assert_max_num_queries(8):
        matches = edition_matches(edition=edition, registrations=Registration.objects.all())
    assert len(matches) == 20 and all(matches.values())
    assert all(ms[0].keywords == ("isolant",) for ms in matches.values())
