"""`import sogenactif` stays cheap: nothing heavy is loaded before it is used, and no client ever
loads zeep, lxml or requests (SOAP is written and read with the standard library; requests only
with a session of the caller's). Checked in fresh interpreters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    path = [str(ROOT / "generated"), str(ROOT / "runtime"), str(ROOT)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def heavy(modules: set[str], *names: str) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


CLIENT = (
    "import sogenactif\n"
    "c = sogenactif.Client(merchant_id='201040040170001', secret_key='k', "
    "environment='http://127.0.0.1:9'{extra})\n"
)


@pytest.mark.slow
def test_import_loads_nothing_heavy() -> None:
    modules = loaded_after("import sogenactif")
    assert heavy(modules, "zeep", "lxml", "pydantic", "requests", "urllib3", "httpx") == []
    assert not any(m.startswith("sogenactif.models") for m in modules)
    assert not any(m.startswith("sogenactif.services") for m in modules)


@pytest.mark.slow
@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_no_client_loads_zeep_lxml_or_requests(protocol: str) -> None:
    modules = loaded_after(
        CLIENT.format(extra=f", protocol={protocol!r}") + "c.checkout\nc.token\n"
    )
    assert heavy(modules, "zeep", "lxml", "requests", "httpx", "asyncio") == []
    assert "sogenactif.models.checkout" in modules


@pytest.mark.slow
def test_httpx_comes_with_the_async_client_alone() -> None:
    code = (
        "import sogenactif\n"
        "c = sogenactif.AsyncClient(merchant_id='201040040170001', secret_key='k', "
        "environment='http://127.0.0.1:9')\n"
    )
    assert "httpx" in loaded_after(code)


@pytest.mark.slow
def test_models_are_built_on_first_use_only() -> None:
    """Performance (issue 16): a service's models are classes at import; Pydantic builds a
    model's validator when it is first used. A keyword cardOrder builds its response model (and
    the containers it holds), never the other models of the service."""
    code = CLIENT.format(extra="") + (
        "from sogenactif import MockTransport\n"
        "from sogenactif.seal import compute_seal\n"
        "from sogenactif.models import checkout as m\n"
        "reply = {'responseCode': '00', 'transactionReference': 'R1'}\n"
        "reply['seal'] = compute_seal(reply, 'k')\n"
        "c.transport = MockTransport(lambda call: dict(reply))\n"
        "before = {n: getattr(m, n).__pydantic_complete__ for n in "
        "('CardOrderRequest', 'CardOrderResponse', 'WalletOrderResponse')}\n"
        "r = c.checkout.card_order(amount=100, currency_code='978', "
        "transaction_reference='R1', order_channel='INTERNET')\n"
        "assert r.response_code == '00' and r.sealed\n"
        "after = {n: getattr(m, n).__pydantic_complete__ for n in before}\n"
        "import json\n"
        "print(json.dumps([before, after]))\n"
    )
    path = [str(ROOT / "generated"), str(ROOT / "runtime"), str(ROOT)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    before, after = json.loads(result.stdout.splitlines()[-1])
    assert not any(before.values())
    assert after == {
        "CardOrderRequest": False,  # plain keyword values: encoded without the request model
        "CardOrderResponse": True,
        "WalletOrderResponse": False,
    }
