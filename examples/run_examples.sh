#!/usr/bin/env bash
# Runs the tests of the example shops (Django, FastAPI, Flask) against the Office Server simulator.
#
#     bash examples/run_examples.sh PYTHON        e.g. bash examples/run_examples.sh .venv/bin/python
#
# PYTHON needs requirements-dev.txt and examples/requirements.txt installed; sogenactif comes from
# generated/ (the pytest settings of pyproject.toml put it on the path) unless it is installed.
# Each shop runs in its own pytest process: each has its own `app` or Django settings module.
set -euo pipefail

python="${1:?usage: bash examples/run_examples.sh PYTHON}"
examples="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

failed=()
for shop in django_shop fastapi_shop flask_shop; do
    echo "== examples/$shop"
    "$python" -m pytest -q -p no:cacheprovider "$examples/$shop" || failed+=("$shop")
done
if ((${#failed[@]})); then
    echo "examples whose tests failed: ${failed[*]}" >&2
    exit 1
fi
echo "all example shops passed"
