"""The dashboard's cache (stamps): a warm page reads the cache only, and every writer of its
inputs (DECP import by COPY, a manual figure in the admin, a registration) shows at once."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from ellipse.accounts.roles import Role
from spaser.services import decp_import
from tests.companies.registration_helpers import valid_post
from tests.factories.accounts import UserFactory
from tests.factories.editions import EditionFactory
from tests.spaser.decp_files import HAND_REGISTER, marche, write_v2

pytestmark = pytest.mark.django_db
URL = reverse("spaser:dashboard")


@pytest.fixture
def official_client(client):
    client.force_login(UserFactory(role=Role.OFFICIAL))
    return client


def _charts(html: str) -> list[str]:
    found = re.findall(r'<img class="spaser-chart" src="(/spaser/graphique/[^"]+)"', html)
    return [url.replace("&amp;", "&") for url in found]


def test_warm_dashboard_and_chart_run_no_figure_query(
    official_client, tmp_path, django_assert_max_num_queries
):
    decp_import(path=write_v2(tmp_path / "register.json", HAND_REGISTER))
    html = official_client.get(URL, {"year": 2024}).content.decode()
    # Session, user, role: nothing else (the filters' choices, figures and body are cached).
    with django_assert_max_num_queries(3):
        again = official_client.get(URL, {"year": 2024}).content.decode()
    main = re.compile(r"<main.*</main>", re.S)
    assert main.search(again).group() == main.search(html).group()
    assert "csrfmiddlewaretoken" in again  # the base's forms keep their own token
    chart = _charts(html)[0]
    with django_assert_max_num_queries(3):
        assert official_client.get(chart).status_code == 200


def test_new_import_shows_on_the_next_render(official_client, tmp_path):
    decp_import(path=write_v2(tmp_path / "a.json", HAND_REGISTER))
    before = official_client.get(URL, {"year": 2024}).content.decode()
    assert "60,0 %" in before  # environmental share 3/5
    charts_before = _charts(before)
    official_client.get(charts_before[0])  # the charts are warm too
    # Two more environmental contracts in 2024, written by COPY (no model signal).
    decp_import(
        path=write_v2(
            tmp_path / "b.json",
            [
                marche("ENV1", environmental=["Clause environnementale"]),
                marche("ENV2", environmental=["Clause environnementale"]),
            ],
        )
    )
    after = official_client.get(URL, {"year": 2024}).content.decode()
    assert "71,4 %" in after
    charts_after = _charts(after)
    assert charts_after[0] != charts_before[0]  # a new address: browsers fetch it again
    svg = official_client.get(charts_after[0]).content.decode()
    assert "71.4" in svg


def test_dry_run_import_keeps_the_cache(official_client, tmp_path, django_assert_max_num_queries):
    decp_import(path=write_v2(tmp_path / "a.json", HAND_REGISTER))
    official_client.get(URL, {"year": 2024})
    decp_import(path=write_v2(tmp_path / "b.json", [marche("DRY")]), dry_run=True)
    with django_assert_max_num_queries(3):
        official_client.get(URL, {"year": 2024})


def test_manual_figure_entered_in_the_admin_shows_on_the_next_render(client, tmp_path):
    client.force_login(UserFactory(role=Role.STAFF, is_staff=True))
    decp_import(path=write_v2(tmp_path / "a.json", HAND_REGISTER))
    assert "64\u202f321" not in client.get(URL, {"year": 2024}).content.decode()
    response = client.post(
        "/admin/spaser/manualentry/add/",
        {
            "year": 2024,
            "indicator": "insertion_hours",
            "value": "64321",
            "source": "Bilan facilitateur",
            "entered_on": dt.date(2025, 2, 1).isoformat(),
        },
    )
    assert response.status_code == 302
    assert "64\u202f321" in client.get(URL, {"year": 2024}).content.decode()
    from spaser.models import ManualEntry

    entry = ManualEntry.objects.get()
    response = client.post(f"/admin/spaser/manualentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert "64\u202f321" not in client.get(URL, {"year": 2024}).content.decode()


def test_registration_shows_on_the_next_render(client):
    edition = EditionFactory()
    official = UserFactory(role=Role.OFFICIAL)
    client.force_login(official)

    def registered() -> str:
        html = client.get(URL).content.decode()
        return re.search(r'stat-value">(\d+)</span> entreprises inscrites', html).group(1)

    assert registered() == "0"
    client.logout()
    assert client.post(reverse("companies:register"), valid_post()).status_code == 302
    client.force_login(official)
    assert registered() == "1"
    assert edition.registrations.count() == 1


def test_filters_with_errors_are_rendered_not_cached(official_client):
    for _ in range(2):
        html = official_client.get(URL, {"year": "1900"}).content.decode()
        assert "errorlist" in html
    assert "errorlist" not in official_client.get(URL, {"year": 2024}).content.decode()
    # an invalid year falls back to last year, unfiltered: that page holds no error either
    assert "errorlist" not in official_client.get(URL).content.decode()


def test_unknown_chart_is_not_found(official_client):
    assert official_client.get(reverse("spaser:chart", args=[42])).status_code == 404


def test_chart_computes_the_figures_when_the_cache_lost_them(official_client, tmp_path):
    from django.core.cache import cache

    decp_import(path=write_v2(tmp_path / "a.json", HAND_REGISTER))
    charts = _charts(official_client.get(URL, {"year": 2024}).content.decode())
    cache.clear()  # evicted, or another process: the image still answers, from fresh figures
    response = official_client.get(charts[0])
    assert response.status_code == 200 and "60" in response.content.decode()


def _participants(html: str) -> str:
    return re.search(r'stat-value">(\d+)</span> acheteurs participants', html).group(1)


def test_a_buyer_taking_part_shows_with_the_cache_warm(official_client):
    from tests.factories.buyers import BuyerParticipationFactory

    edition = EditionFactory()
    before = _participants(official_client.get(URL).content.decode())
    BuyerParticipationFactory(edition=edition)
    assert int(_participants(official_client.get(URL).content.decode())) == int(before) + 1


def test_warm_filtered_page_builds_no_form_and_follows_the_buyers(official_client, monkeypatch):
    """A body cached for valid filters is read back without the form (nor its buyers' list);
    a buyer renamed moves it on; a spelling never validated is validated, never served."""
    from tests.factories.buyers import BuyerOrganisationFactory

    buyer = BuyerOrganisationFactory(name="Ville de Bondy (test)", siret="21930010000010")
    params = {"year": "2024", "buyer": buyer.siret}
    assert "Ville de Bondy (test)" in official_client.get(URL, params).content.decode()

    def no_form(*args, **kwargs):
        raise AssertionError("the form was built")

    monkeypatch.setattr("spaser.views.DashboardFilterForm", no_form)
    html = official_client.get(URL, params).content.decode()
    assert "Ville de Bondy (test)" in html
    monkeypatch.undo()
    buyer.name = "Ville de Bondy renommée"
    buyer.save()
    assert "Ville de Bondy renommée" in official_client.get(URL, params).content.decode()
    # The same values spelled otherwise: validated (an error), never a cached body.
    html = official_client.get(URL, {"year": "02024", "buyer": buyer.siret}).content.decode()
    assert "errorlist" in html
