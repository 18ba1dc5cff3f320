"""The buyers' directory: consent, permissions, filters (accents, stemming, CPV parents), export."""

import csv
import html
import io
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from companies.enums import EssStatus, RegistrationStatus, SiaeType, SizeClass
from tests.factories.accounts import UserFactory
from tests.factories.companies import CompanyFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
URL = reverse("sourcing:directory")


@dataclass
class Row:
    name: str
    reasons: list[str]


def rows(response) -> list[Row]:
    """The result cards as rendered (cached or not): name and reasons, in order."""
    found = []
    for card in re.findall(
        r'<article class="contract-card".*?</article>', response.content.decode(), re.S
    ):
        name = re.search(r"<h2[^>]*><a [^>]*>(.*?)</a></h2>", card, re.S).group(1)
        reasons = re.findall(r"<li>(.*?)</li>", card, re.S)
        found.append(Row(html.unescape(name), [html.unescape(r) for r in reasons]))
    return found


def result_count(response) -> int:
    status = re.search(r'<p role="status" id="resultats">(.*?)</p>', response.content.decode())
    return int(re.sub(r"\D", "", status.group(1)))


def names(response) -> set[str]:
    return {row.name for row in rows(response)}


def search(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_directory_lists_only_consenting_companies(client, buyer, supplier):
    supplier(trade_name="Oui SARL")
    CompanyFactory(trade_name="Pas encore", directory_consent=None)
    CompanyFactory(trade_name="Refus SARL", directory_consent=False)
    assert names(search(client, buyer)) == {"Oui SARL"}


@pytest.mark.parametrize("role", ["company", "official", None])
def test_directory_refused_to_non_buyers(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(URL).status_code == 403


def test_directory_refused_to_company_member(client, company_user):
    client.force_login(company_user)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("sourcing:export_csv")).status_code == 403


def test_directory_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/comptes/" in response["Location"]


def test_directory_open_to_staff(client, staff, supplier):
    supplier(trade_name="Vue par l'équipe")
    assert names(search(client, staff)) == {"Vue par l'équipe"}


def test_search_ignores_accents_both_ways(client, buyer, supplier):
    supplier(trade_name="Arbres", description="Élagage et abattage d'arbres")
    supplier(trade_name="Cafe", keywords="cafe, traiteur")
    assert names(search(client, buyer, activite="elagage")) == {"Arbres"}
    assert names(search(client, buyer, activite="café")) == {"Cafe"}


def test_search_stems_french_words(client, buyer, supplier):
    supplier(trade_name="Peintre", description="Travaux de peinture intérieure")
    supplier(trade_name="Autre", description="Nettoyage de locaux")
    response = search(client, buyer, activite="peintures")
    assert names(response) == {"Peintre"}
    assert any("peintur" in r for r in rows(response)[0].reasons)


def test_search_cpv_finds_children_and_parents(client, buyer, supplier):
    supplier(["45000000"], trade_name="Division 45")
    supplier(["45210000"], trade_name="Bâtiment 4521")
    supplier(["45211000"], trade_name="Maçonnerie")
    supplier(["45262500"], trade_name="Autre classe")
    supplier(["90910000"], trade_name="Nettoyage")
    assert names(search(client, buyer, activite="45210000-2")) == {
        "Division 45",
        "Bâtiment 4521",
        "Maçonnerie",
    }
    assert names(search(client, buyer, activite="45")) == {
        "Division 45",
        "Bâtiment 4521",
        "Maçonnerie",
        "Autre classe",
    }
    reasons = {r.name: r.reasons for r in rows(search(client, buyer, activite="4521"))}
    assert "catégorie parente" in reasons["Division 45"][0]


def test_search_naf_with_or_without_dot(client, buyer, supplier):
    supplier(trade_name="Plâtrier", naf_code="43.31Z")
    supplier(trade_name="Autre", naf_code="56.10A")
    assert names(search(client, buyer, activite="4331Z")) == {"Plâtrier"}
    assert names(search(client, buyer, activite="43.31z")) == {"Plâtrier"}


def test_filters_commune_structure_size_and_participation(client, buyer, supplier):
    ei = supplier(
        trade_name="EI Pantin",
        commune="Pantin",
        ess_status=EssStatus.SIAE,
        siae_type=SiaeType.EI,
        size_class=SizeClass.PME,
    )
    supplier(trade_name="ESAT Paris", outside=True, ess_status=EssStatus.ESAT)
    supplier(trade_name="SCOP Bondy", commune="Bondy", ess_status=EssStatus.SCOP)
    RegistrationFactory(company=ei, status=RegistrationStatus.RETAINED)
    assert names(search(client, buyer, commune="territoire")) == {"EI Pantin", "SCOP Bondy"}
    assert names(search(client, buyer, commune="Paris")) == {"ESAT Paris"}
    assert names(search(client, buyer, structure="siae_ei")) == {"EI Pantin"}
    assert names(search(client, buyer, structure="siae_aci")) == set()
    assert names(search(client, buyer, structure="ea_esat")) == {"ESAT Paris"}
    assert names(search(client, buyer, structure="cooperative")) == {"SCOP Bondy"}
    assert names(search(client, buyer, taille="pme")) == {"EI Pantin"}
    response = search(client, buyer, participation="on")
    assert names(response) == {"EI Pantin"}
    assert "A participé" in rows(response)[0].reasons[0]


def test_commune_choices_start_with_the_nine(client, buyer, supplier):
    supplier(commune="Paris", outside=True)
    choices = [v for v, _label in search(client, buyer).context["form"].fields["commune"].choices]
    assert choices[:3] == ["", "territoire", "Bagnolet"]
    assert choices[-1] == "Paris"


def test_directory_paginates_with_bounded_queries(
    client, buyer, supplier, django_assert_max_num_queries
):
    for n in range(25):
        supplier(["45210000"], trade_name=f"Entreprise {n:02d}")
    client.force_login(buyer)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"activite": "45"})
    assert len(rows(response)) == 20
    assert result_count(response) == 25
    assert "page=2" in response.content.decode()


def test_export_csv_neutralises_formulas_and_respects_consent(client, buyer, supplier):
    supplier(trade_name='=HYPERLINK("http://x")', description="peinture")
    CompanyFactory(trade_name="Secret", description="peinture", directory_consent=False)
    client.force_login(buyer)
    response = client.get(reverse("sourcing:export_csv"), {"activite": "peinture"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][1].startswith("'=")
    assert "Secret" not in response.content.decode()


def test_export_xlsx_has_the_result(client, buyer, supplier):
    from openpyxl import load_workbook

    supplier(trade_name="Tableur SARL")
    client.force_login(buyer)
    response = client.get(reverse("sourcing:export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][1] == "Tableur SARL"


def test_supplier_sheet_shows_contact_to_buyer(client, buyer, supplier):
    company = supplier(contact_email="joindre@exemple.fr", references="Mairie de Pantin")
    client.force_login(buyer)
    page = client.get(reverse("sourcing:supplier", args=[company.pk])).content.decode()
    assert "joindre@exemple.fr" in page
    assert "Mairie de Pantin" in page
    assert "Aucune formation suivie." in page and "Aucun marché enregistré." in page


def test_supplier_sheet_lists_trainings_followed_and_contracts_held(client, buyer, supplier):
    import datetime as dt
    from decimal import Decimal

    from spaser.models import Contract, ContractHolder
    from tests.factories import ParticipantFactory
    from trainings.enums import Attendance

    company = supplier()
    ParticipantFactory(company=company, attendance=Attendance.PRESENT, session__title="Le DUME")
    contract = Contract.objects.create(
        uid="21930048000019-2025-7",
        decp_id="2025-7",
        kind="marche",
        buyer_siret="21930048000019",
        object="Entretien des espaces verts",
        amount_ht=Decimal("52000"),
        notified_on=dt.date(2025, 3, 4),
        year=2025,
    )
    ContractHolder.objects.create(contract=contract, identifier=company.siret, company=company)
    client.force_login(buyer)
    page = client.get(reverse("sourcing:supplier", args=[company.pk])).content.decode()
    assert "Le DUME" in page and "Entretien des espaces verts" in page


def test_supplier_sheet_not_found_without_consent(client, buyer):
    company = CompanyFactory(directory_consent=False)
    client.force_login(buyer)
    assert client.get(reverse("sourcing:supplier", args=[company.pk])).status_code == 404


def test_supplier_sheet_refused_to_companies(client, company_user, supplier):
    company = supplier()
    client.force_login(company_user)
    assert client.get(reverse("sourcing:supplier", args=[company.pk])).status_code == 403


def test_search_puts_keywords_and_names_before_descriptions(client, buyer, supplier):
    supplier(
        legal_name="Aaa SARL", trade_name="Aaa Services", description="Entre autres : peinture"
    )
    supplier(legal_name="Zzz SARL", trade_name="Zzz Déco", keywords="peinture, décoration")
    found = rows(search(client, buyer, activite="peinture"))
    assert [r.name for r in found] == ["Zzz Déco", "Aaa Services"]


def test_search_follows_company_edits(client, buyer, supplier):
    company = supplier(trade_name="Mobile", description="Plomberie")
    assert names(search(client, buyer, activite="plomberie")) == {"Mobile"}
    company.description = "Serrurerie"
    company.save()
    assert names(search(client, buyer, activite="plomberie")) == set()
    assert names(search(client, buyer, activite="serrurerie")) == {"Mobile"}
