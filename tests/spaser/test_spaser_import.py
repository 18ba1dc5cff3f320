"""import_decp: every format, the per-record report, idempotence, updates, links by SIRET."""

import io
import json

import pytest
from django.core.management import call_command

from spaser.models import Contract, ContractHolder, DecpImport, DecpImportRecord, RecordOutcome
from spaser.services import decp_import
from tests.factories.buyers import BuyerOrganisationFactory
from tests.factories.companies import CompanyFactory
from tests.spaser.decp_files import EE, HAND_REGISTER, SMALL, marche, write_v2

pytestmark = pytest.mark.django_db


def run_command(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_decp", str(path), *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_missing_required_keys_are_rejected_with_exit_1_and_one_line_each(tmp_path):
    path = write_v2(
        tmp_path / "bad.json",
        [
            marche("OK"),
            marche("", amount=1),
            marche("NOBUYER", acheteur={}),
            marche("NODATE", date=None),
            marche("NOAMOUNT", amount=None),
        ],
    )
    code, out, err = run_command(path)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 4
    assert "champ id " in lines[0]
    assert "« NOBUYER »" in lines[1] and "acheteur.id" in lines[1]
    assert "« NODATE »" in lines[2] and "dateNotification" in lines[2]
    assert "« NOAMOUNT »" in lines[3] and "montant" in lines[3]
    assert "1 importés" in out and "4 rejetés" in out
    assert Contract.objects.count() == 1
    rejected = DecpImportRecord.objects.filter(outcome=RecordOutcome.REJECTED)
    assert sorted(rejected.values_list("field", flat=True)) == [
        "acheteur.id",
        "dateNotification",
        "id",
        "montant",
    ]


def test_clean_file_exits_0_and_reimport_changes_nothing(tmp_path):
    path = write_v2(tmp_path / "ok.json", [marche("A"), marche("B", amount=1000)])
    code, out, _err = run_command(path)
    assert code == 0 and "2 importés" in out
    before = list(Contract.objects.order_by("uid").values())
    code, out, _err = run_command(path)
    assert code == 0 and "2 déjà à jour" in out
    after = list(Contract.objects.order_by("uid").values())
    for row in (*before, *after):
        row.pop("imported_at")
        row.pop("source_import_id")
    assert before == after


def test_dry_run_writes_nothing_but_reports(tmp_path):
    path = write_v2(tmp_path / "ok.json", [marche("A"), marche("B", date=None)])
    code, out, _err = run_command(path, "--dry-run")
    assert code == 1 and "essai à blanc" in out
    assert Contract.objects.count() == 0
    assert DecpImport.objects.get().dry_run is True


def test_newer_publication_updates_older_is_ignored(tmp_path):
    decp_import(
        path=write_v2(tmp_path / "1.json", [marche("A", amount=1000, published="2024-03-10")])
    )
    newer = marche(
        "A",
        amount=1000,
        published="2024-03-10",
        social=["Clause sociale"],
        modifications=[
            {
                "id": 1,
                "montant": 1500,
                "datePublicationDonneesModification": "2024-05-01",
                "dateNotificationModification": "2024-04-30",
            }
        ],
    )
    run = decp_import(path=write_v2(tmp_path / "2.json", [newer]))
    assert run.imported == 1
    contract = Contract.objects.get()
    assert contract.modifications == 1 and contract.is_social
    assert contract.current_amount_ht == 1500 and contract.amount_ht == 1000
    run = decp_import(
        path=write_v2(tmp_path / "3.json", [marche("A", amount=9, published="2024-01-01")])
    )
    assert run.unchanged == 1
    assert Contract.objects.get().amount_ht == 1000


def test_holders_and_buyer_are_linked_by_siret(tmp_path):
    company = CompanyFactory(siret=SMALL)
    buyer = BuyerOrganisationFactory(siret=EE)
    decp_import(
        path=write_v2(tmp_path / "r.json", [marche("A", holders=[SMALL, "55204599900869"])])
    )
    contract = Contract.objects.get()
    assert contract.buyer == buyer
    assert ContractHolder.objects.get(identifier=SMALL).company == company
    assert ContractHolder.objects.get(identifier="55204599900869").company is None


def test_xml_and_csv_formats(tmp_path):
    xml = tmp_path / "m.xml"
    xml.write_text(
        "<marches><marche><id>X1</id><acheteur><id>20005787500017</id></acheteur>"
        "<nature>Marché</nature><objet>Peinture</objet><codeCPV>45442100</codeCPV>"
        "<dateNotification>2024-02-01</dateNotification><montant>45000</montant>"
        "<marcheInnovant>oui</marcheInnovant>"
        "<considerationsSociales><considerationSociale>Marché réservé</considerationSociale>"
        "</considerationsSociales>"
        "<titulaires><titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>80295478500028</id>"
        "</titulaire></titulaires></marche></marches>",
        encoding="utf-8",
    )
    run = decp_import(path=xml)
    assert run.rejected == 0
    contract = Contract.objects.get(decp_id="X1")
    assert contract.is_reserved and contract.innovative and contract.source_format == "xml-v2"
    assert run.outcomes.get().outcome == RecordOutcome.WARNINGS  # the XSD wants more fields
    csv_path = tmp_path / "t.csv"
    csv_path.write_text(
        "uid,id,acheteur_id,titulaire_id,titulaire_typeIdentifiant,objet,montant,dateNotification,"
        "datePublicationDonnees,considerationsSociales,considerationsEnvironnementales\n"
        "2000578750001799,99,20005787500017,11111111111111,SIRET,Lot 1,12000,2024-05-02,2024-05-03,"
        "Clause sociale,\n"
        "2000578750001799,99,20005787500017,22222222222222,SIRET,Lot 1,12000,2024-05-02,2024-05-03,"
        "Clause sociale,\n",
        encoding="utf-8",
    )
    run = decp_import(path=csv_path)
    assert run.records == 1 and run.rejected == 0
    contract = Contract.objects.get(decp_id="99")
    assert contract.holders.count() == 2 and contract.is_social


def test_report_csv_in_admin_names_record_and_field(tmp_path, admin_client):
    run = decp_import(path=write_v2(tmp_path / "r.json", HAND_REGISTER))
    response = admin_client.get(f"/admin/spaser/decpimport/{run.pk}/rapport.csv")
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "H;Rejeté;montant;montant : Montant absent" in text
    listing = admin_client.get(f"/admin/spaser/decpimportrecord/?run__id__exact={run.pk}")
    assert listing.status_code == 200 and "Montant absent" in listing.content.decode()


def _upload(admin_client, name: str, body: bytes, **data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return admin_client.post(
        "/admin/spaser/decpimport/add/",
        {"upload": SimpleUploadedFile(name, body, "application/json"), **data},
    )


def test_admin_upload_runs_as_a_job_with_counts_and_report_links(
    admin_client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from ellipse.core.models import BackgroundJob

    body = json.dumps({"marches": {"marche": [marche("UP1"), marche("UP2", amount=None)]}}).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(admin_client, "flux.json", body)
    job = BackgroundJob.objects.get(kind="decp-import")
    assert response.status_code == 302 and response.url == reverse("core:job", args=[job.pk])
    run = DecpImport.objects.get()
    assert run.status == "done" and run.imported == 1 and run.file_name == "flux.json"
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    assert Contract.objects.filter(decp_id="UP1").exists()
    html = admin_client.get(response.url).content.decode()
    assert "2 enregistrement(s) lu(s) : 1 importé(s)" in html and "1 rejeté(s)" in html
    assert f"/admin/spaser/decpimportrecord/?run__id__exact={run.pk}" in html
    assert f"/admin/spaser/decpimport/{run.pk}/rapport.csv" in html


def test_admin_upload_refused_while_another_import_runs(admin_client):
    from ellipse.core.jobs import job_create

    running = job_create(kind="decp-import", key="decp-import", label="Import DECP « a.json »")
    body = json.dumps({"marches": {"marche": [marche("UP1")]}}).encode()
    response = _upload(admin_client, "b.json", body)
    assert response.status_code == 200
    assert "Un import DECP est déjà en cours" in response.content.decode()
    assert not DecpImport.objects.exists()
    assert running.pk


def test_admin_upload_of_an_unreadable_file_ends_the_job_with_its_reason(
    admin_client, django_capture_on_commit_callbacks
):
    from ellipse.core.models import BackgroundJob

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(admin_client, "casse.json", b"{pas du json")
    job = BackgroundJob.objects.get(kind="decp-import")
    assert job.status == "failed" and job.error.startswith("Fichier illisible")
    assert DecpImport.objects.get().status == "failed"
    assert "Fichier illisible" in admin_client.get(response.url).content.decode()


def test_official_examples_import_without_defect(shared_data):
    folder = shared_data / "decp" / "exemples_v2"
    for path in sorted(folder.iterdir()):
        run = decp_import(path=path)
        assert run.rejected == 0 and run.with_warnings == 0, (
            path.name,
            list(run.outcomes.values("messages")),
        )
    # Same ids across files are one contract each.
    assert Contract.objects.count() == Contract.objects.values("uid").distinct().count()
    assert Contract.objects.filter(kind="concession").exists()


def test_real_2024_feed_reports_its_defects(shared_data):
    folder = shared_data / "decp" / "reel_v2_2024"
    run = decp_import(path=folder / "decp-13001845000028-2024-10-06-01.json")
    assert run.records == 17 and run.rejected == 0
    assert run.with_warnings == 17  # not schema-valid: every record carries its schema errors
    messages = [m["message"] for o in run.outcomes.all() for m in o.messages]
    assert any(m.startswith("Schéma") for m in messages)
    flat = decp_import(path=folder / "decp-13001845000028-2024-02-29-01.json")
    assert flat.records == 1 and flat.rejected == 0
    contract = Contract.objects.get(decp_id="2024_D2F_2023S12323_33 962_01")
    assert contract.amount_ht == pytest.approx(952543.75)
    assert contract.holders.get().identifier == "44090956200041"


def test_v1_files_are_mapped(shared_data):
    folder = shared_data / "decp" / "reel_v1_2019"
    territory = decp_import(path=folder / "decp_v1_2019_territoire_est_ensemble.json")
    assert territory.records == 45
    # Pantin's 6 records and Romainville's one carry no dateNotification: rejected, named.
    assert territory.rejected == 7
    rejected = territory.outcomes.filter(outcome=RecordOutcome.REJECTED)
    assert set(rejected.values_list("field", flat=True)) == {"dateNotification"}
    assert Contract.objects.filter(buyer_siret="21930053000017").exists()  # Noisy-le-Sec
    assert not Contract.objects.filter(buyer_siret="21930055500014").exists()
    sample = decp_import(path=folder / "decp_v1_2019_marches-publics.info_echantillon200.json")
    assert sample.records == 200
    assert sample.imported + sample.with_warnings + sample.unchanged + sample.rejected == 200
    assert sample.outcomes.count() == 200  # nothing silently dropped


def test_decp_processing_dirty_file(shared_data):
    run = decp_import(path=shared_data / "decp" / "decp-processing" / "decp_test_2022.json")
    assert run.records == 5 and run.rejected == 1
    rejected = run.outcomes.get(outcome=RecordOutcome.REJECTED)
    assert rejected.field == "montant"
