"""Headless Chromium: staff move a meeting on the planning grid, then see a conflict refused."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from meetings.models import Meeting
from tests.factories import (
    BuyerParticipationFactory,
    CompanyFactory,
    EditionFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def test_staff_moves_a_meeting_then_sees_a_conflict_refused(live_server, page: Page):
    edition = EditionFactory(year=2060, slot_count=4, max_meetings_per_buyer=4)
    buyer = BuyerParticipationFactory(edition=edition, organisation__name="Ville de Pantin")
    first, second = (
        Meeting.objects.create(
            edition=edition,
            buyer=buyer.organisation,
            company=RegistrationFactory(
                edition=edition, company=CompanyFactory(legal_name=name), retained=True
            ).company,
            slot=slot,
            reasons=[{"kind": "policy", "text": f"Raison {name}"}],
        )
        for slot, name in ((0, "Menuiserie Alpha"), (1, "Nettoyage Bêta"))
    )
    staff = UserFactory(role="staff")

    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    page.goto(f"{live_server.url}/rendez-vous/planning/2060/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning des rendez-vous")
    grid = page.get_by_role("table").first
    expect(grid.get_by_role("rowheader").first).to_contain_text("Ville de Pantin")

    # Keyboard: open the meeting's details with Enter, choose a free slot, submit.
    cell = page.locator(f"#rdv-{first.pk}")
    cell.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(cell.get_by_text("Raison Menuiserie Alpha")).to_be_visible()
    slots = edition.slots
    cell.get_by_label("Déplacer vers").select_option(str(2))
    cell.get_by_role("button", name="Déplacer", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Rendez-vous déplacé.")
    first.refresh_from_db()
    assert first.slot == 2 and first.locked
    row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile("Pantin"))
    )
    expect(row.get_by_role("cell").nth(2)).to_contain_text("Menuiserie Alpha")

    # Now move it onto the slot of the other meeting: refused, in French, nothing changed.
    cell = page.locator(f"#rdv-{first.pk}")
    cell.locator("summary").click()
    cell.get_by_label("Déplacer vers").select_option(str(second.slot))
    cell.get_by_role("button", name="Déplacer", exact=True).click()
    expect(page.locator(".message-error")).to_contain_text(
        f"Ce créneau ({slots[1].label}) est déjà pris pour Ville de Pantin."
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.slot, second.slot) == (2, 1)


def test_refused_move_shows_its_message_at_the_cell_without_reloading(live_server, page: Page):
    """Keyboard only: the move is sent by htmx, the page is not reloaded, the refusal is shown
    in the meeting's cell (which takes the focus) and in the live region."""
    edition = EditionFactory(year=2061, slot_count=4, max_meetings_per_buyer=4)
    buyer = BuyerParticipationFactory(edition=edition, organisation__name="Ville de Bondy")
    first, second = (
        Meeting.objects.create(
            edition=edition,
            buyer=buyer.organisation,
            company=RegistrationFactory(
                edition=edition, company=CompanyFactory(legal_name=name), retained=True
            ).company,
            slot=slot,
            reasons=[{"kind": "policy", "text": f"Raison {name}"}],
        )
        for slot, name in ((0, "Traiteur Gamma"), (1, "Imprimerie Delta"))
    )
    staff = UserFactory(role="staff")
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    page.goto(f"{live_server.url}/rendez-vous/planning/2061/")
    page.evaluate("window.notReloaded = true")

    cell = page.locator(f"#rdv-{first.pk}")
    cell.locator("summary").focus()
    page.keyboard.press("Enter")
    select = cell.get_by_label("Déplacer vers")
    expect(select).to_be_visible()
    select.focus()
    select.select_option(str(second.slot))
    page.keyboard.press("Tab")
    expect(cell.get_by_role("button", name="Déplacer", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    text = f"Ce créneau ({edition.slots[1].label}) est déjà pris pour Ville de Bondy."
    message = page.locator(f"#rdv-{first.pk} .cell-message")
    expect(message).to_contain_text(text)
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()
    expect(page.locator("#planning-live")).to_contain_text(text)
    assert page.evaluate("window.notReloaded") is True
    first.refresh_from_db()
    assert first.slot == 0
    # the redrawn row, its message and an opened meeting's details pass the WCAG rules too
    page.locator(f"#rdv-{second.pk} summary").click()
    expect(page.locator(f"#rdv-{second.pk}").get_by_label("Déplacer vers")).to_be_visible()
    found = Axe().run(page, options=WCAG).response["violations"]
    assert [f"{v['id']}: {v['nodes'][0]['target']}" for v in found] == []

    # A successful move redraws the row in place: the company now sits in the third column.
    cell = page.locator(f"#rdv-{first.pk}")
    cell.locator("summary").click()
    cell.get_by_label("Déplacer vers").select_option("3")
    cell.get_by_role("button", name="Déplacer", exact=True).click()
    expect(page.locator("#planning-live")).to_contain_text("Rendez-vous déplacé.")
    row = page.locator(f"#acheteur-{buyer.organisation.pk}")
    expect(row.get_by_role("cell").nth(3)).to_contain_text("Traiteur Gamma")
    expect(row.get_by_role("cell").nth(0)).to_contain_text("libre")
    assert page.evaluate("window.notReloaded") is True


def test_grid_scrolls_in_its_frame_with_buyers_and_times_in_view(live_server, page: Page):
    """At 1,366 px, 12 slots do not fit: the frame scrolls, the page does not, and the buyers'
    names and the slot times stay where they are."""
    edition = EditionFactory(year=2062, slot_count=12, max_meetings_per_buyer=12)
    for i in range(30):
        BuyerParticipationFactory(edition=edition, organisation__name=f"Acheteur {i:02d}")
    staff = UserFactory(role="staff")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_label(re.compile("courriel|e-mail", re.IGNORECASE)).fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    page.goto(f"{live_server.url}/rendez-vous/planning/2062/")
    frame = page.locator(".planning-frame")
    sizes = frame.evaluate(
        "f => [f.scrollWidth, f.clientWidth, f.scrollHeight, f.clientHeight,"
        " document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert sizes[0] > sizes[1] and sizes[2] > sizes[3]  # the frame scrolls both ways
    assert sizes[4] <= sizes[5]  # the page itself does not scroll sideways
    frame.scroll_into_view_if_needed()
    frame.evaluate("f => { f.scrollLeft = f.scrollWidth; f.scrollTop = 300; }")
    page.wait_for_timeout(100)
    box = frame.bounding_box()
    buyer = page.get_by_role("rowheader").nth(10).bounding_box()
    last_time = page.get_by_role("columnheader").last.bounding_box()
    assert abs(buyer["x"] - box["x"]) < 3  # buyers' names kept at the frame's left edge
    assert abs(last_time["y"] - box["y"]) < 3  # slot times kept at the frame's top
    expect(page.get_by_role("columnheader").last).to_be_in_viewport()
