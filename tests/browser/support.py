"""What the phone-first and accessibility browser tests share: screen sizes, a touch browser, checks."""

from pathlib import Path

from playwright.sync_api import Page

from tests.factories import DEFAULT_PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
VIEWPORTS = {"390": PHONE, "1366": DESKTOP}

# where the browser tests leave a screenshot of each page at each size (gitignored; see the README)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


# axe's minor and moderate findings: not failures, printed at the end of the run (see conftest.py)
AXE_NOTES: list[str] = []


def touch_context(browser, viewport: dict):
    """A browser of that size that taps like a phone (has_touch; is_mobile on the phone size)."""
    return browser.new_context(viewport=viewport, locale="es-PE", has_touch=True, is_mobile=viewport["width"] < 600)


def tap_log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Entrar").tap()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page: Page, viewport: dict, name: str) -> Path:
    path = SCREENSHOTS / f"{viewport['width']}" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path


# Everything a finger can hit that is smaller than `min` px either way. A link inside a sentence is
# exempt (WCAG 2.5.8's inline exception); a checkbox counts with its label, a card's covering link
# (.row-link) with its card.
SMALL_TARGETS = """(min) => {
  const name = el => (el.textContent || el.name || "").trim().slice(0, 40);
  const out = [];
  const targets = document.querySelectorAll(
    "a[href], button, summary, input:not([type=hidden]), select, textarea, [role=button]");
  for (const el of targets) {
    if (!el.checkVisibility() || el.closest(".skip-link")) continue;
    let box = el;
    if (el.matches("input[type=checkbox], input[type=radio]") && el.labels && el.labels[0]) box = el.labels[0];
    if (el.matches(".row-link")) box = el.closest("tr, li, .card") || el;
    if (el.matches("a") && getComputedStyle(el).display === "inline") {
      const block = el.parentElement;
      if (block && block.textContent.trim().length > el.textContent.trim().length) continue;
    }
    const r = box.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const what = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} «${name(el)}»`;
      out.push(`${what} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return out;
}"""

# Targets whose middle is covered by something else, so a tap there lands on the wrong element
COVERED_TARGETS = """() => {
  const name = el => (el.textContent || el.name || "").trim().slice(0, 40);
  const out = [];
  const targets = document.querySelectorAll("a[href], button, summary, input:not([type=hidden]), select, textarea");
  for (const el of targets) {
    if (!el.checkVisibility() || el.closest(".skip-link")) continue;
    const r0 = el.getBoundingClientRect();
    if (r0.width <= 1 || r0.height <= 1) continue;
    el.scrollIntoView({block: "center", inline: "center"});
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const label = el.labels && el.labels[0];
    if (hit && !(el === hit || el.contains(hit) || (label && label.contains(hit)))) {
      out.push(`${el.tagName.toLowerCase()} «${name(el)}» under ${hit.tagName.toLowerCase()}.${hit.className}`);
    }
  }
  window.scrollTo(0, 0);
  return out;
}"""

OPEN_ALL_PANELS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


def horizontal_overflow(page: Page) -> int:
    """How many px the page is wider than the screen (0: no sideways scrolling)."""
    # against the screen, not window.innerWidth: a mobile browser widens its layout viewport to fit
    # content that sticks out (and zooms out), which would hide the very problem
    return max(0, page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"])
