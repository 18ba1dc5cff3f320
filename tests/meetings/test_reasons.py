"""Meeting reasons: stored as data, written by ``meetings.reasons`` for every page and PDF."""

import importlib

import pytest

from meetings.enums import MeetingStatus
from meetings.invitations.agendas import buyer_agendas, company_agendas
from meetings.models import Meeting
from meetings.selectors import agenda_for_buyer, agenda_for_company
from meetings.services import edition_schedule, schedule_publish

pytestmark = pytest.mark.django_db


def _published(small) -> Meeting:
    edition_schedule(edition=small.edition)
    schedule_publish(edition=small.edition)
    return (
        Meeting.objects.filter(
            status=MeetingStatus.PUBLISHED, buyer=small.buyers[0], reasons__0__kind="cpv"
        )
        .select_related("buyer", "company")
        .first()
    )


def test_agendas_name_the_company_code_for_the_buyer_and_votre_cpv_for_the_company(small):
    meeting = _published(small)
    [reason] = [r for r in meeting.reasons if r["kind"] == "cpv"]
    code = reason["company_code"]
    buyer_pdf = buyer_agendas(edition=small.edition)[meeting.buyer_id]
    company_pdf = company_agendas(edition=small.edition)[meeting.company_id]
    buyer_lines = next(m for m in buyer_pdf["meetings"] if m["id"] == meeting.pk)["reasons"]
    company_lines = next(m for m in company_pdf["meetings"] if m["id"] == meeting.pk)["reasons"]
    assert f"que le CPV {code} de l'entreprise" in buyer_lines[0]
    assert "votre CPV" not in " ".join(buyer_lines)
    assert company_lines[0].endswith(f"que votre CPV {code}")
    # The HTML agendas read the same sentences, grouped by contract.
    [entry] = [
        e
        for e in agenda_for_buyer(edition=small.edition, buyer=meeting.buyer)
        if e.meeting.pk == meeting.pk
    ]
    assert entry.contracts[0]["texts"][0] == buyer_lines[0]
    [entry] = [
        e
        for e in agenda_for_company(edition=small.edition, company=meeting.company)
        if e.meeting.pk == meeting.pk
    ]
    assert entry.contracts[0]["texts"][0] == company_lines[0]
    assert entry.contracts[0]["title"] == "Peinture des écoles"


def test_agenda_shows_the_live_title_of_a_renamed_contract(small):
    meeting = _published(small)
    small.contracts[0].title = "Peinture des écoles et des crèches"
    small.contracts[0].save()
    agenda = company_agendas(edition=small.edition)[meeting.company_id]
    lines = next(m for m in agenda["meetings"] if m["id"] == meeting.pk)
    assert "Peinture des écoles et des crèches" in lines["reasons"][0]
    assert lines["contracts"][0]["title"] == "Peinture des écoles et des crèches"


def test_migration_turns_old_sentences_into_structured_reasons():
    migration = importlib.import_module("meetings.migrations.0004_structured_meeting_reasons")
    old = [
        {
            "kind": "cpv",
            "text": "CPV 45442100 de « P-1 — Peinture » : même classe que votre CPV 45440000",
            "planned_contract_id": 7,
            "reference": "P-1",
            "title": "Peinture",
            "amount": "50000.00",
            "quarter": 2,
        },
        {
            "kind": "keyword",
            "text": "Mots-clés trouvés dans « P-1 — Peinture » : peinture, ravalement",
            "planned_contract_id": 7,
            "reference": "P-1",
        },
        {"kind": "cpv", "text": "Et 2 autre(s) marché(s) prévu(s) de Ville en rapport avec …"},
        {"kind": "company_wish", "text": "X souhaite rencontrer Y.", "planned_contract_id": None},
        {"kind": "buyer_wish", "text": "Y souhaite rencontrer X."},
        {"kind": "policy", "text": "Souhait réciproque."},
        {"kind": "policy", "text": "Structure de l'économie sociale et solidaire (SCOP)."},
        {"kind": "policy", "text": "Artisan."},
        {"kind": "policy", "text": "Implantée à Bondy, sur le territoire d'Est Ensemble."},
        {"kind": "other", "text": "Ajouté à la main."},
    ]
    assert [migration.structured(r) for r in old] == [
        {
            "kind": "cpv",
            "contract_id": 7,
            "reference": "P-1",
            "depth": 4,
            "company_code": "45440000",
            "contract_code": "45442100",
        },
        {
            "kind": "keyword",
            "contract_id": 7,
            "reference": "P-1",
            "keywords": ["peinture", "ravalement"],
        },
        {"kind": "more", "count": 2},
        {"kind": "company_wish", "contract_id": None, "reference": ""},
        {"kind": "buyer_wish"},
        {"kind": "policy", "policy": "mutual"},
        {"kind": "policy", "policy": "ess"},
        {"kind": "policy", "policy": "small"},
        {"kind": "policy", "policy": "local"},
        {"kind": "text", "text": "Ajouté à la main."},
    ]


def test_buyer_pdf_agenda_says_the_code_is_the_company_s(small):
    import subprocess

    from ellipse.pdf import pdf_render

    meeting = _published(small)
    code = next(r for r in meeting.reasons if r["kind"] == "cpv")["company_code"]
    agenda = buyer_agendas(edition=small.edition, buyer_ids=[meeting.buyer_id])[meeting.buyer_id]
    pdf = pdf_render(template="pdf/agenda_buyer.html", context={"agenda": agenda})
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert (
        f"que le CPV {code} de l’entreprise" in flat or f"que le CPV {code} de l'entreprise" in flat
    )
    assert "votre CPV" not in flat
