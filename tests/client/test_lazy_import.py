"""`import sogenactif` stays cheap: nothing heavy is loaded before it is used, and no client ever
loads zeep, lxml or requests (SOAP is written and read with the standard library; requests only
with a session of the caller's). Checked in fresh interpreters. A call creates only the model
classes it uses: every model is a name of its package, loaded from a module of its own on first
use."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from generator.spec import FieldDef, FieldUse, Spec, load_spec
from generator.views import class_name, snake
from sogenactif_core._base import ContainerModel, RequestModel, ResponseModel
from sogenactif_core._metadata import FunctionSpec, load_model
from tests.support import FUNCTIONS

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


# A call that fails to connect (nothing listens on port 9): the sending path is loaded all the same.
CALL = (
    "try:\n    c.token.payment_token_generate(card_number='4973019999912764', "
    "card_expiry_date='203012', card_csc_value='123', payment_mean_brand='VISA')\n"
    "except sogenactif.ConnectError:\n    pass\n"
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
@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="proxies from system settings")
def test_urllib_request_comes_with_a_proxy_variable_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a ``*_proxy`` variable, ``urllib.request.getproxies`` would find nothing: it is
    not imported (issue 16's cold start). With one, it reads them."""
    call = CLIENT.format(extra="") + CALL
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    assert "urllib.request" not in loaded_after(call)
    monkeypatch.setenv("no_proxy", "example.test")
    assert "urllib.request" in loaded_after(call)


@pytest.mark.slow
@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_urllib3_comes_with_a_proxy_alone(protocol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server reached directly is spoken to over the sender's own connections: urllib3 (15–25
    ms of a cold process) is imported for a call through a proxy only (issue 16's cold start)."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    direct = loaded_after(CLIENT.format(extra=f", protocol={protocol!r}") + CALL)
    assert "sogenactif_core._http_pool" in direct  # the call was made, and failed to connect
    assert heavy(direct, "urllib3", "requests") == []
    proxied = loaded_after(
        CLIENT.format(extra=f", protocol={protocol!r}, proxies={{'http': 'http://127.0.0.1:9'}}")
        + CALL
    )
    assert "urllib3" in proxied and "sogenactif_core._http_proxy" in proxied


@pytest.mark.slow
def test_httpx_comes_with_the_async_client_alone() -> None:
    code = (
        "import sogenactif\n"
        "c = sogenactif.AsyncClient(merchant_id='201040040170001', secret_key='k', "
        "environment='http://127.0.0.1:9')\n"
    )
    assert "httpx" in loaded_after(code)


# The model classes that exist in the process, by class name: (module, built by Pydantic yet).
MODEL_CLASSES = (
    "from sogenactif_core._base import ContainerModel, RequestModel, ResponseModel\n"
    "def created():\n"
    "    found, todo = {}, [RequestModel, ResponseModel, ContainerModel]\n"
    "    while todo:\n"
    "        for sub in todo.pop().__subclasses__():\n"
    "            found[sub.__name__] = [sub.__module__, sub.__pydantic_complete__]\n"
    "            todo.append(sub)\n"
    "    return found\n"
)
MOCK_CARD_ORDER = (
    "from sogenactif import MockTransport\n"
    "from sogenactif.seal import compute_seal\n"
    "reply = {'responseCode': '00', 'transactionReference': 'R1'}\n"
    "reply['seal'] = compute_seal(reply, 'k')\n"
    "c.transport = MockTransport(lambda call: dict(reply))\n"
)


SPEC = load_spec(ROOT / "spec")


def public_models(spec: Spec) -> dict[str, dict[str, type[BaseModel]]]:
    """Package of sogenactif.models -> {class name: its base}, from the spec."""
    packages: dict[str, dict[str, type[BaseModel]]] = {
        snake(service.name): {
            class_name(f.name) + kind: base
            for f in service.functions
            for kind, base in (("Request", RequestModel), ("Response", ResponseModel))
        }
        for service in spec.services
    }
    packages["common"] = {class_name(name): ContainerModel for name in spec.containers}
    return packages


PUBLIC = public_models(SPEC)


def containers_of(spec: Spec, uses: Iterable[FieldUse]) -> set[str]:
    """The container classes that fields hold, at any depth."""
    found: set[str] = set()

    def walk(definition: FieldDef) -> None:
        target = definition.items or definition
        if target.type == "container" and target.container and target.container not in found:
            found.add(target.container)
            for member in spec.containers[target.container].fields:
                walk(member.field)

    for use in uses:
        walk(use.field)
    return {class_name(name) for name in found}


@pytest.mark.slow
def test_a_keyword_call_creates_only_its_response_model_and_its_containers() -> None:
    """Performance (issue 16): each model class lives in a module of its own, imported when a
    call first needs it. A keyword cardOrder creates the cardOrder response and the containers
    it holds, and no other class: not its request model (plain keyword values are encoded
    without it), not the other functions' models of checkout, not the other containers."""
    script = (
        "c.checkout\n"
        "before = created()\n"
        "r = c.checkout.card_order(amount=100, currency_code='978', "
        "transaction_reference='R1', order_channel='INTERNET')\n"
        "assert r.response_code == '00' and r.sealed\n"
        "after = created()\n"
        "import json, sys\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('sogenactif.models.'))\n"
        "print(json.dumps([before, after, loaded]))\n"
    )
    code = CLIENT.format(extra="") + MOCK_CARD_ORDER + MODEL_CLASSES + script
    path = [str(ROOT / "generated"), str(ROOT / "runtime"), str(ROOT)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    before, after, loaded = json.loads(result.stdout.splitlines()[-1])
    card_order = SPEC.service("checkout").function_map["cardOrder"]
    containers = containers_of(SPEC, card_order.response)
    assert containers and containers < set(PUBLIC["common"])
    assert containers_of(SPEC, card_order.request) - containers  # some it must not create
    assert before == {}  # the client and its checkout service create no model
    assert set(after) == {"CardOrderResponse", *containers}
    assert after["CardOrderResponse"] == ["sogenactif.models.checkout.card_order_response", True]
    assert all(after[c][0].startswith("sogenactif.models.common.") for c in containers)
    assert "sogenactif.models.checkout.card_order_request" not in loaded
    assert [m for m in loaded if m.startswith("sogenactif.models.checkout.")] == [
        "sogenactif.models.checkout.card_order_response"
    ]


@pytest.mark.parametrize("package", sorted(PUBLIC))
def test_every_model_is_a_name_of_its_package(package: str) -> None:
    """``sogenactif.models.<package>.<Class>`` for every class, though each lives in a module of
    its own: the names are listed (``__all__``, ``dir()``, ``import *``) and resolve on first use;
    an unknown name is an AttributeError."""
    names = PUBLIC[package]
    module = importlib.import_module(f"sogenactif.models.{package}")
    assert sorted(module.__all__) == sorted(names)
    assert set(names) <= set(dir(module))
    for name, base in names.items():
        cls = getattr(module, name)
        assert isinstance(cls, type) and issubclass(cls, base) and cls.__name__ == name
        assert cls.__module__.startswith(f"{module.__name__}.")
        assert getattr(module, name) is cls
    star: dict[str, object] = {}
    exec(f"from sogenactif.models.{package} import *", star)
    assert set(names) <= set(star)
    with pytest.raises(AttributeError, match="NoSuchModel"):
        _ = module.NoSuchModel
    with pytest.raises(ImportError):
        exec(f"from sogenactif.models.{package} import NoSuchModel")


@pytest.mark.parametrize("fn", [f for _, _, f in FUNCTIONS], ids=lambda f: f.qualified_name)
def test_a_function_loads_the_models_its_package_names(fn: FunctionSpec[Any, Any]) -> None:
    """FunctionSpec names its models ("module:Class") and imports them on first use: the very
    classes ``sogenactif.models.<service>`` gives."""
    module = importlib.import_module(f"sogenactif.models.{snake(fn.service)}")
    prefix = class_name(fn.name)
    assert fn.request_model is getattr(module, f"{prefix}Request")
    assert fn.response_model is getattr(module, f"{prefix}Response")
    assert issubclass(fn.request_model, RequestModel)
    assert issubclass(fn.response_model, ResponseModel)


@pytest.mark.parametrize(
    ("ref", "base"),
    [
        ("sogenactif.models.common.address:Address", RequestModel),  # a container
        ("sogenactif.models.checkout.card_order_request:CardOrderRequest", ResponseModel),
        ("sogenactif.models.checkout.card_order_request:NoSuchModel", RequestModel),
        ("sogenactif.models.checkout.card_order_request", RequestModel),  # no class named
        ("json:loads", ResponseModel),
    ],
)
def test_a_reference_to_anything_but_a_model_of_its_kind_is_refused(
    ref: str, base: type[RequestModel] | type[ResponseModel]
) -> None:
    with pytest.raises(TypeError, match=base.__name__):
        load_model(ref, base)
