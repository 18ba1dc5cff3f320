"""The planning grid as the staff see it in Chromium: time to show the page, and a move's round
trip (click → row redrawn), against a running demo server.

    .venv/bin/python manage.py seed_demo && .venv/bin/python manage.py runserver 127.0.0.1:8000
    .venv/bin/python benchmarks/planning_grid_browser.py --url http://127.0.0.1:8000 [--runs 5]

Logs in as the demo's staff account, opens the grid of the current edition --runs times
(navigation start → load event, and → the grid's table visible), then moves one meeting back and
forth between its slot and a free one --runs times through the page's own form (htmx) and times
the click until the live region says so. Prints medians; asserts nothing.
"""

import argparse
import statistics
import time

from playwright.sync_api import sync_playwright

parser = argparse.ArgumentParser()
parser.add_argument("--url", default="http://127.0.0.1:8000")
parser.add_argument("--year", type=int, default=2027)
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--email", default="equipe@ellipse.demo")
parser.add_argument("--password", default="ellipse-demo-2024")
args = parser.parse_args()

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    page.goto(f"{args.url}/comptes/login/")
    page.fill("input[name=login]", args.email)
    page.fill("input[name=password]", args.password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    grid = f"{args.url}/rendez-vous/planning/{args.year}/"
    loads, shown = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        page.goto(grid, wait_until="load")
        loads.append(time.perf_counter() - start)
        page.locator(".planning-grid").wait_for()
        shown.append(
            page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
            / 1000
        )
    # a meeting in a buyer row that has a free slot; each round moves it to the first free slot
    # offered (the company may be busy then: the refusal's round trip is timed all the same)
    cell = page.locator("td.free:has-text('libre')").first
    row_id = cell.evaluate("td => td.closest('tr').id")
    meeting_id = page.locator(f"#{row_id} td[id^=rdv-]").first.get_attribute("id")
    moves, outcomes = [], []
    for _ in range(args.runs):
        cell = page.locator(f"#{meeting_id}")
        cell.locator("summary").click()
        select = cell.get_by_label("Déplacer vers")
        select.wait_for()
        target = select.evaluate(
            "s => ([...s.options].find(o => !o.textContent.includes('(')) || s.options[0]).value"
        )
        select.select_option(target)
        page.locator("#planning-live").evaluate("e => e.textContent = ''")
        start = time.perf_counter()
        cell.get_by_role("button", name="Déplacer", exact=True).click()
        page.locator("#planning-live p").wait_for()
        moves.append(time.perf_counter() - start)
        outcomes.append(page.locator("#planning-live p").inner_text())
    weight = page.evaluate(
        "performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, 0)"
        " + performance.getEntriesByType('navigation')[0].transferSize"
    )
    browser.close()

print(f"grid page, load event: median {statistics.median(loads) * 1000:.0f} ms")
print(f"grid page, DOMContentLoaded: median {statistics.median(shown) * 1000:.0f} ms")
print(f"move round trip (click → live region): median {statistics.median(moves) * 1000:.0f} ms")
print("outcomes:", "; ".join(sorted(set(outcomes))))
print(f"bytes transferred by the last page view and its moves: {weight / 1024:.0f} KB")
