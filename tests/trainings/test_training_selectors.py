"""What other apps read: trainings per company, people trained per year, workshops on the
agenda; companies trained since 2020 with the imported attendance of earlier years."""

import datetime as dt
import io

import pytest
import tablib
from django.utils import timezone

from tests.factories import CompanyFactory, EditionFactory, ParticipantFactory, SessionFactory
from trainings import selectors
from trainings.models import PastAttendance
from trainings.resources import PastAttendanceResource

pytestmark = pytest.mark.django_db


def _at(year: int, month: int = 3):
    return timezone.make_aware(dt.datetime(year, month, 10, 9, 0))


def test_company_trainings_lists_sessions_attended_with_imported_years():
    company = CompanyFactory()
    attended = SessionFactory(title="Répondre à un appel d'offres", starts_at=_at(2025))
    ParticipantFactory(session=attended, company=company, attendance="present")
    ParticipantFactory(session=attended, company=company, attendance="present")  # 2 people
    ParticipantFactory(
        session=SessionFactory(starts_at=_at(2025, 5)), company=company, attendance="absent"
    )
    PastAttendance.objects.create(
        year=2021, topic_label="Clauses sociales", company_name=company.legal_name, company=company
    )
    other = CompanyFactory()
    result = selectors.company_trainings(company_ids=[company.pk, other.pk])
    assert [t.title for t in result[company.pk]] == ["Clauses sociales", attended.title]
    assert result[company.pk][1].topic == attended.topic.name
    assert result[other.pk] == []


def test_people_trained_per_year_counts_present_agents_and_officials():
    session_2024 = SessionFactory(audience="agents", starts_at=_at(2024))
    session_2025 = SessionFactory(audience="agents", starts_at=_at(2025))
    for session, kind, attendance in [
        (session_2024, "agent", "present"),
        (session_2025, "agent", "present"),
        (session_2025, "agent", "present"),
        (session_2025, "agent", "absent"),
        (session_2025, "official", "present"),
    ]:
        ParticipantFactory(session=session, kind=kind, company=None, attendance=attendance)
    assert selectors.people_trained_per_year(audience="agents") == {2024: 1, 2025: 2}
    assert selectors.people_trained_per_year(audience="officials") == {2025: 1}


def test_company_workshops_lists_the_edition_afternoon_seats():
    edition = EditionFactory()
    company = CompanyFactory()
    workshop = SessionFactory(edition=edition, title="Répondre en groupement")
    ParticipantFactory(session=workshop, company=company, name="Awa Diallo")
    ParticipantFactory(session=SessionFactory(), company=company)  # not a workshop
    ParticipantFactory(
        session=SessionFactory(edition=edition), company=company, status="waiting", seat_number=None
    )
    result = selectors.company_workshops(edition=edition, company_ids=[company.pk])
    assert [(w.title, w.people) for w in result[company.pk]] == [
        ("Répondre en groupement", ("Awa Diallo",))
    ]


def test_past_attendance_import_links_known_companies_and_counts_since_2020():
    known = CompanyFactory()
    dataset = tablib.Dataset(
        headers=["annee", "date", "theme", "siret", "entreprise", "participant"]
    )
    dataset.append(
        [
            2021,
            "15/03/2021",
            "Répondre à un appel d'offres",
            known.siret,
            known.legal_name,
            "Awa Diallo",
        ]
    )
    dataset.append([2022, "", "Clauses sociales", "", "Boulangerie Dupain", "Jean"])
    dataset.append([2019, "2019-06-01", "Prix", "", "Ancienne SARL", ""])
    result = PastAttendanceResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors()
    assert PastAttendance.objects.get(year=2021).company == known
    assert PastAttendance.objects.get(year=2021).session_date == dt.date(2021, 3, 15)
    PastAttendanceResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert PastAttendance.objects.count() == 3  # imported again: updated, not duplicated
    ParticipantFactory(
        session=SessionFactory(starts_at=_at(2025)), company=known, attendance="present"
    )
    assert selectors.companies_trained_since(year=2020) == 2


def test_past_attendance_import_rejects_a_bad_date_in_french():
    dataset = tablib.Dataset(headers=["annee", "date", "theme", "entreprise"])
    dataset.append([2021, "le 3 mars", "Prix", "SARL"])
    result = PastAttendanceResource().import_data(dataset, dry_run=True)
    assert result.has_validation_errors() or result.has_errors()
    assert not PastAttendance.objects.exists()
    messages = io.StringIO()
    for row in result.invalid_rows:
        messages.write(str(row.error_dict))
    for _line, errors in result.row_errors():
        messages.write(" ".join(str(e.error) for e in errors))
    assert "Date illisible" in messages.getvalue()


def test_session_figures_fill_rate_waiting_and_satisfaction():
    from trainings.models import SurveyAnswer

    session = SessionFactory(capacity=4)
    present = ParticipantFactory(session=session, attendance="present")
    ParticipantFactory(session=session)
    ParticipantFactory(session=session, status="waiting", seat_number=None)
    SurveyAnswer.objects.create(participant=present, rating=4)
    figures = selectors.session_figures(session=session)
    assert (figures["registered"], figures["fill_rate"], figures["waiting"]) == (2, 50, 1)
    assert figures["present"] == 1 and figures["satisfaction"] == 4


def test_agenda_page_shows_the_company_workshops_and_pairings(client):
    from companies.models import Registration
    from tests.factories import CompanyMembershipFactory, RegistrationFactory
    from trainings.models import Pairing

    edition = EditionFactory()
    member = CompanyMembershipFactory()
    RegistrationFactory(edition=edition, company=member.company)
    ParticipantFactory(
        session=SessionFactory(edition=edition, title="Atelier : se grouper pour répondre"),
        company=member.company,
        name="Awa Diallo",
    )
    ParticipantFactory(session=SessionFactory(edition=edition, title="Atelier Autre Entreprise"))
    partner = CompanyFactory(legal_name="Bureau Partenaire")
    a, b = sorted([member.company, partner], key=lambda c: c.pk)
    Pairing.objects.create(
        edition=edition,
        company_a=a,
        company_b=b,
        table="C3",
        status="published",
        reasons=["Marché visé en commun : « T-1 »."],
    )
    assert Registration.objects.count() == 1
    client.force_login(member.user)
    page = client.get("/rendez-vous/mon-agenda/").content.decode()
    assert "Atelier : se grouper pour répondre" in page and "Awa Diallo" in page
    assert "Atelier Autre Entreprise" not in page
    assert "Bureau Partenaire" in page and "table C3" in page
