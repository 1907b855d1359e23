#!/usr/bin/env bash
# The oldest versions of its dependencies the package declares (issue 17): a fresh virtual
# environment with pydantic, urllib3, certifi, httpx and sniffio at the lower bounds of pyproject.toml,
# the project's other pins as they are, then the client's and the simulator's tests.
#
#     bash .ci/oldest-deps.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d "${TMPDIR:-/tmp}/sogenactif-oldest.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Keep in step with pyproject.toml's lower bounds (tests/generator/test_packaging.py checks it).
OLDEST=("pydantic==2.7.1" "urllib3==2.0.2" "certifi==2023.7.22" "httpx==0.27.0" "sniffio==1.3.0")

python3 -m venv "$work/venv"
grep -v -i -E '^(pydantic|pydantic_core|urllib3|certifi|httpx|httpcore|h11|anyio|sniffio)==' \
    requirements-dev.txt > "$work/requirements.txt"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$work/requirements.txt" "${OLDEST[@]}"
"$work/venv/bin/python" -m pip freeze | grep -i -E '^(pydantic|urllib3|certifi|httpx|sniffio)=='
PYTHONPATH="generated:runtime:." "$work/venv/bin/python" -m pytest -q -p no:cacheprovider \
    tests/client tests/simulator
