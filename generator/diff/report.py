"""Render a :class:`~.model.SpecDiff` as text, Markdown (for a pull request) or JSON.

The JSON schema is documented in ``docs/spec-diff.md``; bump ``SCHEMA_VERSION`` whenever a key
changes meaning or disappears (adding a key is compatible). No timestamps: the same two specs
always give the same bytes. Every format shows, for each change, the Python names it touches in
integrators' code (``python``) and, for a shared thing, where it is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby

from .catalogue import RANK, SEVERITIES
from .model import Change, PythonName, SpecDiff

# 2: field-… changes (a fields.yaml field's definition, once for all its functions) replace the
# request-field-… and response-field-… changes they gather; new keys "functions" and "python".
SCHEMA_VERSION = 2

ICONS = {"ERR": "🔴", "WARN": "🟠", "INFO": "🔵"}


FORMATS = ("text", "markdown", "json")


def render(result: SpecDiff, fmt: str) -> str:
    """The report in ``fmt``: one of FORMATS."""
    renderers: dict[str, Callable[[SpecDiff], str]] = {
        "text": render_text,
        "markdown": render_markdown,
        "json": render_json,
    }
    return renderers[fmt](result)


def _side(label: str, commit: str | None) -> str:
    return f"{label} ({commit[:12]})" if commit else label


def _counts(result: SpecDiff) -> str:
    return ", ".join(f"{result.count(s)} {s}" for s in SEVERITIES)


def _versions(result: SpecDiff) -> str:
    o, n = result.old.latest_interface_version, result.new.latest_interface_version
    return f"{o} → {n}" if o != n else f"{n} (unchanged)"


def _verdict(result: SpecDiff) -> str:
    highest = result.highest
    if highest == "ERR":
        return "breaking for integrators"
    if highest == "WARN":
        return "may break integrators (warnings)"
    if highest == "INFO":
        return "nothing breaks integrators"
    return "no changes"


# --------------------------------------------------------------------------- Python names


@dataclass(frozen=True)
class NameGroup:
    """Python names shown together: one name (``client.token.payment_token_generate(
    card_number=...)``), or a keyword or response attribute met in several ``calls``
    (``amount=...`` in ``client.checkout.card_order(...)``, ...)."""

    effect: str
    what: str
    calls: tuple[str, ...] = ()

    @property
    def joiner(self) -> str:
        return " in " if self.what.endswith("=...") else " of "

    def text(self, limit: int | None = None, quote: Callable[[str], str] = str) -> str:
        """``effect: what in call, call``, naming the first ``limit`` calls."""
        shown = self.calls[:limit]
        calls = ", ".join(quote(c) for c in shown)
        more = f" and {len(self.calls) - len(shown)} more" if len(self.calls) > len(shown) else ""
        return f"{self.effect}: {quote(self.what)}" + (
            f"{self.joiner}{calls}{more}" if self.calls else ""
        )


def name_groups(names: Iterable[PythonName]) -> list[NameGroup]:
    """The names in report order (by effect, then kind), a keyword or response attribute met
    in several calls gathered in one group."""
    groups: list[NameGroup] = []
    for _, same in groupby(sorted(names, key=PythonName.sort_key), lambda n: n.sort_key()[:3]):
        items = list(same)
        first = items[0]
        calls = tuple(f"{n.of}(...)" for n in items)
        if first.kind == "keyword" and len(items) > 1:
            groups.append(NameGroup(first.effect, f"{first.name}=...", calls))
        elif first.kind == "attribute" and first.code.startswith("resp."):
            groups.append(NameGroup(first.effect, first.code, calls))
        else:
            groups.extend(NameGroup(n.effect, n.code) for n in items)
    return groups


# --------------------------------------------------------------------------- JSON


def to_json(result: SpecDiff) -> dict[str, object]:
    """The report as plain data (schema in docs/spec-diff.md)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "old": result.old.to_json(),
        "new": result.new.to_json(),
        "summary": {
            "ERR": result.count("ERR"),
            "WARN": result.count("WARN"),
            "INFO": result.count("INFO"),
            "total": len(result.changes),
            "highest": result.highest,
            "breaking": result.count("ERR") > 0,
        },
        "changes": [c.to_json() for c in result.changes],
    }


def render_json(result: SpecDiff) -> str:
    return json.dumps(to_json(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- text


def render_text(result: SpecDiff) -> str:
    """One line per change, ERR first; for a terminal or a CI log."""
    lines = [
        f"spec diff: {_side(result.old.label, result.old.commit)} → "
        f"{_side(result.new.label, result.new.commit)}",
        f"interface version: {_versions(result)}",
        f"{_counts(result)}: {_verdict(result)}",
    ]
    if result.changes:
        lines.append("")
    ordered = sorted(result.changes, key=lambda c: (-RANK[c.severity], c.sort_key()))
    for c in ordered:
        values = ""
        if c.old is not None and c.new is not None:
            values = f" [{_short(c.old, 60)} → {_short(c.new, 60)}]"
        lines.append(f"{c.severity:<4} {c.id}: {c.path}: {c.message}{values}")
        if c.used_by:
            lines.append(f"     used by: {', '.join(c.used_by)}")
        lines.extend(f"     python: {group.text()}" for group in name_groups(c.python))
    return "\n".join(lines) + "\n"


def _short(text: str | None, limit: int) -> str:
    if text is None:
        return "-"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str | None, limit: int = 80) -> str:
    if text is None:
        return ""
    short = _short(text, limit).replace("`", "'")
    return f"`{_cell(short)}`"


def _where(c: Change, full: bool) -> str:
    """The place of a change inside its table's owner (the whole path when ``full``)."""
    if full:
        return _code(c.path)
    if c.value is not None:
        return _code(c.value)
    if c.group == "field":  # the field is the table's owner
        return ""
    if c.field is not None:
        if c.group == "service" and c.direction in ("request", "response"):
            return f"{c.direction} {_code(c.field)}"
        return _code(c.field)
    owner = {
        "platform": "platform.",
        "service": f"{c.service}.{c.function}." if c.function else f"{c.service}.",
        "container": f"containers.{c.container}.",
        "enum": f"enums.{c.enum}.",
    }.get(c.group, "")
    if c.path == owner.rstrip("."):
        return "" if c.group in ("container", "enum") else _code(c.path)
    return _code(c.path.removeprefix(owner))


_HEADER = [
    "| Severity | Where | Change | In integrators' code | Old | New | Id |",
    "|---|---|---|---|---|---|---|",
]
_CALLS_SHOWN = 4  # calls named in a Markdown cell before "and N more"


def _python_cell(names: Iterable[PythonName]) -> str:
    def code(text: str) -> str:
        return f"`{_cell(text)}`"

    return "<br>".join(g.text(_CALLS_SHOWN, code) for g in name_groups(names))


def _row(c: Change, where: str) -> str:
    message = _cell(c.message)
    if c.note:
        message += f"<br><sub>Note: {_cell(_short(c.note, 240))}</sub>"
    return (
        f"| {ICONS[c.severity]} {c.severity} | {where} | {message} | {_python_cell(c.python)} | "
        f"{_code(c.old)} | {_code(c.new)} | `{c.id}` |"
    )


def _table(changes: Iterable[Change], full: bool = False) -> list[str]:
    return [*_HEADER, *(_row(c, _where(c, full)) for c in changes)]


def _owned_table(
    changes: list[Change], owner: Callable[[Change], str], limit: int | None = 8
) -> list[str]:
    """One table for all containers (or enums, or fields): Where names the owner, then where
    each is used (the first ``limit`` places)."""
    rows = [*_HEADER]
    used: dict[str, set[str]] = {}
    for c in sorted(changes, key=lambda c: (-RANK[c.severity], c.sort_key())):
        inner = _where(c, False)
        head = _code(owner(c))
        rows.append(_row(c, f"{head} {inner}" if inner else head))
        used.setdefault(owner(c), set()).update(c.used_by)
    rows.append("")
    for name, origins in sorted(used.items()):
        shown = sorted(origins)[:limit]
        where = ", ".join(f"`{u}`" for u in shown)
        more = f" and {len(origins) - len(shown)} more" if len(origins) > len(shown) else ""
        rows.append(f"- `{name}`: used by {where}{more}" if origins else f"- `{name}`: unused")
    return rows


def render_markdown(result: SpecDiff) -> str:
    """A report for a pull request: summary, then one table per service and function."""
    old = _cell(_side(result.old.label, result.old.commit))
    new = _cell(_side(result.new.label, result.new.commit))
    counts = (
        f"**{result.count('ERR')}** | **{result.count('WARN')}** | {result.count('INFO')} | "
        f"**{_versions(result)}**"
    )
    out = [
        "## Spec diff",
        "",
        f"`{old}` → `{new}`",
        "",
        "| 🔴 ERR | 🟠 WARN | 🔵 INFO | Interface version |",
        "|---|---|---|---|",
        f"| {counts} |",
        "",
    ]
    if result.highest == "ERR":
        out.append(f"> [!CAUTION]\n> **Breaking for integrators**: {result.count('ERR')} ERR.")
    elif result.highest == "WARN":
        out.append("> [!WARNING]\n> Nothing breaks, but integrators should check the warnings.")
    else:
        out.append(f"_{_verdict(result).capitalize()}._")
    out.append("")
    docs = [c for c in result.changes if c.area == "documentation"]
    main = [c for c in result.changes if c.area != "documentation"]

    def section(title: str, rows: list[str]) -> None:
        out.extend([title, "", *rows, ""])

    platform = [c for c in main if c.group == "platform"]
    if platform:
        section("### Platform", _table(platform))
    fields = [c for c in main if c.group == "field"]
    if fields:  # every function that uses the changed field, since that is the point
        rows = _owned_table(fields, lambda c: c.field or "", limit=None)
        section("### Fields (fields.yaml: one change for every function using the field)", rows)
    for service in sorted({c.service or "" for c in main if c.group == "service"}):
        mine = [c for c in main if c.group == "service" and c.service == service]
        wide = [c for c in mine if c.function is None]
        out.extend([f"### Service `{service}`", ""])
        if wide:
            out.extend([*_table(wide), ""])
        for function in sorted({c.function for c in mine if c.function is not None}):
            rows = _table(c for c in mine if c.function == function)
            section(f"#### `{service}.{function}`", rows)
    containers = [c for c in main if c.group == "container"]
    if containers:
        section("### Containers", _owned_table(containers, lambda c: c.container or ""))
    enums = [c for c in main if c.group == "enum"]
    if enums:
        section("### Enums", _owned_table(enums, lambda c: c.enum or ""))
    if docs:
        summary = f"Documentation changes ({len(docs)}): descriptions and notes"
        out.extend([f"<details><summary>{summary}</summary>", "", *_table(docs, True), ""])
        out.extend(["</details>", ""])
    return "\n".join(out).rstrip("\n") + "\n"


__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "NameGroup",
    "name_groups",
    "render",
    "render_json",
    "render_markdown",
    "render_text",
    "to_json",
]
