#!/usr/bin/env bash
# The package as users get it (issue 17): build the sdist and the wheel, check them as a package
# index would (twine), install the wheel into a fresh virtual environment outside the checkout,
# and run there what a newcomer runs: the demo, the pytest plugin (both ways of enabling it,
# sync and async fixtures) and the example shops' tests. A file missing from the wheel fails it.
#
#     bash .ci/package-test.sh          (after `python3 dev.py test` created .venv/)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
PY="${PYTHON:-.venv/bin/python}"
work="$(mktemp -d "${TMPDIR:-/tmp}/sogenactif-package-test.XXXXXX")"
cleanup() { rm -rf "$work" "$repo/build" "$repo"/*.egg-info; }
trap cleanup EXIT

echo "== build: sdist and wheel"
"$PY" -m build --quiet --outdir "$work/dist" . > "$work/build.log" 2>&1 || {
    cat "$work/build.log"
    exit 1
}
"$PY" -m twine check --strict "$work"/dist/*
wheel="$(ls "$work"/dist/*.whl)"
for member in sogenactif/py.typed sogenactif/wsdl/token.wsdl sogenactif/wsdl/token.xsd \
    sogenactif_core/py.typed sogenactif/testing/pytest_plugin.py; do
    "$PY" - "$wheel" "$member" <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
assert sys.argv[2] in names, f"{sys.argv[2]} is not in the wheel"
assert any(n.endswith("licenses/LICENSE") for n in names), "no LICENSE in the wheel"
EOF
done

echo "== a fresh virtual environment, the wheel installed with its async extra"
python3 -m venv "$work/venv"
venv="$work/venv/bin/python"
"$venv" -m pip install --quiet --disable-pip-version-check "$wheel[async]"
# The test tools the plugin and the shops need, at the project's pins.
grep -i -E '^(pytest|pytest-timeout|anyio|iniconfig|pluggy|packaging|requests|certifi|charset-normalizer|idna)==' \
    requirements-dev.txt > "$work/test-tools.txt"
"$venv" -m pip install --quiet --disable-pip-version-check -r "$work/test-tools.txt"

cd "$work"  # nothing of the checkout is importable from here
"$venv" -c "import sogenactif, sogenactif_core; print('installed:', sogenactif.__version__, sogenactif.__file__)"

echo "== the demo, as a newcomer runs it"
"$venv" "$repo/examples/demo.py" > demo.log || { cat demo.log; exit 1; }
tail -n 2 demo.log

echo "== the pytest plugin: loaded by its entry point, and named in a conftest.py"
mkdir -p plugin-auto plugin-named
cat > plugin-auto/test_shop.py <<'EOF'
import pytest

def test_pay_and_refund(sogenactif_simulator, sogenactif_client):
    pay = sogenactif_client.checkout.card_order(
        amount=1000, currency_code="978", card_number="4100000000000000",
        card_expiry_date="203012", transaction_reference="PLUGIN1")
    assert pay.response_code == "00" and pay.sealed
    sogenactif_simulator.advance_days(1)
    refund = sogenactif_client.cash_management.refund(
        transaction_reference="PLUGIN1", operation_amount=400, currency_code="978")
    assert refund.response_code == "00"

@pytest.fixture
def anyio_backend():
    return "asyncio"

@pytest.mark.anyio
async def test_async_look_up(sogenactif_async_client):
    resp = await sogenactif_async_client.diagnostic.get_transaction_data(
        transaction_reference="NONE")
    assert resp.response_code == "25" and resp.sealed
EOF
cp plugin-auto/test_shop.py plugin-named/test_shop.py
echo 'pytest_plugins = ["sogenactif.testing.pytest_plugin"]' > plugin-named/conftest.py
(cd plugin-auto && "$venv" -m pytest -q -p no:cacheprovider)
(cd plugin-named && "$venv" -m pytest -q -p no:cacheprovider)

echo "== the example shops (Django, FastAPI, Flask), against the installed package"
"$venv" -m pip install --quiet --disable-pip-version-check -r "$repo/examples/requirements.txt"
cp -r "$repo/examples" shops
bash shops/run_examples.sh "$venv"
echo "package test passed"
