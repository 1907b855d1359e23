"""The simulator's page (``GET /``): what happened, for an integrator whose test failed.

A read-only HTML page rendered by the server, with its CSS inline and no script, font, image or
any other asset: it shows the same in a browser without network or JavaScript. It lists

- the simulated clock, the requests served and the shops (merchantId and key versions, never a
  key);
- the transactions, newest first (the ``limit`` most recent; 100 by default): reference, shop,
  status, amounts, card (masked as the platform masks it, ``4100##########00``), dates and the
  history of operations;
- the recent exchanges (``_exchanges``): each request and answer, fields masked by the core's
  redaction when they were recorded;
- the endpoints the simulator serves.

Every value is HTML-escaped. ``?refresh=N`` adds ``<meta http-equiv="refresh">`` (the page
reloads every N seconds, without JavaScript); ``?limit=N`` shows more or fewer transactions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING, Any

from ._cards import masked
from ._exchanges import Exchange
from ._store import Operation, Transaction

if TYPE_CHECKING:
    from ._platform import Platform

# ISO 4217 numeric codes the page writes with their letters (others as their number).
_CURRENCIES: dict[str, tuple[str, int]] = {
    "978": ("EUR", 2),
    "840": ("USD", 2),
    "826": ("GBP", 2),
    "756": ("CHF", 2),
    "124": ("CAD", 2),
    "392": ("JPY", 0),
}

# Status -> badge colour class.
_TONES: dict[str, str] = {
    "CAPTURED": "ok",
    "CREDITED": "credit",
    "TO_CREDIT": "credit",
    "TO_CAPTURE": "wait",
    "TO_VALIDATE": "hold",
    "PENDING": "hold",
    "REFUSED": "bad",
    "CANCELLED": "off",
    "EXPIRED": "off",
}

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:#1f2933;background:#f4f6f8}
header{background:#1d3557;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px;font-size:20px;font-weight:600}
header dl{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0;font-size:13px;color:#d6e2f0}
header dt{display:inline;font-weight:600;color:#fff}header dd{display:inline;margin:0 0 0 6px}
main{padding:8px 28px 28px}
section{background:#fff;border:1px solid #dde3ea;border-radius:8px;margin:18px 0;padding:16px 18px;
overflow-x:auto}
h2{margin:0 0 12px;font-size:16px;font-weight:600}
h2 small{font-weight:400;color:#6b7785;font-size:13px;margin-left:6px}
table{border-collapse:collapse;width:100%}
table.list>thead>tr>th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.03em;
color:#6b7785;font-weight:600;border-bottom:2px solid #dde3ea;padding:6px 8px}
table.list>tbody>tr>td{border-bottom:1px solid #edf0f3;padding:9px 8px;vertical-align:top}
table.list>tbody>tr:last-child>td{border-bottom:0}
table.list>thead>tr>th.num{text-align:right}
table.ops,table.amounts{width:auto;font-size:12.5px}
table.amounts td{padding:0 0 2px 0}table.amounts td.muted{padding-right:12px}
table.ops td{padding:0 10px 2px 0;white-space:nowrap;vertical-align:baseline}
table.ops td.name{font-weight:600}
.nowrap{white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.mono,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
font-size:12.5px}
.ref{font-weight:600}
.muted{color:#6b7785;font-size:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;
white-space:nowrap;background:#e7ebf0;color:#3e4c59}
.ok{background:#dcf3e4;color:#17663a}.credit{background:#ece4fb;color:#5b2f9e}
.wait{background:#dceafb;color:#1c4f8f}.hold{background:#fdf0d5;color:#8a5a00}
.bad{background:#fde2e1;color:#a3231f}.off{background:#e7ebf0;color:#52606d}
.code{display:inline-block;min-width:2.2em;text-align:center;border-radius:4px;font-weight:600;
padding:0 4px}
.code.c00{background:#dcf3e4;color:#17663a}.code.cx{background:#fde2e1;color:#a3231f}
details{border-top:1px solid #edf0f3}
details:first-of-type{border-top:0}
summary{cursor:pointer;padding:7px 4px;font-size:13px}
summary span{margin-right:12px}
summary h2{display:inline;margin:0}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:12px;padding:0 4px 12px}
.pair h3{margin:4px 0;font-size:12px;text-transform:uppercase;color:#6b7785;font-weight:600}
pre{margin:0;background:#f7f9fb;border:1px solid #e3e8ee;border-radius:6px;padding:8px 10px;
white-space:pre-wrap;word-break:break-all;max-height:340px;overflow:auto}
.empty{color:#6b7785;font-style:italic;margin:4px 0}
ul.endpoints{columns:2;margin:0;padding-left:18px;font-size:12.5px}
footer{color:#6b7785;font-size:12px;padding:0 28px 24px}
"""


def render_page(platform: Platform, base_url: str, *, refresh: int = 0, limit: int = 100) -> bytes:
    """The page, UTF-8 encoded."""
    store = platform.store
    with store.atomic():
        total = store.count_transactions()
        shown = list(reversed(store.transactions(None, limit)))
        histories = {
            (t.merchant_id, t.reference): store.operations(t.merchant_id, t.reference)
            for t in shown
        }
        offset = store.day_offset()
    today = platform.now().date().isoformat()
    exchanges = platform.exchanges.recent()
    shops = ", ".join(
        f"{merchant} (key version{'s' if len(versions) > 1 else ''} "
        f"{', '.join(str(v) for v in versions)})"
        for merchant, versions in platform.key_versions().items()
    )
    clock = today + (f" (real day + {offset})" if offset else " (the real day)")
    meta = [
        ("Base URL", base_url),
        ("Simulated day", clock),
        ("Requests served", str(platform.served)),
        ("Shops", shops),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="refresh" content="{refresh}">' if refresh else "",
        "<title>Sogenactif Office Server simulator</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<header><h1>Sogenactif Office Server simulator</h1><dl>",
        *(f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in meta),
        "</dl></header><main>",
        _transactions_section(shown, histories, total),
        _exchanges_section(exchanges, platform.exchanges.keep),
        _endpoints_section(platform),
        "</main><footer>A read-only page: nothing here changes the simulator. "
        "Card numbers are masked, keys never shown. "
        "<code>?refresh=5</code> reloads it every 5 s; "
        "<code>?limit=500</code> lists more transactions.</footer>",
        "</body></html>\n",
    ]
    return "\n".join(p for p in parts if p).encode("utf-8")


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _amount(value: int | None, currency: str) -> str:
    if value is None:
        return ""
    letters, decimals = _CURRENCIES.get(currency, (f"({currency})", 0))
    if decimals:
        sign = "-" if value < 0 else ""
        whole, cents = divmod(abs(value), 10**decimals)
        return f"{sign}{whole:,}.{cents:0{decimals}d} {letters}".replace(",", "\u202f")
    return f"{value:,} {letters}".replace(",", "\u202f")


def _badge(status: str) -> str:
    return f'<span class="badge {_TONES.get(status, "")}">{_e(status)}</span>'


def _code(code: str | None) -> str:
    if code is None:
        return ""
    tone = "c00" if code == "00" else "cx"
    return f'<span class="code {tone}">{_e(code)}</span>'


def _when(stamp: str) -> str:
    """``2026-05-04T10:11:12+00:00`` -> ``2026-05-04 10:11:12``."""
    return stamp.replace("T", " ").split("+")[0].split(".")[0]


def _short(stamp: str) -> str:
    """``2026-05-04T10:11:12+00:00`` -> ``05-04 10:11:12`` (the year is on the page's header)."""
    return _when(stamp)[5:]


def _transactions_section(
    shown: list[Transaction],
    histories: Mapping[tuple[str, str], list[Operation]],
    total: int,
) -> str:
    count = f"{total} stored" + (
        f", the {len(shown)} most recent shown" if total > len(shown) else ""
    )
    head = f"<section><h2>Transactions<small>{_e(count)}, newest first</small></h2>"
    if not shown:
        return head + '<p class="empty">No transaction yet.</p></section>'
    rows = []
    for t in shown:
        card = masked(t.card.pan) if t.card.pan else ""
        ops = "".join(
            "<tr>"
            f'<td class="name">{_e(o.name)}</td><td>{_code(o.response_code)}</td>'
            f'<td class="num">{_e(_amount(o.amount, t.currency_code))}</td>'
            f"<td>→ {_e(o.status)}</td>"
            f'<td class="muted mono">{_e(_short(o.at))}</td>'
            "</tr>"
            for o in histories.get((t.merchant_id, t.reference), [])
        )
        when = ""
        if t.capture_limit_date and t.status == "TO_VALIDATE":
            when = f"validate by {t.capture_limit_date}"
        elif t.capture_date and t.status in ("TO_CAPTURE", "TO_CREDIT"):
            when = f"remitted after {t.capture_date}"
        elif t.capture_date and t.status in ("CAPTURED", "CREDITED"):
            when = f"capture day {t.capture_date}"
        brand = t.card.brand + (f" · exp. {t.card.expiry}" if t.card.expiry else "")
        amounts = [("authorised", t.origin_amount), ("current", t.current_amount)]
        if t.refunded_amount:
            amounts.append(("refunded", t.refunded_amount))
        figures = "".join(
            f'<tr><td class="muted">{label}</td>'
            f'<td class="num">{_e(_amount(value, t.currency_code))}</td></tr>'
            for label, value in amounts
        )
        rows.append(
            "<tr>"
            f'<td class="nowrap"><div class="ref mono">{_e(t.reference)}</div>'
            f'<div class="muted">{_e(t.merchant_id)}</div>'
            f'<div class="muted">{_e(t.origin)} · {_e(_short(t.created_at))}</div></td>'
            f'<td>{_badge(t.status)}<div class="muted">responseCode {_e(t.response_code)}</div>'
            f'<div class="muted">{_e(t.capture_mode)}</div></td>'
            f'<td><table class="amounts">{figures}</table></td>'
            f'<td class="nowrap"><div class="mono">{_e(card)}</div>'
            f'<div class="muted">{_e(brand)}</div>'
            f'<div class="muted">{_e(when)}</div></td>'
            f'<td><table class="ops">{ops}</table></td>'
            "</tr>"
        )
    return (
        head
        + '<table id="transactions" class="list"><thead><tr><th>Reference</th><th>Status</th>'
        + "<th>Amounts</th><th>Card</th><th>History</th>"
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _fields(value: Mapping[str, Any] | None) -> str:
    if value is None:
        return '<p class="empty">none</p>'
    return f"<pre>{_e(json.dumps(value, indent=2, ensure_ascii=False))}</pre>"


def _exchanges_section(exchanges: Iterable[Exchange], keep: int) -> str:
    items = list(exchanges)
    head = (
        f"<section><h2>Recent exchanges<small>the last {keep} at most, newest first, on the simulated clock; "
        "card data masked</small></h2>"
    )
    if not items:
        return head + '<p class="empty">No request yet.</p></section>'
    out = [head, '<div id="exchanges">']
    for index, x in enumerate(items):
        name = f"{x.service}.{x.function}" if x.function else x.service
        status = f"HTTP {x.http_status}"
        summary = (
            f'<span class="muted mono">{_e(_when(x.at))}</span>'
            f'<span class="badge">{_e(x.protocol)}</span>'
            f'<span class="mono ref">{_e(name)}</span>'
            f'<span class="muted">{_e(status)}</span>'
            + (f"<span>responseCode {_code(x.response_code)}</span>" if x.response_code else "")
            + (f'<span class="muted">{_e(x.note)}</span>' if x.note else "")
        )
        body = (
            '<div class="pair">'
            f"<div><h3>Request</h3>{_fields(x.request)}</div>"
            f"<div><h3>Response</h3>{_fields(x.response)}</div>"
            "</div>"
        )
        opened = " open" if index == 0 else ""
        out.append(f"<details{opened}><summary>{summary}</summary>{body}</details>")
    out.append("</div></section>")
    return "".join(out)


def _endpoints_section(platform: Platform) -> str:
    dictionary = platform.dictionary
    rest = [
        f"POST {dictionary.rest_path.format(service=service, function=function)}"
        for service, function in sorted(platform.entries)
    ]
    soap = [f"SOAP {dictionary.soap_path.format(service=s)}?wsdl" for s in dictionary.services]
    control = [
        "GET /_simulator/health",
        "GET /_simulator/transactions[?merchantId=…&limit=…]",
        "GET /_simulator/transactions/<reference>[?merchantId=…]",
        "GET /_simulator/exchanges",
        'POST /_simulator/advance-days {"days": 1}',
        "POST /_simulator/reset",
    ]
    return (
        "<section><details><summary><h2>Endpoints</h2>"
        f'<small class="muted"> {len(rest)} functions over REST and SOAP, and the control '
        "interface</small></summary>"
        '<ul class="endpoints mono">'
        + "".join(f"<li>{_e(line)}</li>" for line in rest + soap + control)
        + "</ul></details></section>"
    )
