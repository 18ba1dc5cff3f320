"""Co-contracting workshop: the pure pairing, the proposals for an edition, publication, and
what each company sees (published pairings only, its own)."""

import pytest
from django.urls import reverse

from tests.factories import (
    CompanyMembershipFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
    UserFactory,
    WishFactory,
)
from trainings.enums import PairingStatus
from trainings.models import Pairing
from trainings.pairing import Candidate, ContractBrief, propose
from trainings.selectors import company_pairings
from trainings.services_pairing import pairings_propose, pairings_publish, pairings_reject


def test_propose_prefers_shared_wishes_large_contracts_and_complementary_activities():
    contracts = {
        1: ContractBrief(1, "T-1 — Réhabilitation du gymnase", amount=900_000, lots=4),
        2: ContractBrief(2, "S-2 — Nettoyage", amount=30_000),
    }
    a = Candidate(1, "Maçonnerie", ("45262500",), wished=frozenset({1}))
    b = Candidate(2, "Bureau d'études", ("71320000",), wished=frozenset({1}))
    c = Candidate(3, "Nettoyage", ("90910000",), matched=frozenset({2}))
    d = Candidate(4, "Propreté", ("90911000",), wished=frozenset({2}))
    proposals = propose(candidates=[d, c, b, a], contracts=contracts)
    assert [(p.company_a, p.company_b) for p in proposals] == [(1, 2), (3, 4)]
    best = proposals[0]
    assert best.kind == "shared_wish" and best.complementary and best.contract_id == 1
    assert "Réhabilitation du gymnase" in best.reasons[0]
    assert "900 000 € HT" in best.reasons[1] and "4 lots" in best.reasons[1]
    assert "complémentaires" in best.reasons[2]
    assert proposals[1].kind == "shared_match" and not proposals[1].complementary


def test_propose_caps_partners_per_company_and_skips_excluded_pairs():
    contracts = {1: ContractBrief(1, "X")}
    many = [Candidate(i, f"E{i}", ("45000000",), wished=frozenset({1})) for i in range(1, 7)]
    proposals = propose(candidates=many, contracts=contracts, per_company=2, exclude={(1, 2)})
    per = {}
    for p in proposals:
        per[p.company_a] = per.get(p.company_a, 0) + 1
        per[p.company_b] = per.get(p.company_b, 0) + 1
    assert max(per.values()) <= 2
    assert (1, 2) not in {(p.company_a, p.company_b) for p in proposals}


@pytest.mark.django_db
def test_edition_pairings_proposed_published_and_seen_by_the_company_only(client):
    edition = EditionFactory(year=2030)
    works = CpvCodeFactory(code="45262500", check_digit="1")
    studies = CpvCodeFactory(code="71320000", check_digit="7")
    contract = PlannedContractFactory(
        year=2030, cpv_main=works, estimated_amount=800_000, title="Réhabilitation du gymnase"
    )
    open_a = RegistrationFactory(edition=edition, wants_cocontracting=True)
    open_a.company.cpv_codes.add(works)
    open_b = RegistrationFactory(edition=edition, wants_subcontracting=True)
    open_b.company.cpv_codes.add(studies)
    closed = RegistrationFactory(edition=edition)  # not open to co-contracting
    closed.company.cpv_codes.add(works)
    for registration in (open_a, open_b, closed):
        WishFactory(
            registration=registration, organisation=contract.organisation, planned_contract=contract
        )
    created = pairings_propose(edition_id=edition.pk)
    assert len(created) == 1
    assert pairings_propose(edition_id=edition.pk) == []  # idempotent
    pairing = Pairing.objects.get()
    assert {pairing.company_a_id, pairing.company_b_id} == {open_a.company_id, open_b.company_id}
    assert "Réhabilitation du gymnase" in pairing.reasons[0]

    member = CompanyMembershipFactory(company=open_a.company)
    client.force_login(member.user)
    assert "Atelier cotraitance" not in client.get(reverse("companies:space")).content.decode()
    assert company_pairings(edition=edition, company_ids=[open_a.company_id]) == {
        open_a.company_id: []
    }

    pairings_publish(pairing_ids=[pairing.pk])
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.PUBLISHED and pairing.table == "C1"
    page = client.get(reverse("companies:space")).content.decode()
    assert "Atelier cotraitance" in page and open_b.company.legal_name in page
    assert "table C1" in page
    summary = company_pairings(edition=edition, company_ids=[open_b.company_id])
    assert summary[open_b.company_id][0].partner_id == open_a.company_id

    # The space's block is cached per company: a partner's new name and a rejection show.
    open_b.company.legal_name = "Études Renommées"
    open_b.company.save()
    assert "Études Renommées" in client.get(reverse("companies:space")).content.decode()
    pairings_reject(pairing_ids=[pairing.pk])  # update(): no signal, the service bumps
    assert "Atelier cotraitance" not in client.get(reverse("companies:space")).content.decode()

    other = CompanyMembershipFactory(company=closed.company)
    client.force_login(other.user)
    assert "Atelier cotraitance" not in client.get(reverse("companies:space")).content.decode()


@pytest.mark.django_db
def test_cocontracting_staff_page_proposes(client):
    edition = EditionFactory(year=2031)
    url = reverse("trainings:cocontracting")
    client.force_login(CompanyMembershipFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(staff=True))
    response = client.post(url, {"edition": edition.pk}, follow=True)
    assert "0 binôme(s) proposé(s)" in response.content.decode()
