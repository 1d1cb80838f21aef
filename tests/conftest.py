import os

from hypothesis import HealthCheck, settings

# hypothesis loads its own "ci" profile when CI is set; only choose a profile when asked to.
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "fuzz",
    max_examples=20_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
if "HYPOTHESIS_PROFILE" in os.environ:
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif not os.environ.get("CI"):
    settings.load_profile("dev")


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def postgres_dsn():
    """The DSN of a PostgreSQL server started for this test session (see postgres_server.py)."""
    from tests.postgres_server import postgres_server

    with postgres_server() as dsn:
        yield dsn


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the session (see tests/browser_kit.py)."""
    from tests.browser_kit import launch

    with launch() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    """A fresh page (its own context: no cookies or storage shared between tests)."""
    context = browser.new_context(locale="da-DK", viewport={"width": 1000, "height": 800})
    page = context.new_page()
    yield page
    context.close()
