"""Version-aware generation: a client for an older interface version lacks newer fields,
refuses them by name, and sends ``<prefix><version>``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.__main__ import main as generator_main
from generator.spec import Version, load_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spec_with_a_2_55_field(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real spec, with paymentTokenConsumerMerchantId moved to 2.55 in paymentTokenGenerate."""
    root = tmp_path_factory.mktemp("spec") / "spec"
    shutil.copytree(ROOT / "spec", root)
    path = root / "services" / "token.yaml"
    text = path.read_text()
    old = "{field: paymentTokenConsumerMerchantId, presence: optional}"
    assert old in text
    path.write_text(
        text.replace(
            old, '{field: paymentTokenConsumerMerchantId, presence: optional, since: "2.55"}'
        )
    )
    return root


def _generate(spec_root: Path, version: str, out: Path) -> Path:
    code = generator_main(
        ["generate", "--spec", str(spec_root), "--interface-version", version, "--output", str(out)]
    )
    assert code == 0
    return out


def _run(package_root: Path, script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        # The generated package, over the core as installed (here: from the checkout).
        env={"PYTHONPATH": f"{package_root}:{ROOT / 'runtime'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


SCRIPT = """
    import sogenactif
    from sogenactif.models.token import PaymentTokenGenerateRequest
    from sogenactif.seal import compute_seal

    sent = []
    def handler(call):
        sent.append(call.fields)
        out = {"responseCode": "00"}
        out["seal"] = compute_seal(out, "key")
        return out

    client = sogenactif.Client(merchant_id="201040040170001", secret_key="key",
                               transport=sogenactif.MockTransport(handler))
    print("version", sogenactif.INTERFACE_VERSION)
    print("has field", "payment_token_consumer_merchant_id" in PaymentTokenGenerateRequest.model_fields)
    try:
        client.token.payment_token_generate(payment_token_consumer_merchant_id="201040040170001")
        print("accepted", sent[-1]["interfaceVersion"])
    except sogenactif.RequestValidationError as exc:
        print("refused", exc.fields, exc)
    client.token.payment_token_generate(card_number="4100000000000000")
    print("sent", sent[-1]["interfaceVersion"])
"""


def test_older_client_lacks_and_refuses_the_newer_field(
    spec_with_a_2_55_field: Path, tmp_path: Path
) -> None:
    out = _run(_generate(spec_with_a_2_55_field, "2.53", tmp_path / "v253"), SCRIPT)
    assert "version 2.53" in out
    assert "has field False" in out
    assert "refused ['paymentTokenConsumerMerchantId']" in out
    assert "introduced in interface version 2.55" in out
    assert "sent TR_WS_2.53" in out


def test_latest_client_has_the_field(spec_with_a_2_55_field: Path, tmp_path: Path) -> None:
    out = _run(_generate(spec_with_a_2_55_field, "2.55", tmp_path / "v255"), SCRIPT)
    assert "version 2.55" in out
    assert "has field True" in out
    assert "accepted TR_WS_2.55" in out


def test_default_target_is_the_latest_version() -> None:
    import yaml

    latest = yaml.safe_load((ROOT / "spec" / "platform.yaml").read_text())[
        "latest_interface_version"
    ]
    spec = load_spec(ROOT / "spec")
    assert spec.target_version == spec.platform.latest_interface_version == Version.parse(latest)
    dictionary = (ROOT / "generated" / "sogenactif" / "_dictionary.py").read_text()
    assert f'INTERFACE_VERSION = "{latest}"' in dictionary


def test_version_newer_than_the_platform_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert (
        generator_main(["generate", "--interface-version", "9.1", "--output", str(tmp_path)]) == 2
    )
    assert "newer than the latest" in capsys.readouterr().err
    assert not (tmp_path / "sogenactif").exists()


def test_at_version_drops_later_functions_fields_and_values() -> None:
    spec = load_spec(ROOT / "spec")
    old = spec.at_version(Version.parse("2.0"))
    for service, function in old.iter_functions():
        assert function.since <= Version.parse("2.0")
        for use in (*function.request, *function.response):
            assert use.since <= Version.parse("2.0"), (service.name, function.name, use.name)
    for enum in old.enums.values():
        assert all(v.since <= Version.parse("2.0") for v in enum.values)
