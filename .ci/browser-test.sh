#!/usr/bin/env bash
# The simulator's page in a real headless browser (issue 17).
#
# Starts `python -m sogenactif.testing` on a free port, plays a few payments against it (an
# accepted card, a refused one, a payment to validate, the day's remittance moved on with
# `python -m sogenactif.testing advance-days 1`, then a refund), takes a screenshot of its page
# with Debian's chromium and dumps the page's DOM, then checks the DOM: every transaction with its
# status, the history and the exchanges, card numbers masked (no full PAN anywhere).
#
# Artifacts: $ARTIFACTS (default artifacts/, gitignored): simulator-page.png, simulator-page.html.
# Without chromium, it installs it with apt-get when run as root, and otherwise says it skips and
# exits 0. PYTHON defaults to .venv/bin/python (what `python3 dev.py` creates), else python3.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTIFACTS="${ARTIFACTS:-artifacts}"
if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        echo "browser-test: installing chromium with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
        browser="$(command -v chromium)"
    else
        echo "browser-test: SKIPPED: no chromium, and not root to install it (apt-get install chromium)"
        exit 0
    fi
fi

export PYTHONPATH="$PWD/generated:$PWD/runtime${PYTHONPATH:+:$PYTHONPATH}"
work="$(mktemp -d "${TMPDIR:-/tmp}/sogenactif-browser-test.XXXXXX")"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$PYTHON" -m sogenactif.testing --port 0 > "$work/server.out" 2> "$work/server.err" &
server=$!
url=""
for _ in $(seq 100); do
    url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/server.out")"
    [ -n "$url" ] && break
    kill -0 "$server" 2> /dev/null || { cat "$work/server.err" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "browser-test: the simulator did not start" >&2; exit 1; }
echo "browser-test: simulator at $url"

play() {  # play STEP: the payments (pay), or the refunds after the remittance (refund)
    "$PYTHON" - "$url" "$1" << 'PY'
import sys

import sogenactif
from sogenactif.testing import DEFAULT_KEY_VERSION, DEFAULT_MERCHANT_ID, DEFAULT_SECRET_KEY

url, step = sys.argv[1], sys.argv[2]


def client(protocol):
    return sogenactif.Client(merchant_id=DEFAULT_MERCHANT_ID, secret_key=DEFAULT_SECRET_KEY,
                             key_version=DEFAULT_KEY_VERSION, environment=url,
                             protocol=protocol, timeout=10)


def pay(c, reference, card, **extra):
    return c.checkout.card_order(amount=2500, currency_code="978", card_number=card,
                                 card_expiry_date="203012", card_csc_value="123",
                                 transaction_reference=reference, **extra).response_code


rest = client("rest")
if step == "pay":
    codes = [pay(rest, "ORDER1001", "4100000000000000"),
             pay(rest, "ORDER1002", "4100000000000005"),
             pay(rest, "ORDER1003", "5100000000000000", capture_mode="VALIDATION", capture_day=3),
             pay(client("soap"), "ORDER1004", "4200000000000000", capture_mode="IMMEDIATE")]
    assert codes == ["00", "05", "00", "00"], codes
else:
    refund = rest.cash_management.refund
    codes = [refund(operation_amount=1000, currency_code="978",
                    transaction_reference="ORDER1001").response_code,
             refund(operation_amount=5000, currency_code="978",
                    transaction_reference="ORDER1004").response_code]
    assert codes == ["00", "24"], codes  # the second is more than was captured
print(f"browser-test: {step}: responseCodes {' '.join(codes)}")
PY
}

play pay
"$PYTHON" -m sogenactif.testing advance-days 1 --url "$url"
play refund

mkdir -p "$ARTIFACTS"
chrome() {
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/profile" "$@" 2> "$work/chromium.err"
}
rm -f "$ARTIFACTS/simulator-page.png"
chrome --screenshot="$ARTIFACTS/simulator-page.png" --window-size=1280,1600 "$url/" > /dev/null \
    || { cat "$work/chromium.err" >&2; exit 1; }
chrome --dump-dom "$url/" > "$ARTIFACTS/simulator-page.html" || { cat "$work/chromium.err" >&2; exit 1; }

"$PYTHON" - "$ARTIFACTS/simulator-page.html" "$ARTIFACTS/simulator-page.png" << 'PY'
import re
import sys
from pathlib import Path

dom = Path(sys.argv[1]).read_text(encoding="utf-8")
png = Path(sys.argv[2]).read_bytes()
assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000, "no screenshot of a page"
text = re.sub(r"<[^>]+>", " ", dom)
problems = []
for reference, status in (("ORDER1001", "CAPTURED"), ("ORDER1002", "REFUSED"),
                          ("ORDER1003", "TO_VALIDATE"), ("ORDER1004", "CAPTURED")):
    if not re.search(rf"{reference}.*?{status}", text, re.S):
        problems.append(f"{reference} is not shown {status}")
for needle in ("remittance", "refund", "10.00 EUR", "4100##########00", "4100##########05",
               "5100##########00", "****0000", "cashManagement.refund", "Recent exchanges"):
    if needle not in text:
        problems.append(f"{needle!r} is missing")
for pan in ("4100000000000000", "4100000000000005", "5100000000000000", "4200000000000000"):
    if pan in dom:
        problems.append(f"a full card number ({pan[:4]}…) is in the DOM")
if problems:
    sys.exit("browser-test: FAILED: " + "; ".join(problems))
print(f"browser-test: OK: the page shows the 4 transactions, their history and the exchanges, "
      f"card numbers masked; screenshot {sys.argv[2]}")
PY
