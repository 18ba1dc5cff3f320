"""The staff's lists at a region's size: what is cached (CPV divisions of the filter) follows
its inputs through every write path, and the queries do not grow with rows."""

import datetime as dt
import re

import pytest
import tablib
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buyers.models import CpvCode
from companies.enums import RegistrationStatus
from companies.models import CallQueueEntry, Company, Registration
from companies.resources import CompanyResource
from companies.selectors import registrations_to_call, registrations_with_staff_columns
from companies.services.qualification import call_log_record
from companies.services.registration import company_register
from tests.companies.registration_helpers import PASSWORD, new_siret
from tests.factories.accounts import UserFactory
from tests.factories.buyers import CpvCodeFactory
from tests.factories.companies import (
    CallLogFactory,
    CompanyFactory,
    RegistrationFactory,
    WishFactory,
)
from tests.factories.editions import EditionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:companies_registration_changelist"
CALL_QUEUE = "admin:companies_callqueueentry_changelist"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role="staff"))
    return client


@pytest.fixture
def edition():
    return EditionFactory()


def _divisions(client) -> tuple[list[str], list[str]]:
    """The CPV divisions the filter offers (read in the page: a warm one comes from the cache,
    with no template context), and the SQL the page ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    filters = response.content.decode().split('id="changelist-filter"')[1]
    return re.findall(r'href="\?cpv_division=(\d+)"', filters), [q["sql"] for q in ctx]


def _shown(response) -> list[int]:
    """The registrations a list shows, in its order (read in the page, cached or not)."""
    return [
        int(pk)
        for pk in re.findall(
            r'/admin/companies/registration/(\d+)/change/"', response.content.decode()
        )
    ]


def _with_codes(edition, *codes):
    company = CompanyFactory()
    company.cpv_codes.add(*[CpvCodeFactory(code=c) for c in codes])
    return RegistrationFactory(edition=edition, company=company)


def test_cpv_divisions_are_cached_until_a_company_changes_its_codes(staff_client, edition):
    CpvCodeFactory(code="45000000", label="Travaux de construction")
    painter = _with_codes(edition, "45442100")
    first, _sql = _divisions(staff_client)
    assert first == ["45"]
    again, sql = _divisions(staff_client)
    assert again == ["45"]
    assert not [q for q in sql if "companies_company_cpv_codes" in q]  # warm: no DISTINCT
    response = staff_client.get(reverse(CHANGELIST))
    assert "45 — Travaux de construction" in response.content.decode()

    # The public registration (the service sets the codes).
    CpvCodeFactory(code="77310000", check_digit="6")
    company_register(
        edition=edition,
        company_data={
            "siret": new_siret("jardins"),
            "legal_name": "Jardins de l'Ourcq",
            "size_class": "micro",
            "ess_status": "none",
            "commune": "Pantin",
            "postal_code": "93500",
            "contact_name": "Léa Martin",
            "contact_email": "",
        },
        cpv_codes=["77310000"],
        email="lea@jardins.fr",
        password=PASSWORD,
    )
    assert _divisions(staff_client)[0] == ["45", "77"]

    # The staff's spreadsheet import (import-export sets the codes row by row).
    CpvCodeFactory(code="90910000", check_digit="9")
    dataset = tablib.Dataset(
        [
            new_siret("nettoyage"),
            "Nettoyage Est",
            "pme",
            "Bondy",
            "Ali Ben",
            "ali@nettoyage.fr",
            "90910000",
        ],
        headers=[
            "siret",
            "legal_name",
            "size_class",
            "commune",
            "contact_name",
            "contact_email",
            "cpv_codes",
        ],
    )
    result = CompanyResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert _divisions(staff_client)[0] == ["45", "77", "90"]

    # A company's codes changed (its profile), then a company deleted.
    painter.company.cpv_codes.set([CpvCodeFactory(code="90910000", check_digit="9")])
    assert _divisions(staff_client)[0] == ["77", "90"]
    Company.objects.get(legal_name="Jardins de l'Ourcq").delete()
    assert _divisions(staff_client)[0] == ["90"]


def test_cpv_division_label_follows_the_nomenclature(staff_client, edition):
    """The nomenclature is imported in bulk (no signal): its labels are never cached."""
    CpvCodeFactory(code="45000000", label="Travaux")
    _with_codes(edition, "45442100")
    assert "45 — Travaux" in staff_client.get(reverse(CHANGELIST)).content.decode()
    CpvCode.objects.filter(code="45000000").update(label="Travaux de construction")
    assert "45 — Travaux de construction" in staff_client.get(reverse(CHANGELIST)).content.decode()


def test_action_checkbox_is_djangos_markup(edition):
    registration = RegistrationFactory(
        edition=edition, company=CompanyFactory(legal_name='Bâtiment & "Fils" <SARL>')
    )
    model_admin = admin.site._registry[Registration]
    assert model_admin.action_checkbox(registration) == admin.ModelAdmin.action_checkbox(
        model_admin, registration
    )


def _populate(edition, n):
    for index in range(n):
        registration = _with_codes(edition, "45442100" if index % 2 else "77310000")
        registration.status = [RegistrationStatus.REGISTERED, RegistrationStatus.TO_CALL][index % 2]
        registration.save()
        WishFactory(registration=registration)
        CallLogFactory(registration=registration)
        CallLogFactory(registration=registration, call_back=True)


def _queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


@pytest.mark.parametrize("name", [CHANGELIST, CALL_QUEUE])
def test_lists_run_the_same_queries_for_10_or_60_rows(staff_client, edition, name, monkeypatch):
    """Cold (nothing cached) and warm, a page costs the same number of queries whatever the
    number of rows; warm, the staff list reads neither its rows nor the CPV divisions."""
    model_admin = admin.site._registry[Registration if name == CHANGELIST else CallQueueEntry]
    monkeypatch.setattr(model_admin, "list_per_page", 5)  # several pages either way
    _populate(edition, 10)
    cache.clear()
    cold_few, _response = _queries(staff_client, reverse(name))
    warm_few, response = _queries(staff_client, reverse(name))
    assert len(_shown(response)) == 5
    _populate(edition, 50)
    cache.clear()
    cold_many, _response = _queries(staff_client, reverse(name) + "?p=3")
    warm_many, response = _queries(staff_client, reverse(name) + "?p=3")
    assert len(_shown(response)) == 5
    assert (cold_many, warm_many) == (cold_few, warm_few)
    # warm: the whole page from the cache (list_page_cached): the session and the user, and
    # on the staff list the CPV labels of its filter (read each time, in the page's key)
    assert warm_few == (3 if name == CHANGELIST else 2)
    content = response.content.decode()
    assert "À appeler" in content and "À rappeler" in content  # status and last call, in French


@pytest.mark.parametrize("name", [CHANGELIST, CALL_QUEUE])
def test_pages_sorted_before_the_joins_keep_the_lists_order(
    staff_client, edition, name, monkeypatch
):
    """IdsFirstPaginator: each page's ids in the list's order, then those rows."""
    model_admin = admin.site._registry[Registration if name == CHANGELIST else CallQueueEntry]
    monkeypatch.setattr(model_admin, "list_per_page", 4)
    _populate(edition, 10)
    CallLogFactory(
        registration=Registration.objects.filter(status="to_call").last(),
        call_back=True,
        callback_at=timezone.now() - dt.timedelta(hours=1),
    )
    if name == CHANGELIST:  # sorted by the wish count column (then by id, as the admin does)
        WishFactory.create_batch(2, registration=Registration.objects.first())
        query = "?o=-6"  # the 7th column (after the checkbox): wishes
        expected = registrations_with_staff_columns().order_by("-wish_count", "-pk")
    else:
        query = "?"
        expected = registrations_to_call()
    shown = []
    for page in (1, 2, 3):
        response = staff_client.get(f"{reverse(name)}{query}&p={page}")
        shown += _shown(response)
    assert shown == [r.pk for r in expected]
    assert len(shown) == 10


def test_admin_save_keeps_a_call_recorded_meanwhile(rf, edition):
    """The registration's page writes what its form edits, not the columns the services keep
    (a call another member of staff recorded while the page was open stays the latest)."""
    staff = UserFactory(role="staff")
    registration = RegistrationFactory(edition=edition, to_call=True)
    opened = Registration.objects.get(pk=registration.pk)  # the page's copy
    call_log_record(registration=registration, by=staff, outcome="wrong_number")
    model_admin = admin.site._registry[Registration]
    request = rf.post("/")
    request.user = staff
    form_class = model_admin.get_form(request, opened, change=True)
    form = form_class({"needs": "Mémoire technique", "available_slots": "[]"}, instance=opened)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    registration.refresh_from_db()
    assert registration.needs == "Mémoire technique"
    assert registration.last_call_outcome == "wrong_number"
    assert registration.status == RegistrationStatus.TO_CALL


def _row(client, registration) -> str:
    """The registration's row in the staff list (first page, newest first)."""
    content = client.get(reverse(CHANGELIST)).content.decode()
    checkbox = f'name="_selected_action" value="{registration.pk}"'
    start = content.rindex("<tr>", 0, content.index(checkbox))
    return content[start : content.index("</tr>", start)]


def test_rows_are_cached_and_follow_every_write_path(staff_client, edition):
    """The table comes from the cache while nothing it shows changed; every service (the bulk
    ones included) and the import make the next page show their change."""
    from companies.services.registration import registration_update
    from companies.services.selection import edition_refresh_matches, registrations_transition
    from companies.services.wishes import wish_toggle
    from tests.factories.buyers import PlannedContractFactory

    staff = UserFactory(role="staff")
    registration = RegistrationFactory(edition=edition, to_call=True)
    assert "À appeler" in _row(staff_client, registration)  # cached from here on

    call_log_record(registration=registration, by=staff, outcome="wrong_number")
    assert "Mauvais numéro" in _row(staff_client, registration)  # UPDATE of the last call

    registrations_transition(
        registration_ids=[registration.pk], to_status=RegistrationStatus.QUALIFIED, by=staff
    )
    assert "Qualifiée" in _row(staff_client, registration)

    assert "0.00 (0)" not in _row(staff_client, registration)
    edition_refresh_matches(edition=edition)  # raw SQL, no signal
    assert "0.00 (0)" in _row(staff_client, registration)

    contract = PlannedContractFactory(year=edition.year)
    registration_update(  # the company's own form: its wishes are written in bulk
        registration=registration,
        company_data={"legal_name": "Menuiserie Solidaire", "trade_name": ""},
        wish_contract_ids=[contract.pk],
    )
    row = _row(staff_client, registration)
    assert "Menuiserie Solidaire" in row and '<td class="field-wish_number">1</td>' in row
    wish_toggle(registration=registration, organisation=contract.organisation)
    assert '<td class="field-wish_number">2</td>' in _row(staff_client, registration)

    dataset = tablib.Dataset(
        [registration.company.siret, "Menuiserie Coopérative", "micro", "Pantin", "Li", "l@x.fr"],
        headers=["siret", "legal_name", "size_class", "commune", "contact_name", "contact_email"],
    )
    result = CompanyResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert "Menuiserie Coopérative" in _row(staff_client, registration)


def test_rows_cache_is_per_address_and_columns(staff_client, client, edition):
    """Another page, order or filter is another table; a user without the right to act sees no
    checkbox column, even after a staff member's page was cached."""
    from django.contrib.auth.models import Permission

    for _ in range(3):
        RegistrationFactory(edition=edition)
    RegistrationFactory(edition=edition, qualified=True)
    staff_page = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert staff_page.count('class="action-select"') == 4
    filtered = staff_client.get(reverse(CHANGELIST) + "?status__exact=qualified")
    assert filtered.content.decode().count('class="action-select"') == 1
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(viewer)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert 'class="action-select"' not in page
    assert page.count('<td class="field-status_label">') == 4


def test_count_pages_and_filters_follow_writes(staff_client, edition, monkeypatch):
    """The count, each page's ids and the filters come from the cache while nothing changed:
    a new registration, a new edition and a filter chosen show on the next page."""
    from companies.admin.registrations import RegistrationAdmin

    monkeypatch.setattr(admin.site._registry[Registration], "list_per_page", 2)
    assert RegistrationAdmin.list_cache_stamps
    for _ in range(3):
        RegistrationFactory(edition=edition)
    content = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "3 résultats" in content
    newest = RegistrationFactory(edition=edition, company=CompanyFactory(legal_name="Zèbre SCOP"))
    content = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "4 résultats" in content and "Zèbre SCOP" in content  # page 1: newest first
    assert f'value="{newest.pk}"' in content

    later = EditionFactory(title="Édition suivante")
    content = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "Édition suivante" in content.split('id="changelist-filter"')[1]
    chosen = staff_client.get(reverse(CHANGELIST) + f"?edition__id__exact={later.pk}")
    filters = chosen.content.decode().split('id="changelist-filter"')[1]
    assert f'<li class="selected">\n    <a href="?edition__id__exact={later.pk}"' in filters
    assert "0 résultat" in chosen.content.decode()


def test_call_queue_follows_the_clock(staff_client, edition, monkeypatch):
    """A callback falling due moves its registration up with no write: the cached queue is
    keyed by the next callback due."""
    first = RegistrationFactory(edition=edition, to_call=True)
    later = RegistrationFactory(edition=edition, to_call=True)
    CallLogFactory(
        registration=later,
        outcome="call_back",
        callback_at=timezone.now() + dt.timedelta(hours=2),
    )

    def queue() -> list[int]:
        response = staff_client.get(reverse(CALL_QUEUE))
        return _shown(response), response.content.decode()

    assert queue()[0] == [first.pk, later.pk]
    assert queue()[0] == [first.pk, later.pk]  # from the cache
    in_three_hours = timezone.now() + dt.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: in_three_hours)
    shown, content = queue()
    assert shown == [later.pk, first.pk]
    assert "à rappeler maintenant" in content


def _token(content: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)


def test_cached_page_carries_a_working_csrf_token(edition):
    """The page from the cache gets this request's token: an action posted with it passes
    Django's CSRF check."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role="staff"))
    registration = RegistrationFactory(edition=edition)
    client.get(reverse(CHANGELIST))
    with CaptureQueriesContext(connection) as ctx:
        content = client.get(reverse(CHANGELIST)).content.decode()
    assert not [q for q in ctx if "companies_registration" in q["sql"]]  # from the cache
    assert "<!--" not in _token(content) and content.count(_token(content)) == 2  # both forms
    response = client.post(
        reverse(CHANGELIST),
        {
            "csrfmiddlewaretoken": _token(content),
            "action": "mark_to_call",
            "index": "0",
            "_selected_action": [registration.pk],
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.TO_CALL


def test_cached_page_is_each_users_own(client, edition):
    """Two members of staff: each sees their own name; one who may only view sees no
    action; one whose right is taken away is refused, cached page or not."""
    from django.contrib.auth.models import Permission

    RegistrationFactory(edition=edition)
    for first_name in ("Camille", "Dominique"):
        client.force_login(UserFactory(role="staff", first_name=first_name))
        for _ in range(2):
            content = client.get(reverse(CHANGELIST)).content.decode()
            assert f"<strong>{first_name}</strong>" in content
            assert 'name="action"' in content
    viewer = UserFactory(is_staff=True, first_name="Sacha")
    viewer.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(viewer)
    for _ in range(2):
        content = client.get(reverse(CHANGELIST)).content.decode()
        assert "<strong>Sacha</strong>" in content and 'name="action"' not in content
    viewer.user_permissions.clear()
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_a_message_is_shown_once_then_the_page_is_cached_again(staff_client, edition):
    """A message (here: an action posted with nothing selected, no write) is shown on the
    next page, never hidden by the cached one, nor kept in the cache."""
    RegistrationFactory(edition=edition)
    staff_client.get(reverse(CHANGELIST))  # cached
    staff_client.post(reverse(CHANGELIST), {"action": "mark_to_call", "index": "0"})
    note = "Des éléments doivent être sélectionnés"
    assert note in staff_client.get(reverse(CHANGELIST)).content.decode()
    for _ in range(2):
        again = staff_client.get(reverse(CHANGELIST)).content.decode()
        assert note not in again and 'name="action"' in again


def test_filter_counts_follow_writes(staff_client, edition):
    """Without counts the filters are cached by their choices alone; with counts (facets),
    under the list's stamp too."""
    RegistrationFactory(edition=edition)

    def filters(query: str) -> str:
        content = staff_client.get(reverse(CHANGELIST) + query).content.decode()
        return content.split('id="changelist-filter"')[1]

    assert "Inscription reçue (1)" in filters("?_facets=True")
    assert "Inscription reçue (" not in filters("")
    RegistrationFactory(edition=edition)
    assert "Inscription reçue (2)" in filters("?_facets=True")
    assert "Inscription reçue" in filters("") and "Inscription reçue (" not in filters("")
