import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: `playwright install` cannot download browsers on these machines
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    # the sellers' browsers ask for Spanish; Chromium's default would be English
    return {**browser_context_args, "locale": "es-PE"}


def pytest_terminal_summary(terminalreporter):
    """The accessibility test's minor and moderate axe findings, for a reviewer (they do not fail it)."""
    from tests.browser.support import AXE_NOTES

    if AXE_NOTES:
        terminalreporter.section("axe-core: minor and moderate findings (not failures)")
        for line in sorted(set(AXE_NOTES)):
            terminalreporter.write_line(line)
