"""Dashboard, exports and COFIL report: who sees them, what they contain, constant queries."""

import csv
import datetime as dt
import io
import re
import subprocess

import pytest
from django.urls import reverse

from ellipse.accounts.roles import Role
from spaser.models import ManualEntry
from spaser.services import decp_import
from tests.factories.accounts import UserFactory
from tests.factories.companies import CompanyFactory, RegistrationFactory
from tests.spaser.decp_files import HAND_REGISTER, SMALL, marche, write_v2

pytestmark = pytest.mark.django_db


@pytest.fixture
def official_client(client):
    client.force_login(UserFactory(role=Role.OFFICIAL))
    return client


@pytest.fixture
def register(tmp_path):
    company = CompanyFactory(
        siret=SMALL, contact_email="secret-contact@tpe.fr", contact_name="Camille Secrète"
    )
    RegistrationFactory(company=company)
    decp_import(path=write_v2(tmp_path / "register.json", HAND_REGISTER))
    return company


def test_anonymous_is_sent_to_login_and_other_roles_refused(client):
    for name in (
        "spaser:dashboard",
        "spaser:export_csv",
        "spaser:export_xlsx",
        "spaser:report_pdf",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
    for role in (Role.COMPANY, Role.BUYER):
        client.force_login(UserFactory(role=role))
        assert client.get(reverse("spaser:dashboard")).status_code == 403
        assert client.get(reverse("spaser:export_csv")).status_code == 403


def test_officials_read_but_cannot_import_or_edit(official_client):
    assert official_client.get(reverse("spaser:dashboard")).status_code == 200
    for url in ("/admin/spaser/decpimport/add/", "/admin/spaser/manualentry/add/"):
        response = official_client.get(url)
        assert response.status_code in (302, 403)


def test_dashboard_shows_figures_targets_and_missing_data_but_no_contacts(
    official_client, register
):
    response = official_client.get(reverse("spaser:dashboard"), {"year": 2024})
    html = response.content.decode()
    assert "60,0 %" in html  # environmental share 3/5
    assert "66,7 %" in html  # social share above 40 k€, 2/3
    assert "Cible 2026" in html and "100,0 %" in html and "50,0 %" in html
    assert "Données manquantes" in html and "facilitateur des clauses sociales" in html
    charts = re.findall(r'<img class="spaser-chart" src="(/spaser/graphique/[^"]+)"', html)
    assert len(charts) == 9  # one chart per orientation, as an image (CSP: no inline style)
    for url in charts:
        chart = official_client.get(url.replace("&amp;", "&"))
        assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")
        assert chart["Cache-Control"].startswith("private")
        svg = chart.content.decode()
        assert svg.lstrip().startswith(("<?xml", "<svg")) and "<script" not in svg
        assert "http://kozea" not in svg and "cdn" not in svg.lower()
    assert "secret-contact@tpe.fr" not in html and "Camille Secrète" not in html
    assert "http://kozea" not in html and "cdn" not in html.lower()


def test_filters_by_group_of_buyers(official_client, register):
    html = official_client.get(
        reverse("spaser:dashboard"), {"year": 2024, "buyer": "pantin"}
    ).content.decode()
    assert "100,0 %" in html  # Pantin: 1 contract, environmental
    assert "Pantin" in html


def test_manual_entries_fill_missing_indicators(official_client, register):
    ManualEntry.objects.create(
        year=2024,
        indicator="insertion_hours",
        value=71000,
        source="Bilan facilitateur 2024",
        entered_on=dt.date(2025, 2, 1),
    )
    html = official_client.get(reverse("spaser:dashboard"), {"year": 2024}).content.decode()
    assert "71\u202f000" in html


def test_dashboard_query_count_does_not_depend_on_data(
    official_client, tmp_path, django_assert_max_num_queries
):
    decp_import(path=write_v2(tmp_path / "a.json", [marche("A")]))
    with django_assert_max_num_queries(60) as small:
        official_client.get(reverse("spaser:dashboard"), {"year": 2024})
    decp_import(
        path=write_v2(
            tmp_path / "b.json",
            [marche(f"M{i}", amount=1000 * i, holders=[f"{i:014d}"]) for i in range(1, 60)],
        )
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        official_client.get(reverse("spaser:dashboard"), {"year": 2024})


def test_csv_and_xlsx_exports_neutralise_formulas(official_client, register):
    ManualEntry.objects.create(
        year=2024,
        indicator="citizen_participation",
        value=1,
        source='=HYPERLINK("x")',
        entered_on=dt.date(2025, 2, 1),
    )
    response = official_client.get(reverse("spaser:export_csv"), {"year": 2024})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *body = rows
    assert header[:6] == ["Orientation", "Code", "Indicateur", "Année", "Acheteurs", "Valeur"]
    by_key = {row[1]: row for row in body}
    assert by_key["environmental_share"][5] == "0.6"
    assert by_key["insertion_hours"][5] == "" and by_key["insertion_hours"][11]
    assert len(body) >= 25
    from openpyxl import load_workbook

    response = official_client.get(
        reverse("spaser:export_xlsx"), {"year": 2024, "buyer": "est-ensemble"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][1] == "Code"
    assert any(row[1] == "social_over_40k_share" and row[5] == 0.5 for row in values[1:])
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in values for v in row)


def test_cofil_pdf_text(official_client, register, tmp_path):
    response = official_client.get(reverse("spaser:report_pdf"), {"year": 2024})
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "rapport.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert "rapport annuel 2024" in flat
    assert "Orientation 4" in flat and "Orientation 9" in flat
    assert "strictement supérieur à 40 000 €" in flat  # a definition
    assert "66,7 %" in flat and "Cible" in flat and "35,0 %" in flat
    assert "Données manquantes" in flat
    assert "Défauts d'import encore ouverts" in flat
    assert "Montant absent" in flat  # record H of the register, still open
    assert "Parcours des entreprises" in flat


def test_staff_enter_a_manual_figure_with_author_and_duplicates_are_refused(client):
    staff = UserFactory(role=Role.STAFF, is_staff=True)
    client.force_login(staff)
    data = {
        "year": 2024,
        "indicator": "trained_people",
        "value": "42",
        "source": "Plan de formation",
        "entered_on": "2025-01-15",
    }
    response = client.post("/admin/spaser/manualentry/add/", data)
    assert response.status_code == 302
    entry = ManualEntry.objects.get()
    assert entry.author == staff and entry.buyer is None
    response = client.post("/admin/spaser/manualentry/add/", data)
    assert response.status_code == 200
    assert "déjà saisi pour cette année" in response.content.decode()
    assert ManualEntry.objects.count() == 1


def test_figures_are_cached_until_the_data_changes(
    official_client, register, django_assert_max_num_queries
):
    url = reverse("spaser:dashboard")
    official_client.get(url, {"year": 2024})
    with django_assert_max_num_queries(15):  # cache hit: session, user, filters, stamp, edition
        html = official_client.get(url, {"year": 2024}).content.decode()
    assert "Bilan annuel du facilitateur" in html
    ManualEntry.objects.create(
        year=2024,
        indicator="insertion_hours",
        value=80500,
        source="Bilan 2024",
        entered_on=dt.date(2025, 2, 1),
    )
    assert "80\u202f500" in official_client.get(url, {"year": 2024}).content.decode()


def test_demo_register_feeds_the_dashboard_through_the_real_import(client):
    """The demo's register goes through import_decp: figures, not « données manquantes »."""
    from django.core.management import call_command

    from ellipse.accounts.models import User
    from spaser.models import Contract, DecpImport

    call_command("seed_demo", verbosity=0)
    assert Contract.objects.count() >= 600
    run = DecpImport.objects.get()
    assert run.rejected == 0 and run.imported + run.with_warnings >= 600
    client.force_login(User.objects.get(email="elu@ellipse.demo"))
    html = client.get(reverse("spaser:dashboard"), {"groupe": "est-ensemble"}).content.decode()
    assert html.count('<img class="spaser-chart" src="/spaser/graphique/') == 9
    call_command("seed_demo", verbosity=0)  # twice: nothing added
    assert DecpImport.objects.count() == 1
