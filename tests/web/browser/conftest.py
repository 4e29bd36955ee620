"""A live workbench on loopback and a headless Chromium driven by Playwright.

Skipped with a reason when /usr/bin/chromium or the playwright package is missing
(CI: ``apt-get install -y chromium`` and ``pip install playwright``; never ``playwright install``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SEVENFOLD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# The README's screenshots (all taken by test_screenshots.py) are refreshed on request only
# (SEVENFOLD_UPDATE_SCREENSHOTS=1); a normal test run still takes every screenshot, into a scratch folder,
# so the tree stays clean in CI. The other browser tests keep their pictures in the scratch folder.
SCRATCH = Path(tempfile.gettempdir()) / "sevenfold-screenshots"
SCREENSHOTS = (Path(__file__).resolve().parents[3] / "docs" / "screenshots"
               if os.environ.get("SEVENFOLD_UPDATE_SCREENSHOTS") else SCRATCH)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} not found (apt-get install -y chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed (pip install playwright)"
    if reason:
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(store: object) -> Iterator[str]:
    """The workbench over ``store`` on a free loopback port, in a thread; yields its base URL."""
    import uvicorn

    from sevenfold.web import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the workbench did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    from sevenfold.store import Store, accounts

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}")
    accounts.create_user(store, "alice", "alice-password", admin=True, actor="test:setup")
    accounts.create_user(store, "bob", "bob-password", actor="test:setup")
    with serve(store) as base:
        yield base, store
    store.close()


@pytest.fixture
def empty_server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """A workbench over a new, empty store holding only user accounts (nina, omar, admin alice)."""
    from sevenfold.store import Store, accounts

    store = Store(f"sqlite:///{tmp_path / 'empty.db'}")
    accounts.create_user(store, "alice", "alice-password", admin=True, actor="test:setup")
    accounts.create_user(store, "nina", "nina-password", actor="test:setup")
    accounts.create_user(store, "omar", "omar-password", actor="test:setup")
    with serve(store) as base:
        yield base, store
    store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    yield pg
    context.close()
