"""sogenactif.testing's control interface (issue 17): advance days, reset, list transactions,
over HTTP, from Python (``Simulator``, ``SimulatorControl``) and from the command line; the
recent exchanges, masked; the pytest plugin once the package is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest
import requests

import sogenactif
from sogenactif.testing import Simulator, SimulatorControl, SimulatorControlError
from sogenactif.testing.__main__ import main
from tests.support import CSC, FUTURE, PACKAGE_PATH, PAN, order

ROOT = Path(__file__).resolve().parents[2]


def refund(c: sogenactif.Client, reference: str, amount: int = 500) -> Any:
    return c.cash_management.refund(  # type: ignore[attr-defined]
        operation_amount=amount, currency_code="978", transaction_reference=reference
    )


# --------------------------------------------------------------------------- HTTP


def test_health(sim: Simulator, c: sogenactif.Client) -> None:
    c.checkout.card_order(**order("H1"))
    health = requests.get(f"{sim.base_url}/_simulator/health", timeout=5).json()
    today = sim.platform.now().date().isoformat()
    assert health == {
        "status": "ok",
        "requests": 1,
        "transactions": 1,
        "today": today,
        "dayOffset": 0,
    }


def test_advance_days_over_http(sim: Simulator, c: sogenactif.Client) -> None:
    c.checkout.card_order(**order("ADV"))  # captured at the end of today
    url = f"{sim.base_url}/_simulator/advance-days"
    assert refund(c, "ADV").response_code == "24"  # not captured yet
    reply = requests.post(url, json={"days": 1}, timeout=5)
    assert reply.status_code == 200
    assert reply.json()["changed"] == 1 and reply.json()["dayOffset"] == 1
    assert refund(c, "ADV").response_code == "00"
    assert requests.post(url + "?days=2", timeout=5).json()["dayOffset"] == 3
    assert requests.post(url, timeout=5).json()["dayOffset"] == 4  # one day by default


@pytest.mark.parametrize("days", [-1, "x", True, 1.5, None, 10**6])
def test_advance_days_refuses_what_is_not_a_number_of_days(sim: Simulator, days: Any) -> None:
    reply = requests.post(f"{sim.base_url}/_simulator/advance-days", json={"days": days}, timeout=5)
    assert reply.status_code == 400
    assert "day" in reply.json()["error"]
    assert sim.platform.store.day_offset() == 0


def test_methods_and_unknown_endpoints(sim: Simulator) -> None:
    wrong = requests.get(f"{sim.base_url}/_simulator/advance-days", timeout=5)
    assert (wrong.status_code, wrong.headers["Allow"]) == (405, "POST")
    assert "POST" in wrong.json()["error"]
    assert requests.post(f"{sim.base_url}/_simulator/health", timeout=5).status_code == 405
    unknown = requests.get(f"{sim.base_url}/_simulator/nothing", timeout=5)
    assert unknown.status_code == 404
    assert "/_simulator/reset" in unknown.json()["endpoints"]
    bad_body = requests.post(
        f"{sim.base_url}/_simulator/reset",
        data=b"[1]",
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert bad_body.status_code == 400


def test_transactions_over_http(sim: Simulator, c: sogenactif.Client) -> None:
    for n in range(3):
        c.checkout.card_order(**order(f"T{n}"))
    other = sim.add_shop("002001000000001", "002001000000001_KEY1")
    sim.client("rest", shop=other).checkout.card_order(**order("OTHER"))
    url = f"{sim.base_url}/_simulator/transactions"
    everything = requests.get(url, timeout=5).json()
    assert [t["reference"] for t in everything] == ["T0", "T1", "T2", "OTHER"]
    assert everything[0]["card"] == {
        "maskedPan": "4100##########00",
        "expiry": FUTURE,
        "brand": "VISA",
    }
    last = requests.get(url, params={"limit": 2}, timeout=5).json()
    assert [t["reference"] for t in last] == ["T2", "OTHER"]
    mine = requests.get(url, params={"merchantId": other.merchant_id}, timeout=5).json()
    assert [t["reference"] for t in mine] == ["OTHER"]
    one = requests.get(f"{url}/T1", timeout=5).json()
    assert one["status"] == "TO_CAPTURE"
    assert [(o["name"], o["response_code"]) for o in one["operations"]] == [("cardOrder", "00")]
    theirs = requests.get(f"{url}/OTHER", params={"merchantId": other.merchant_id}, timeout=5)
    assert theirs.json()["merchant_id"] == other.merchant_id
    missing = requests.get(f"{url}/OTHER", timeout=5)  # not the default shop's
    assert missing.status_code == 404 and "OTHER" in missing.json()["error"]


def test_reset(sim: Simulator, c: sogenactif.Client) -> None:
    c.checkout.card_order(**order("GONE"))
    c.wallet.add_card(  # type: ignore[attr-defined]
        merchant_wallet_id="W", card_number="4100000000000000", card_expiry_date=FUTURE
    )
    sim.advance_days(3)
    reply = requests.post(f"{sim.base_url}/_simulator/reset", timeout=5)
    assert reply.status_code == 200
    assert reply.json()["status"] == "reset" and reply.json()["dayOffset"] == 0
    assert sim.transactions() == [] and sim.exchanges() == [] and sim.requests_served == 0
    assert sim.platform.now().date() == sim.platform.now().date()  # the clock is the real one
    assert sim.platform.store.day_offset() == 0
    # The shops stay; the reference and the wallet are free again.
    assert c.checkout.card_order(**order("GONE")).response_code == "00"
    data = c.wallet.get_wallet_data(merchant_wallet_id="W")  # type: ignore[attr-defined]
    assert data.wallet_response_code == "25"


# --------------------------------------------------------------------------- exchanges, masked


def test_exchanges_are_kept_masked_and_bounded(sim: Simulator, c: sogenactif.Client) -> None:
    c.checkout.card_order(**order("X1", card=PAN, card_csc_value=CSC))
    tokens = c.token.pan_to_token(pan_data_list=[{"panId": "1", "pan": PAN}])  # type: ignore[attr-defined]
    token = tokens.raw["responseTokenPanDataList"][0]["tokenPan"]
    c.token.token_to_pan(token_pan_data_list=[{"tokenPanId": "a", "tokenPan": token}])  # type: ignore[attr-defined]
    sim.client("soap").checkout.card_order(**order("X2"))
    requests.post(
        f"{sim.base_url}/rs-services/v2/checkout/cardOrder",
        data=b"not json",
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    recent = sim.exchanges()
    assert [(e.protocol, e.function, e.http_status) for e in recent] == [
        ("REST", "cardOrder", 400),
        ("SOAP", "cardOrder", 200),
        ("REST", "tokenToPan", 200),
        ("REST", "panToToken", 200),
        ("REST", "cardOrder", 200),
    ]
    first = recent[-1]
    assert first.request is not None and first.response is not None
    assert first.request["cardNumber"] == "****2764"
    assert first.request["cardCSCValue"] == "<removed>"
    # Ends in 64, not an authorisation answer: refused (05); the masked PAN is the platform's.
    assert first.response_code == "05" and first.response["maskedPan"] == "4973##########64"
    assert recent[0].request is None and "JSON" in recent[0].note
    listed = requests.get(f"{sim.base_url}/_simulator/exchanges", timeout=5)
    assert listed.json()[0]["httpStatus"] == 400
    for text in (listed.text, repr(recent)):
        assert PAN not in text and "4100000000000000" not in text and token not in text
    for n in range(60):
        c.checkout.card_order(**order(f"MANY{n}"))
    assert len(sim.exchanges()) == 50
    assert sim.exchanges()[0].request["transactionReference"] == "MANY59"  # type: ignore[index]


def test_transactions_listing_masks_tokens(sim: Simulator, c: sogenactif.Client) -> None:
    tokens = c.token.pan_to_token(pan_data_list=[{"panId": "1", "pan": "4100000000000000"}])  # type: ignore[attr-defined]
    token = tokens.raw["responseTokenPanDataList"][0]["tokenPan"]
    c.checkout.card_order(
        amount=700,
        currency_code="978",
        card_number=token,
        pan_type="TOKEN_PAN",
        transaction_reference="BYTOKEN",
    )
    listing = requests.get(f"{sim.base_url}/_simulator/transactions", timeout=5)
    assert token not in listing.text and "4100000000000000" not in listing.text
    assert listing.json()[0]["details"]["tokenPan"].startswith("<token")


# --------------------------------------------------------------------------- Python


def test_simulator_control_in_another_process_style(sim: Simulator, c: sogenactif.Client) -> None:
    control = SimulatorControl(sim.base_url)
    assert sim.control().base_url == control.base_url
    c.checkout.card_order(**order("PY1"))
    assert control.health()["transactions"] == 1
    assert [t["reference"] for t in control.transactions()] == ["PY1"]
    assert control.transactions(limit=0) == []
    assert control.transaction("PY1")["operations"][0]["name"] == "cardOrder"  # type: ignore[index]
    assert control.transaction("NOSUCH") is None
    assert control.advance_days(1) == 1
    assert refund(c, "PY1").response_code == "00"
    assert control.exchanges()[0]["function"] == "refund"
    with pytest.raises(SimulatorControlError, match="HTTP 400") as info:
        control.advance_days(-1)
    assert info.value.status == 400
    control.reset()
    assert control.transactions() == [] and sim.transactions() == []


def test_simulator_control_without_a_simulator() -> None:
    with Simulator() as gone:
        url = gone.base_url
    with pytest.raises(SimulatorControlError, match="no simulator answering"):
        SimulatorControl(url, timeout=2).health()
    with pytest.raises(SimulatorControlError, match="http"):
        SimulatorControl("file:///etc").health()


def test_simulator_reset_and_transactions_in_process(sim: Simulator, c: sogenactif.Client) -> None:
    for n in range(4):
        c.checkout.card_order(**order(f"IN{n}"))
    assert [t.reference for t in sim.transactions(limit=2)] == ["IN2", "IN3"]
    sim.advance_days(1)
    sim.reset()
    assert sim.transactions() == [] and sim.exchanges() == []
    assert c.checkout.card_order(**order("IN0")).response_code == "00"


# --------------------------------------------------------------------------- command line


def test_cli_control_commands(
    sim: Simulator, c: sogenactif.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    c.checkout.card_order(**order("CLI1"))
    url = ["--url", sim.base_url]
    assert main(["transactions", *url]) == 0
    table = capsys.readouterr().out
    assert "CLI1" in table and "TO_CAPTURE" in table and "4100##########00" in table
    assert main(["advance-days", "1", *url]) == 0
    assert "1 transaction(s) changed status" in capsys.readouterr().out
    assert main(["transactions", "--json", *url]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "CAPTURED"
    assert main(["health", *url]) == 0
    assert "1 transaction(s)" in capsys.readouterr().out
    assert main(["reset", *url]) == 0
    capsys.readouterr()
    assert main(["transactions", *url]) == 0
    assert capsys.readouterr().out.strip() == "no transaction"


def test_cli_control_errors(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Simulator() as gone:
        url = gone.base_url
    monkeypatch.setenv("SOGENACTIF_SIMULATOR_URL", url)
    assert main(["health"]) == 1  # the URL from the environment
    assert "no simulator answering at " + url in capsys.readouterr().err
    for wrong in (
        ["advance-days", "-2"],
        ["advance-days", "two"],
        ["transactions", "--limit", "x"],
        ["--max-connections", "0"],
        ["serve", "--request-timeout", "-1"],
    ):
        with pytest.raises(SystemExit) as info:
            main(wrong)
        assert info.value.code == 2, wrong


@pytest.mark.slow
def test_cli_refund_after_advance_days_against_a_simulator_process(tmp_path: Path) -> None:
    """The issue's case: `python -m sogenactif.testing` in one process, the clock moved from
    another with `python -m sogenactif.testing advance-days`, then the refund works."""
    env = {**os.environ, "PYTHONPATH": PACKAGE_PATH}
    server = subprocess.Popen(
        [sys.executable, "-m", "sogenactif.testing", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = line.split("listening on ", 1)[1].split()[0]
        c = sogenactif.Client(
            merchant_id="201040040170001",
            secret_key="rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54",
            environment=url,
            timeout=10,
        )
        assert c.checkout.card_order(**order("PROC1")).response_code == "00"
        assert refund(c, "PROC1").response_code == "24"
        moved = subprocess.run(
            [sys.executable, "-m", "sogenactif.testing", "advance-days", "1", "--url", url],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert moved.returncode == 0, moved.stderr
        assert "1 transaction(s) changed status" in moved.stdout
        assert refund(c, "PROC1").response_code == "00"
        c.close()
    finally:
        server.terminate()
        server.communicate(timeout=20)


# --------------------------------------------------------------------------- the pytest plugin


def _installed(site: Path) -> None:
    """Make ``site`` look like a site-packages where the sogenactif wheel is installed: a
    dist-info with the entry points pyproject.toml declares (the package itself comes from
    PACKAGE_PATH). pytest finds plugins through importlib.metadata, as for a real install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dist = site / f"sogenactif-{project['version']}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: sogenactif\nVersion: {project['version']}\n"
    )
    lines = []
    for group, entries in project["entry-points"].items():
        lines.append(f"[{group}]")
        lines += [f"{name} = {value}" for name, value in entries.items()]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")


def _run_pytest(project: Path, site: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), PACKAGE_PATH])
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


INTEGRATOR_TEST = """
def test_pay(sogenactif_client, sogenactif_simulator):
    resp = sogenactif_client.token.payment_token_generate(
        card_number="4100000000000000", card_expiry_date="203012")
    assert resp.response_code == "00" and resp.sealed
    sogenactif_simulator.advance_days(1)
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("conftest", "options", "passes"),
    [
        ('pytest_plugins = ["sogenactif.testing.pytest_plugin"]\n', (), True),
        (None, (), True),
        (None, ("-p", "sogenactif.testing.pytest_plugin"), True),
        ('pytest_plugins = ["sogenactif.testing.pytest_plugin"]\n', ("-p", "sogenactif"), True),
        (None, ("-p", "no:sogenactif"), False),
    ],
    ids=["conftest-line", "entry-point-only", "dash-p-module", "conftest-and-dash-p", "disabled"],
)
def test_pytest_plugin_once_installed(
    tmp_path: Path, conftest: str | None, options: tuple[str, ...], passes: bool
) -> None:
    site, project = tmp_path / "site", tmp_path / "project"
    _installed(site)
    project.mkdir()
    (project / "test_integrator.py").write_text(textwrap.dedent(INTEGRATOR_TEST))
    if conftest is not None:
        (project / "conftest.py").write_text(conftest)
    result = _run_pytest(project, site, *options)
    output = result.stdout + result.stderr
    assert "already registered" not in output
    if passes:
        assert result.returncode == 0, output
        assert "1 passed" in result.stdout
    else:
        assert result.returncode != 0
        assert "fixture 'sogenactif_client' not found" in output
