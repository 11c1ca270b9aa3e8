"""Every dashboard page, on a phone (390×844) and a laptop (1366×900): axe-core finds no serious or
critical WCAG 2.2 AA problem, nothing is wider than the screen, nothing a thumb hits is covered by
something else, and on the phone every target is at least 44×44 px. A screenshot of each page at
each size goes to var/screenshots/<width>/ for a reviewer to look at in one place.

Pages come from tests/browser/dashboard_pages.py, which must name every route of dashboard/urls.py.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from dashboard.urls import urlpatterns
from tests.browser.dashboard_pages import LOGIN_PAGE, NOT_PAGES, PAGES, build_world
from tests.browser.support import (
    AXE_NOTES,
    COVERED_TARGETS,
    OPEN_ALL_PANELS,
    SCREENSHOTS,
    SMALL_TARGETS,
    VIEWPORTS,
    horizontal_overflow,
    screenshot,
    tap_log_in,
    touch_context,
)
from tests.factories import DEFAULT_PASSWORD

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}


def test_every_dashboard_route_is_a_checked_page_or_says_why_not():
    # given the routes of the dashboard
    names = {pattern.name for pattern in urlpatterns}
    # then each one is either checked as a page or listed with the reason it is not one
    assert not set(PAGES) & set(NOT_PAGES)
    assert names - set(PAGES) - set(NOT_PAGES) == set(), "add the new route to tests/browser/dashboard_pages.py"
    assert set(PAGES) | set(NOT_PAGES) <= names, "an entry names a route that no longer exists"


def check_page(page, axe, viewport, name) -> dict:
    """The page's problems by kind; the minor and moderate axe findings are printed, not failed."""
    page.evaluate(OPEN_ALL_PANELS)  # every action form is checked open, as a seller would see it
    screenshot(page, viewport, name)
    results = axe.run(page, options=AXE_OPTIONS).response
    blocking, other = [], []
    for violation in results["violations"]:
        line = f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): " + "; ".join(
            node["target"][0] if isinstance(node["target"][0], str) else str(node["target"][0])
            for node in violation["nodes"][:4]
        )
        (blocking if violation["impact"] in BLOCKING else other).append(line)
    AXE_NOTES.extend(f"{viewport['width']} {name}: {line}" for line in other)
    problems = {
        "axe": blocking,
        "overflow": horizontal_overflow(page),
        "covered": page.evaluate(COVERED_TARGETS),
    }
    problems["small"] = page.evaluate(SMALL_TARGETS, 44 if viewport["width"] < 600 else 24)
    return {kind: found for kind, found in problems.items() if found}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_every_page_is_accessible_and_fits_the_screen(browser, live_server, seller, owner, size):
    # given a seller with orders in every state, disputes, a penalty, evidence and notices
    viewport = VIEWPORTS[size]
    world = build_world(seller=seller, owner=owner)
    axe = Axe()
    problems = {}
    context = touch_context(browser, viewport)
    try:
        page = context.new_page()
        # the login page, before logging in
        page.goto(live_server.url + LOGIN_PAGE[1](world))
        problems[LOGIN_PAGE[0]] = check_page(page, axe, viewport, LOGIN_PAGE[0])
        # when the owner opens every page of the dashboard
        tap_log_in(page, live_server.url, owner.username)
        for variants in PAGES.values():
            for name, path in variants:
                response = page.goto(live_server.url + path(world))
                assert response.status == 200, name
                problems[name] = check_page(page, axe, viewport, name)
    finally:
        context.close()
    # and a user who belongs to no seller sees why
    context = touch_context(browser, viewport)
    try:
        page = context.new_page()
        tap_log_in(page, live_server.url, world.stranger.username)
        problems["no-membership"] = check_page(page, axe, viewport, "no-membership")
    finally:
        context.close()
    notes = [line for line in AXE_NOTES if line.startswith(f"{viewport['width']} ")]
    (SCREENSHOTS / f"axe-notes-{viewport['width']}.txt").write_text("".join(f"{line}\n" for line in notes))
    # then no page has a serious problem
    failed = {name: found for name, found in problems.items() if found}
    assert failed == {}, "\n".join(
        f"{name}: {kind}: {found}" for name, kinds in failed.items() for kind, found in kinds.items()
    )


def tap_log_in_by_keyboard(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


# the focused element's ring: its own outline, or its ::after's for a card's covering link
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (el === document.body) return {what: "body", visible: true};  // past the last stop: the browser's own
  const own = getComputedStyle(el);
  const after = getComputedStyle(el, "::after");
  const ring = s => s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  return {what: `${el.tagName.toLowerCase()} «${(el.textContent || el.name || "").trim().slice(0, 30)}»`,
          visible: ring(own) || (el.matches(".row-link") && ring(after))};
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_keyboard_focus_is_always_visible(browser, live_server, seller, owner):
    # given the order list and an order page with its actions
    world = build_world(seller=seller, owner=owner)
    context = browser.new_context(viewport=VIEWPORTS["1366"], locale="es-PE")
    unseen = []
    try:
        page = context.new_page()
        tap_log_in_by_keyboard(page, live_server.url, owner.username)
        for path in (PAGES["order_list"][0][1](world), PAGES["order_detail"][0][1](world)):
            page.goto(live_server.url + path)
            # when the seller moves through it with Tab
            for _ in range(40):
                page.keyboard.press("Tab")
                focus = page.evaluate(FOCUS_RING)
                if not focus["visible"]:
                    unseen.append(f"{path}: {focus['what']}")
    finally:
        context.close()
    # then every stop shows where the focus is
    assert unseen == []
