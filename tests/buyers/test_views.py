"""Buyer's space: own organisation only, upload with preview and confirmation, edit, publish,
participation, invitations, exports."""

import io

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from buyers.enums import ContractStatus
from buyers.forms import default_year
from buyers.models import BuyerMembership, BuyerParticipation, PlannedContract
from ellipse.outbox.models import OutgoingEmail
from tests.buyers.forecast_files import csv_bytes, row
from tests.factories import EditionFactory, UserFactory, WishFactory
from tests.factories.buyers import (
    BuyerMembershipFactory,
    BuyerOrganisationFactory,
    CpvCodeFactory,
    PlannedContractFactory,
)

pytestmark = pytest.mark.django_db
INVALID = "INVALID_TEMPLATE_VARIABLE"


def upload(name: str, content: bytes):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_space_lists_only_own_organisation_lines(client, buyer, organisation):
    PlannedContractFactory(organisation=organisation, title="Notre ligne à nous")
    PlannedContractFactory(title="Ligne d'un autre acheteur")
    client.force_login(buyer)
    response = client.get(reverse("buyers:space"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Notre ligne à nous" in content
    assert "Ligne d&#x27;un autre acheteur" not in content and "autre acheteur" not in content
    assert INVALID not in content


def test_space_query_count_is_bounded(client, buyer, organisation, django_assert_max_num_queries):
    for _ in range(30):
        contract = PlannedContractFactory(organisation=organisation)
        WishFactory(organisation=organisation, planned_contract=contract)
    client.force_login(buyer)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("buyers:space"))
    assert response.content.decode().count("/modifier/") == 30


def test_buyer_cannot_see_or_edit_another_organisations_line(client, buyer):
    other = PlannedContractFactory(title="Secret")
    client.force_login(buyer)
    assert client.get(reverse("buyers:contract_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("buyers:contract_edit", args=[other.pk])).status_code == 404
    response = client.post(reverse("buyers:contract_edit", args=[other.pk]), {"title": "Pris"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.title == "Secret"


def test_company_user_is_refused_from_buyer_space(client):
    user = UserFactory(role="company")
    client.force_login(user)
    assert client.get(reverse("buyers:space")).status_code == 403
    assert client.get(reverse("buyers:upload")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("buyers:upload"))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_contract_edit_saves_and_reports_errors_next_to_fields(client, buyer, organisation):
    CpvCodeFactory(code="45442100", check_digit="8")
    contract = PlannedContractFactory(organisation=organisation, reference="R-1")
    client.force_login(buyer)
    url = reverse("buyers:contract_edit", args=[contract.pk])
    data = {
        "reference": "R-1",
        "title": "Peinture des écoles",
        "cpv_main_code": "45442100-8",
        "cpv_extra_codes": "",
        "estimated_amount": "30000",
        "publication_quarter": "7",
        "reservation": "none",
        "visibility": "published",
        "status": "published",
    }
    response = client.post(url, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in content and "id_publication_quarter_error" in content
    contract.refresh_from_db()
    assert contract.title != "Peinture des écoles"
    data["publication_quarter"] = "3"
    data["cpv_extra_codes"] = "99999999"
    response = client.post(url, data)
    assert "Code(s) CPV inconnu(s) : 99999999" in response.content.decode()
    data["cpv_extra_codes"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "Peinture des écoles" and contract.cpv_main_id == "45442100"


def test_contract_create_refuses_a_duplicate_reference(client, buyer, organisation):
    CpvCodeFactory(code="45442100", check_digit="8")
    PlannedContractFactory(organisation=organisation, reference="R-1", year=2031)
    client.force_login(buyer)
    data = {
        "reference": "R-1",
        "title": "Doublon",
        "cpv_main_code": "45442100",
        "reservation": "none",
        "visibility": "published",
        "status": "draft",
    }
    response = client.post(reverse("buyers:contract_create") + "?annee=2031", data)
    assert response.status_code == 200
    assert PlannedContract.objects.filter(title="Doublon").count() == 0
    assert "existe déjà" in response.content.decode()


def test_publish_only_touches_own_drafts(client, buyer, organisation):
    mine = PlannedContractFactory(organisation=organisation, status=ContractStatus.DRAFT)
    theirs = PlannedContractFactory(status=ContractStatus.DRAFT)
    client.force_login(buyer)
    client.post(reverse("buyers:contracts_publish"), {"contracts": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == ContractStatus.PUBLISHED
    assert theirs.status == ContractStatus.DRAFT


def test_contract_detail_lists_interested_companies(client, buyer, organisation):
    contract = PlannedContractFactory(organisation=organisation)
    wish = WishFactory(organisation=organisation, planned_contract=contract)
    client.force_login(buyer)
    content = client.get(reverse("buyers:contract_detail", args=[contract.pk])).content.decode()
    assert str(wish.registration.company) in content
    assert INVALID not in content


def test_upload_preview_then_confirm_imports(client, buyer, organisation, cpv_demo):
    client.force_login(buyer)
    url = reverse("buyers:upload")
    page = client.get(url).content.decode()
    assert 'for="id_file"' in page and INVALID not in page
    response = client.post(
        url, {"year": default_year(), "file": upload("p.csv", csv_bytes([row()]))}
    )
    content = response.content.decode()
    assert "nouvelle" in content and "Confirmer l'import" in content
    assert not PlannedContract.objects.exists()
    token = response.context["pending"].token
    response = client.post(url, {"token": token})
    assert response.status_code == 302 and response["Location"] == reverse("buyers:space")
    assert PlannedContract.objects.get().organisation == organisation
    # The token is spent: confirming twice imports nothing more.
    client.post(url, {"token": token})
    assert PlannedContract.objects.count() == 1


def test_upload_with_errors_shows_them_and_offers_no_confirmation(
    client, buyer, organisation, cpv_demo
):
    client.force_login(buyer)
    content = csv_bytes([row(), row(Référence="2", Code_CPV_principal="12345678")])
    response = client.post(
        reverse("buyers:upload"), {"year": default_year(), "file": upload("p.csv", content)}
    )
    page = response.content.decode()
    assert "Ligne 3, colonne « Code CPV principal » : Code CPV inconnu" in page
    assert "Confirmer" not in page
    assert not PlannedContract.objects.exists()


def test_upload_refuses_other_extensions_next_to_the_field(client, buyer):
    client.force_login(buyer)
    response = client.post(
        reverse("buyers:upload"), {"year": default_year(), "file": upload("p.pdf", b"%PDF-1.4")}
    )
    page = response.content.decode()
    assert "Format non accepté" in page and 'aria-invalid="true"' in page


def test_confirm_token_of_another_organisation_is_refused(client, buyer, cpv_demo):
    client.force_login(buyer)
    response = client.post(
        reverse("buyers:upload"),
        {"year": default_year(), "file": upload("p.csv", csv_bytes([row()]))},
    )
    token = response.context["pending"].token
    # Same session, but the user's membership moved to another organisation meanwhile.
    BuyerMembership.objects.filter(user=buyer).update(organisation=BuyerOrganisationFactory())
    response = client.post(reverse("buyers:upload"), {"token": token})
    assert not PlannedContract.objects.exists()


def test_export_contains_only_own_lines_and_neutralises_formulas(client, buyer, organisation):
    PlannedContractFactory(organisation=organisation, title='=HYPERLINK("http://x")')
    PlannedContractFactory(title="Ligne d'un autre")
    client.force_login(buyer)
    response = client.get(reverse("buyers:export_csv"))
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Ligne d'un autre" not in text
    response = client.get(reverse("buyers:export_xlsx"))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ['\'=HYPERLINK("http://x")']


def test_template_downloads_have_instructions_and_allowed_values(client):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(client.get(reverse("buyers:template_xlsx")).content))
    assert workbook.sheetnames == ["Instructions", "Prévisions", "Valeurs autorisées"]
    headers = [c.value for c in workbook["Prévisions"][1]]
    assert headers[:4] == ["Référence", "Objet", "Description", "Code CPV principal"]
    values = " ".join(
        str(c.value) for row in workbook["Valeurs autorisées"].iter_rows() for c in row
    )
    assert "Procédure adaptée (MAPA)" in values
    csv_text = client.get(reverse("buyers:template_csv")).content.decode("utf-8-sig")
    assert csv_text.startswith("Référence;Objet;")


def test_template_uploaded_unchanged_imports_nothing(client, organisation, cpv_demo):
    from buyers.services import forecast_import

    PlannedContractFactory(organisation=organisation, year=2031, reference="2027-001")
    for name in ("buyers:template_xlsx", "buyers:template_csv"):
        content = client.get(reverse(name)).content
        report = forecast_import(organisation=organisation, year=2031, file=content, dry_run=False)
        # The sample line is marked as an example: nothing to import, whatever the references.
        assert report.file_errors == [
            "Le fichier ne contient que la ligne d'exemple du modèle : ajoutez vos lignes."
        ]
        assert not report.written and not report.rows
    assert PlannedContract.objects.get().title != "Entretien des espaces verts des écoles"


def test_participation_saved_with_slots_and_limit(client, buyer, organisation):
    edition = EditionFactory()
    client.force_login(buyer)
    url = reverse("buyers:participation")
    page = client.get(url).content.decode()
    assert INVALID not in page
    response = client.post(
        url, {"attendees": "Mme Dupont", "available_slots": [0, 1, 2], "max_meetings": 5}
    )
    assert "Au plus 3 rendez-vous" in response.content.decode()
    response = client.post(
        url, {"attendees": "Mme Dupont", "available_slots": [0, 1, 2], "max_meetings": 3}
    )
    assert response.status_code == 302
    participation = BuyerParticipation.objects.get(edition=edition, organisation=organisation)
    assert participation.available_slots == [0, 1, 2] and participation.max_meetings == 3


def test_buyer_invites_a_colleague_of_the_same_organisation(
    client, buyer, organisation, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("buyers:invite"),
            {"email": "Collegue@Montreuil.fr", "first_name": "Camille", "last_name": "Martin"},
        )
    assert response.status_code == 302
    membership = BuyerMembership.objects.get(user__email="collegue@montreuil.fr")
    assert membership.organisation == organisation
    assert not membership.user.has_usable_password()
    mail = OutgoingEmail.objects.get(to="collegue@montreuil.fr")
    assert mail.template == "buyers/invitation"
    assert "/comptes/password/reset/key/" in django_mail.outbox[-1].body
    # Once sent, the set-password link is no longer kept in the outbox.
    assert mail.context.get("redacted") is True
    assert "set_password_url" not in mail.context
    # The same colleague twice: a French error next to the field, nothing created.
    response = client.post(reverse("buyers:invite"), {"email": "collegue@montreuil.fr"})
    assert "fait déjà partie de votre organisation" in response.content.decode()
    assert BuyerMembership.objects.filter(user__email="collegue@montreuil.fr").count() == 1


def test_buyer_invitation_reveals_no_account_elsewhere_and_tells_its_owner(
    client, buyer, organisation, django_capture_on_commit_callbacks
):
    """A company's or the staff's address: the same answer as for a new one, nothing created,
    the owner is told by e-mail (once a day)."""
    from ellipse.accounts.roles import Role
    from tests.factories import UserFactory

    UserFactory(email="gerante@tpe.fr", role=Role.COMPANY)
    client.force_login(buyer)
    answers = []
    for email in ("gerante@tpe.fr", "inconnue@montreuil.fr", "gerante@tpe.fr"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("buyers:invite"), {"email": email}, follow=True)
        page = response.content.decode().replace(email, "ADRESSE")
        answers.append(page.split('class="messages"', 1)[1].split("</div>", 1)[0])
    assert answers[0] == answers[1] == answers[2]
    assert "Invitation envoyée à ADRESSE" in answers[0] and "déjà un compte" not in answers[0]
    assert not BuyerMembership.objects.filter(user__email="gerante@tpe.fr").exists()
    notices = OutgoingEmail.objects.filter(template="buyers/invitation_existing_account")
    assert list(notices.values_list("to", flat=True)) == ["gerante@tpe.fr"]  # once a day


def test_invitation_link_lets_the_colleague_choose_a_password(client, organisation):
    from buyers.services import buyer_invite

    user = buyer_invite(organisation=organisation, email="nouvelle@ville.fr")
    link = OutgoingEmail.objects.get(to="nouvelle@ville.fr").context["set_password_url"]
    path = link.split("127.0.0.1:8000", 1)[-1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url,
        {"password1": "Un-mot-de-passe-solide-42", "password2": "Un-mot-de-passe-solide-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-mot-de-passe-solide-42")


def test_staff_sees_the_space_refused_without_organisation(client):
    staff = UserFactory(role="staff")
    client.force_login(staff)
    assert client.get(reverse("buyers:space")).status_code == 403


def test_membership_factory_is_usable_for_other_orgs():
    membership = BuyerMembershipFactory()
    assert membership.user.buyer_membership.organisation == membership.organisation


@pytest.mark.parametrize(
    "value",
    ["abc", "99999999999999999999", "-1", "2027x", "²", "٢٠٢٧", "２０２７", "\x00", "1e3", ""],
)
def test_bad_year_in_url_is_ignored(client, buyer, value):
    client.force_login(buyer)
    expected = 400 if "\x00" in value else 200  # NUL: refused before any view
    assert client.get(reverse("buyers:space"), {"annee": value}).status_code == expected
    assert client.get(reverse("buyers:contract_create"), {"annee": value}).status_code == expected
    for name in ("buyers:export_csv", "buyers:export_xlsx"):
        assert client.get(reverse(name), {"annee": value}).status_code == expected


def test_publish_ignores_junk_ids(client, buyer, organisation):
    line = PlannedContractFactory(organisation=organisation, status=ContractStatus.DRAFT)
    client.force_login(buyer)
    junk = ["abc", "²", "99999999999999999999", "-3", str(line.pk)]  # NUL: a 400, tested apart
    response = client.post(reverse("buyers:contracts_publish"), {"contracts": junk})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == ContractStatus.PUBLISHED


@pytest.mark.parametrize("code", ["", "   ", "99999999", "abc", "4544210", "²²²²²²²²"])
def test_contract_create_with_empty_or_unknown_cpv_is_a_form_error(client, buyer, code):
    client.force_login(buyer)
    data = {
        "reference": "R-9",
        "title": "Ligne",
        "cpv_main_code": code,
        "reservation": "none",
        "visibility": "published",
        "status": "draft",
    }
    response = client.post(reverse("buyers:contract_create"), data)
    assert response.status_code == 200
    assert "id_cpv_main_code_error" in response.content.decode()
    assert not PlannedContract.objects.exists()


def test_upload_preview_shows_old_and_new_values_of_an_updated_line(
    client, buyer, organisation, cpv_demo
):
    from decimal import Decimal

    PlannedContractFactory(
        organisation=organisation,
        year=default_year(),
        reference="2031-001",
        title="Ancien objet",
        cpv_main_id="77310000",
        estimated_amount=Decimal("1000"),
    )
    client.force_login(buyer)
    content = csv_bytes([row(Objet="Nouvel objet"), row(Référence="2031-002")])
    response = client.post(
        reverse("buyers:upload"), {"year": default_year(), "file": upload("p.csv", content)}
    )
    report = response.context["report"]
    updated = next(r for r in report.rows if r.status == "updated")
    changes = {c.column: (c.old, c.new) for c in updated.changes}
    assert changes["Objet"] == ("Ancien objet", "Nouvel objet")
    assert changes["Montant estimé (€ HT)"] == ("1000,00", "120000,50")
    html = response.content.decode()
    assert "<del>Ancien objet</del>" in html and "<ins>Nouvel objet</ins>" in html
    assert PlannedContract.objects.get(reference="2031-001").title == "Ancien objet"


def test_space_paginates_with_the_same_query_count_and_right_links(
    client, buyer, organisation, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PlannedContractFactory.create_batch(5, organisation=organisation)
    client.force_login(buyer)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("buyers:space"))
    PlannedContractFactory.create_batch(115, organisation=organisation)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # + the page count
        response = client.get(reverse("buyers:space"), {"page": "3"})
    page = response.context["page"]
    assert len(page.object_list) == 20 and page.paginator.count == 120
    html = response.content.decode()
    line = page.object_list[0]
    assert f'href="{reverse("buyers:contract_detail", args=[line.pk])}"' in html
    assert f'href="{reverse("buyers:contract_edit", args=[line.pk])}"' in html
    assert "Page 3 sur 3 (120 lignes)" in html
