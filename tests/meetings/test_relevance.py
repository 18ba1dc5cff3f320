"""Relevance of (buyer, company) pairs: CPV depth, keywords, wishes, preferences, policy."""

import pytest

from companies.enums import EssStatus, RegistrationStatus, SizeClass
from meetings.enums import BuyerPreferenceKind
from meetings.models import BuyerPreference
from meetings.reasons import contract_rows, reason_contract_ids, reason_lines
from meetings.relevance import edition_relevance_compute as edition_relevance
from tests.factories import (
    BuyerParticipationFactory,
    CompanyFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
    WishFactory,
)

pytestmark = pytest.mark.django_db

CPV_KEYS = {"kind", "contract_id", "reference", "depth", "company_code", "contract_code"}


def _texts(rel, buyer, company, audience="company") -> list[str]:
    """The pair's reasons written out, as pages, agendas and e-mails show them."""
    contracts = contract_rows(reason_contract_ids([rel.reasons]))
    lines = reason_lines(
        rel.reasons, buyer=buyer, company=company, contracts=contracts, audience=audience
    )
    return [line.text for line in lines]


@pytest.fixture
def edition():
    return make_edition()


def make_edition():
    for code in ["45442100", "45442000", "45440000", "45400000", "45000000", "90910000"]:
        CpvCodeFactory(code=code)
    # Policy bonuses off unless a test turns them on: scores then come from matches only.
    return EditionFactory(
        year=2032, weight_ess=0, weight_small=0, weight_local=0, weight_mutual_wish=0
    )


def _buyer(edition, **contract):
    participation = BuyerParticipationFactory(edition=edition)
    if contract:
        PlannedContractFactory(organisation=participation.organisation, year=2032, **contract)
    return participation.organisation


def _company(edition, *codes, keywords="", status=RegistrationStatus.RETAINED, **fields):
    company = CompanyFactory(keywords=keywords, **fields)
    company.cpv_codes.add(*codes)
    registration = RegistrationFactory(edition=edition, company=company, status=status)
    return company, registration


def test_relevance_deeper_cpv_prefix_scores_higher(edition):
    buyer = _buyer(edition, cpv_main_id="45442100", title="Peinture", reference="P-1")
    same, _r = _company(edition, "45442100")
    category, _r = _company(edition, "45442000")
    klass, _r = _company(edition, "45440000")
    group, _r = _company(edition, "45400000")
    other, _r = _company(edition, "90910000")
    pairs = edition_relevance(edition=edition).pairs
    scores = [pairs[buyer.pk, c.pk].score for c in (same, category, klass, group)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[2] > scores[3]
    assert (buyer.pk, other.pk) not in pairs
    reason = pairs[buyer.pk, same.pk].reasons[0]
    assert set(reason) == CPV_KEYS
    assert reason["kind"] == "cpv" and reason["reference"] == "P-1"
    assert (reason["depth"], reason["company_code"], reason["contract_code"]) == (
        8,
        "45442100",
        "45442100",
    )
    line = reason_lines(
        [reason], buyer=buyer, company=same, contracts=contract_rows([reason["contract_id"]])
    )[0]
    assert line.amount == 50000 and line.quarter == 2
    assert line.text == "CPV 45442100 de « P-1 — Peinture » : même code que votre CPV 45442100"


def test_relevance_keywords_match_title_and_name_them(edition):
    buyer = _buyer(
        edition, cpv_main_id="90910000", title="Entretien des espaces verts", reference="EV-1"
    )
    company, _r = _company(edition, keywords="espaces verts, élagage")
    rel = edition_relevance(edition=edition).pairs[buyer.pk, company.pk]
    assert rel.score > 0
    assert [r["kind"] for r in rel.reasons] == ["keyword"]
    assert rel.reasons[0]["keywords"] == ["espaces verts"]
    assert rel.reasons[0]["contract_id"] == buyer.planned_contracts.get().pk
    assert _texts(rel, buyer, company) == [
        "Mots-clés trouvés dans « EV-1 — Entretien des espaces verts » : espaces verts"
    ]


def test_relevance_company_wish_on_contract_beats_wish_on_buyer(edition):
    buyer_a = _buyer(edition)
    buyer_b = _buyer(edition, cpv_main_id="45000000", title="Gros œuvre", reference="GO-1")
    company, registration = _company(edition)
    WishFactory(registration=registration, organisation=buyer_a)
    contract = buyer_b.planned_contracts.get()
    WishFactory(registration=registration, organisation=buyer_b, planned_contract=contract)
    pairs = edition_relevance(edition=edition).pairs
    on_buyer, on_contract = pairs[buyer_a.pk, company.pk], pairs[buyer_b.pk, company.pk]
    assert on_contract.score > on_buyer.score > 0
    assert on_buyer.reasons[0]["kind"] == "company_wish"
    wish_reason = next(r for r in on_contract.reasons if r["kind"] == "company_wish")
    assert wish_reason["reference"] == "GO-1" and wish_reason["contract_id"] == contract.pk
    assert (
        f"{company} souhaite parler du marché « GO-1 — Gros œuvre » de {buyer_b.name}."
        in _texts(on_contract, buyer_b, company)
    )


def test_relevance_wont_meet_excludes_the_pair(edition):
    buyer = _buyer(edition, cpv_main_id="45442100", title="Peinture")
    company, registration = _company(edition, "45442100")
    WishFactory(registration=registration, organisation=buyer)
    BuyerPreference.objects.create(
        edition=edition, buyer=buyer, company=company, kind=BuyerPreferenceKind.WONT_MEET
    )
    result = edition_relevance(edition=edition)
    assert (buyer.pk, company.pk) not in result.pairs
    assert (buyer.pk, company.pk) in result.excluded


def test_relevance_must_meet_and_mutual_wish_add_bonuses(edition):
    edition.weight_mutual_wish = 0.25
    edition.save()
    buyer = _buyer(edition)
    alone, _r = _company(edition)
    mutual, registration = _company(edition)
    WishFactory(registration=registration, organisation=buyer)
    for company in (alone, mutual):
        BuyerPreference.objects.create(
            edition=edition, buyer=buyer, company=company, kind=BuyerPreferenceKind.MUST_MEET
        )
    pairs = edition_relevance(edition=edition).pairs
    assert pairs[buyer.pk, alone.pk].must_meet
    assert pairs[buyer.pk, alone.pk].reasons[0]["kind"] == "buyer_wish"
    # mutual = must meet (1.0) + company wish (0.3) + mutual bonus (0.25)
    assert pairs[buyer.pk, mutual.pk].score == pytest.approx(
        pairs[buyer.pk, alone.pk].score + 0.3 + 0.25
    )
    assert {"kind": "policy", "policy": "mutual"} in pairs[buyer.pk, mutual.pk].reasons
    assert "Souhait réciproque." in _texts(pairs[buyer.pk, mutual.pk], buyer, mutual)


def test_relevance_policy_weights_apply_to_justified_pairs_only(edition):
    edition.weight_ess, edition.weight_small, edition.weight_local = 0.15, 0.1, 0.2
    edition.save()
    buyer = _buyer(edition, cpv_main_id="45442100", title="Peinture")
    plain, _r = _company(edition, "45442100", size_class=SizeClass.PME, is_local=False)
    favoured, _r = _company(
        edition, "45442100", size_class=SizeClass.ARTISAN, ess_status=EssStatus.SCOP
    )
    unjustified, _r = _company(edition, "90910000", ess_status=EssStatus.SIAE)
    pairs = edition_relevance(edition=edition).pairs
    assert pairs[buyer.pk, favoured.pk].score == pytest.approx(
        pairs[buyer.pk, plain.pk].score + 0.15 + 0.1 + 0.2
    )
    policy = [r for r in pairs[buyer.pk, favoured.pk].reasons if r["kind"] == "policy"]
    assert len(policy) == 3
    assert (buyer.pk, unjustified.pk) not in pairs
    assert all(rel.score >= 0 for rel in pairs.values())


def test_relevance_only_retained_companies_and_published_contracts(edition):
    buyer = _buyer(edition, cpv_main_id="45442100", title="Peinture")
    _buyer(edition, cpv_main_id="90910000", title="Nettoyage", visibility="staff")
    waiting, _r = _company(edition, "45442100", status=RegistrationStatus.WAITING_LIST)
    cleaner, _r = _company(edition, "90910000")
    pairs = edition_relevance(edition=edition).pairs
    assert not any(company == waiting.pk for _b, company in pairs)
    assert not any(company == cleaner.pk for _b, company in pairs)
    assert not any(b == buyer.pk and c == cleaner.pk for b, c in pairs)


def test_relevance_whole_edition_in_bounded_queries(edition, django_assert_max_num_queries):
    for i in range(6):
        _buyer(edition, cpv_main_id="45442100", title=f"Peinture {i}", reference=f"P-{i}")
    for _ in range(10):
        _company(edition, "45442100", keywords="peinture")
    with django_assert_max_num_queries(12):
        pairs = edition_relevance(edition=edition).pairs
    assert len(pairs) == 60


def test_relevance_french_full_text_search_on_postgresql(edition):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Recherche plein texte en français : PostgreSQL seulement (CI).")
    buyer = _buyer(edition, cpv_main_id="45000000", title="Isolation thermique des écoles")
    company, _r = _company(edition, keywords="isolant")
    # buyers.matching alone does not see it; the French configuration stems both to "isol".
    rel = edition_relevance(edition=edition).pairs[buyer.pk, company.pk]
    assert rel.reasons[0]["kind"] == "keyword" and rel.reasons[0]["keywords"] == ["isolant"]


def test_relevance_fingerprint_follows_every_input_change(edition):
    from meetings.relevance import relevance_fingerprint

    buyer = _buyer(edition, cpv_main_id="45442100", title="Peinture")
    company, registration = _company(edition, "45442000")
    seen = {relevance_fingerprint(edition=edition)}
    # A wish, a won't-meet, a new CPV code of the company: each gives a new fingerprint.
    WishFactory(registration=registration, organisation=buyer)
    seen.add(relevance_fingerprint(edition=edition))
    company.cpv_codes.add("45000000")
    seen.add(relevance_fingerprint(edition=edition))
    BuyerPreference.objects.create(
        edition=edition, buyer=buyer, company=company, kind=BuyerPreferenceKind.WONT_MEET
    )
    seen.add(relevance_fingerprint(edition=edition))
    assert len(seen) == 4


def test_relevance_shared_division_only_is_no_candidate_but_a_wish_is(edition):
    """A landscaper (45112710) is not offered interior painting (45442100) because both codes
    sit in division 45; wishing to meet the buyer still makes it a candidate."""
    CpvCodeFactory(code="45112710")
    buyer = _buyer(edition, cpv_main_id="45442100", title="Peinture intérieure", reference="P-9")
    landscaper, registration = _company(edition, "45112710")
    painter, _r = _company(edition, "45442000")
    pairs = edition_relevance(edition=edition).pairs
    assert (buyer.pk, landscaper.pk) not in pairs
    assert pairs[buyer.pk, painter.pk].score >= 1.0
    WishFactory(registration=registration, organisation=buyer)
    wished = edition_relevance(edition=edition).pairs[buyer.pk, landscaper.pk]
    assert [r["kind"] for r in wished.reasons] == ["company_wish"]


def test_relevance_shared_division_adds_to_a_keyword_match_and_says_it_is_loose(edition):
    CpvCodeFactory(code="45112710")
    buyer = _buyer(edition, cpv_main_id="45442100", title="Peinture intérieure", reference="P-9")
    company, _r = _company(edition, "45112710", keywords="peinture")
    rel = edition_relevance(edition=edition).pairs[buyer.pk, company.pk]
    assert rel.score == pytest.approx(0.4)
    assert _texts(rel, buyer, company, audience="buyer")[0] == (
        "CPV 45442100 de « P-9 — Peinture intérieure » : seulement la même division "
        "(rapprochement large) que le CPV 45112710 de l'entreprise"
    )


def test_relevance_keeps_a_company_s_best_buyers_and_every_wished_one(edition, monkeypatch):
    from meetings import relevance

    monkeypatch.setattr(relevance, "CANDIDATE_BUYERS", 2)
    best = _buyer(edition, cpv_main_id="45442100", title="Peinture", reference="A-1")
    good = _buyer(edition, cpv_main_id="45440000", title="Peinture", reference="B-1")
    fair = _buyer(edition, cpv_main_id="45400000", title="Finitions", reference="C-1")
    wished = _buyer(edition, cpv_main_id="45400000", title="Finitions", reference="D-1")
    must = _buyer(edition, cpv_main_id="45400000", title="Finitions", reference="E-1")
    company, registration = _company(edition, "45442100")
    WishFactory(registration=registration, organisation=wished)
    BuyerPreference.objects.create(
        edition=edition, buyer=must, company=company, kind=BuyerPreferenceKind.MUST_MEET
    )
    buyers = {b for b, c in edition_relevance(edition=edition).pairs if c == company.pk}
    assert buyers == {best.pk, good.pk, wished.pk, must.pk}
    assert fair.pk not in buyers
