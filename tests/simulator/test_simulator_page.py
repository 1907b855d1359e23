"""sogenactif.testing's page (issue 17): at the simulator's root, read-only, each transaction with
its status, amounts and history, the recent exchanges with card data masked; plain HTML (no
script, no asset from anywhere), every value escaped; and the same page in a real headless
browser (Debian's chromium) when there is one, its screenshot kept under ``artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests

import sogenactif
from sogenactif.testing import Simulator
from tests.support import CSC, PAN, order

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SOGENACTIF_ARTIFACTS") or ROOT / "artifacts")
CARDS = ("4100000000000000", "4100000000000005", "5100000000000000", "4200000000000000", PAN)


def story(sim: Simulator, c: sogenactif.Client) -> None:
    """What an integration test might have done: pay, a refused card, a payment to validate, a
    SOAP payment captured at once, the day's remittance, refunds (one too large), a token."""
    assert c.checkout.card_order(**order("ORDER1001", card_csc_value=CSC)).response_code == "00"
    assert (
        c.checkout.card_order(**order("ORDER1002", card="4100000000000005")).response_code == "05"
    )
    assert (
        c.checkout.card_order(
            **order("ORDER1003", card="5100000000000000", capture_mode="VALIDATION", capture_day=3)
        ).response_code
        == "00"
    )
    soap = sim.client("soap", timeout=10)
    paid = soap.checkout.card_order(
        **order("ORDER1004", card="4200000000000000", capture_mode="IMMEDIATE")
    )
    assert paid.response_code == "00"
    soap.close()
    sim.advance_days(1)
    refund = c.cash_management.refund  # type: ignore[attr-defined]
    assert (
        refund(
            operation_amount=1000, currency_code="978", transaction_reference="ORDER1001"
        ).response_code
        == "00"
    )
    assert (
        refund(
            operation_amount=5000, currency_code="978", transaction_reference="ORDER1004"
        ).response_code
        == "24"
    )
    c.token.pan_to_token(pan_data_list=[{"panId": "1", "pan": PAN}])  # type: ignore[attr-defined]


class _Page(HTMLParser):
    """Tags, attributes and text of a page, and the rows of its transactions table."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.rows = 0
        self._in_transactions = False
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "table" and attributes.get("id") == "transactions":
            self._in_transactions = True
        if self._in_transactions and tag == "table":
            self._depth += 1
        if self._in_transactions and self._depth == 1 and tag == "tr":
            self.rows += 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_transactions and tag == "table":
            self._depth -= 1
            self._in_transactions = self._depth > 0

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def check_page(html: str) -> _Page:
    """What the page must show after :func:`story`, and must not."""
    page = read(html)
    text = " ".join(page.text)
    for reference, status in (
        ("ORDER1001", "CAPTURED"),
        ("ORDER1002", "REFUSED"),
        ("ORDER1003", "TO_VALIDATE"),
        ("ORDER1004", "CAPTURED"),
    ):
        assert re.search(rf"{reference}.*?{status}", text, re.S), (reference, status)
    assert page.rows == 1 + 4  # the heading row and one per transaction
    for needle in ("25.00 EUR", "10.00 EUR", "remittance", "refund", "cardOrder"):
        assert needle in text, needle
    assert "4100##########00" in text and "4100##########05" in text  # masked as Sips does
    assert "****0000" in text  # a request's cardNumber, masked by the core's redaction
    assert "cashManagement.refund" in text and "token.panToToken" in text
    for card in CARDS:
        assert card not in html, card
    assert '"cardCSCValue": "<removed>"' in text  # the CSC, removed
    return page


# --------------------------------------------------------------------------- the page's HTML


def test_page_shows_transactions_history_and_exchanges(
    sim: Simulator, c: sogenactif.Client
) -> None:
    story(sim, c)
    reply = requests.get(sim.base_url + "/", timeout=5)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/html;charset=UTF-8"
    page = check_page(reply.text)
    assert sim.base_url in " ".join(page.text)
    assert "real day + 1" in reply.text  # the simulated clock
    assert "POST /rs-services/v2/checkout/cardOrder" in reply.text  # the endpoints


def test_page_is_plain_html_without_script_or_outside_asset(
    sim: Simulator, c: sogenactif.Client
) -> None:
    story(sim, c)
    page = read(requests.get(sim.base_url + "/", timeout=5).text)
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "form"}, names
    for tag, attributes in page.tags:
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        for name in ("src", "href", "action"):
            assert name not in attributes, (tag, attributes)
    assert not [a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "refresh"]


def test_page_escapes_what_requests_carry(sim: Simulator, c: sogenactif.Client) -> None:
    hostile = '<script>alert("x")</script>&amp;'
    c.checkout.card_order(**order("ESCAPED", return_context=hostile, order_id="<b>id</b>"))
    html = requests.get(sim.base_url + "/", timeout=5).text
    assert "<script>" not in html and "<b>id</b>" not in html
    assert "&lt;script&gt;alert(" in html and "&amp;amp;" in html
    assert all(tag != "script" for tag, _ in read(html).tags)


def test_page_refresh_and_limit(sim: Simulator, c: sogenactif.Client) -> None:
    for n in range(5):
        c.checkout.card_order(**order(f"LIMIT{n}"))
    html = requests.get(sim.base_url + "/?refresh=5&limit=2", timeout=5).text
    page = read(html)
    refresh = [a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "refresh"]
    assert refresh == [{"http-equiv": "refresh", "content": "5"}]
    assert page.rows == 1 + 2
    assert "5 stored, the 2 most recent shown" in html
    assert (
        "LIMIT4" in html and "LIMIT3" in html and "LIMIT2" not in html.split("Recent exchanges")[0]
    )
    # Nonsense settings fall back to the defaults rather than failing.
    odd = requests.get(sim.base_url + "/?refresh=x&limit=-3", timeout=5)
    assert odd.status_code == 200 and read(odd.text).rows == 1 + 5


def test_page_of_an_empty_simulator_and_head(sim: Simulator) -> None:
    html = requests.get(sim.base_url, timeout=5).text
    assert "No transaction yet." in html and "No request yet." in html
    head = requests.head(sim.base_url + "/", timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(html.encode())


def test_page_with_many_stored_transactions_stays_bounded(sim: Simulator) -> None:
    from sogenactif.testing import Card, Transaction

    stamp = sim.platform.now().isoformat()
    with sim.store.atomic():
        for n in range(1500):
            sim.store.insert_transaction(
                Transaction(
                    merchant_id=sim.merchant_id,
                    reference=f"BULK{n:05d}",
                    origin="cardOrder",
                    status="REFUSED",
                    response_code="05",
                    currency_code="840",
                    origin_amount=n,
                    current_amount=0,
                    capture_mode="AUTHOR_CAPTURE",
                    capture_day=0,
                    created_at=stamp,
                    card=Card("4100000000000005", "203012", "VISA"),
                )
            )
    html = requests.get(sim.base_url, timeout=10).text
    assert read(html).rows == 1 + 100
    assert "1500 stored, the 100 most recent shown" in html
    assert "BULK01499" in html and "BULK01399" not in html
    assert "14.99 USD" in html


# --------------------------------------------------------------------------- a real browser


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _browse(browser: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.skipif(
    _chromium() is None,
    reason="no chromium on this machine (Debian: apt-get install chromium; "
    ".ci/browser-test.sh installs it when run as root)",
)
def test_page_in_a_headless_browser(sim: Simulator, c: sogenactif.Client, tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    story(sim, c)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "simulator-page.png"
    screenshot.unlink(missing_ok=True)
    shot = _browse(
        browser,
        tmp_path / "profile",
        f"--screenshot={screenshot}",
        "--window-size=1280,1600",
        sim.base_url + "/",
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a page, not a blank
    dom = _browse(browser, tmp_path / "profile", "--dump-dom", sim.base_url + "/")
    assert dom.returncode == 0, dom.stderr[-2000:]
    (ARTIFACTS / "simulator-page.html").write_text(dom.stdout, encoding="utf-8")
    page: Any = check_page(dom.stdout)
    assert page.rows == 5
