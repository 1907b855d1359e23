"""``python -m generator docs``: one Markdown reference page per service, plus an index.

Each page lists the service's functions with their endpoints, then every request and response
field with its presence, format, interface version, values and the spec's notes (where a reading
is an inference or an open question, reviewers see it here).
"""

from __future__ import annotations

from pathlib import Path

from .spec import ContainerDef, EnumDef, FieldDef, FieldUse, Function, Service, Spec
from .views import business_request, snake


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _format(definition: FieldDef) -> str:
    target = definition.items or definition
    text = str(target.format) if target.format else ""
    if target.alternative_format:
        text += f" or {target.alternative_format}"
    if target.pattern:
        text += f" (pattern `{target.pattern}`)"
    if definition.is_list:
        text = f"list of {text or target.container or 'items'}"
    if definition.empty_allowed:
        text += ', or empty ("")'
    return text


def _type(definition: FieldDef, closed: frozenset[str]) -> str:
    target = definition.items or definition
    if target.type == "container":
        kind = f"[{target.container}](#container-{target.container.lower() if target.container else ''})"
    elif target.enum:
        which = "closed" if target.enum in closed else "open"
        kind = f"{target.type}, [{target.enum}](#enum-{target.enum.lower()}) ({which} list)"
    else:
        kind = target.type
    return f"list of {kind}" if definition.is_list else kind


def _field_rows(
    uses: tuple[FieldUse, ...] | list[FieldUse], envelope: set[str], closed: frozenset[str]
) -> list[str]:
    rows = [
        "| field | keyword | presence | type | format | since | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for use in uses:
        definition = use.field
        description = definition.description
        for note in (use.note, definition.note):
            if note:
                description += f" **Note:** {note}"
        keyword = "(client)" if use.name in envelope else f"`{snake(use.name)}`"
        rows.append(
            f"| `{use.name}` | {keyword} | {use.presence} | {_type(definition, closed)} | "
            f"{_cell(_format(definition))} | {use.since} | {_cell(description)} |"
        )
    return rows


def _closed(spec: Spec) -> frozenset[str]:
    return frozenset(name for name, enum in spec.enums.items() if enum.closed)


# What a closed or an open list means for an integrator (see runtime/_wire.py).
_LIST = {
    True: "**Closed list**: a request value outside it is refused before sending.",
    False: (
        "**Open list**: a request value this client does not know is sent as given, with a "
        "logged warning (once per function, field and value)."
    ),
}


# What the spec's ``resend`` key means for an integrator (see runtime/_retry.py).
_RESEND = {
    "": "Never sent again by a `RetryPolicy` after responseCode 90/99 (only when nothing was sent)",
    "read-only": "Read-only: a `RetryPolicy` may send it again after responseCode 90/99",
    "duplicate-protected": (
        "Duplicate-protected: a `RetryPolicy` may send it again after responseCode 90/99 when the "
        "request carries a `transactionReference` (the platform refuses a second transaction "
        "with it: 94)"
    ),
}


def _function_section(service: Service, function: Function, spec: Spec) -> list[str]:
    platform = spec.platform
    envelope = set(platform.envelope_fields)
    lines = [
        f"## {function.name}",
        "",
        _cell(function.description),
        "",
        f"- Python: `client.{snake(service.name)}.{snake(function.name)}(...)`",
        f"- REST: `POST {platform.rest_path.format(service=service.name, function=function.name)}`",
        f"- SOAP: operation `{function.name}` of `{platform.soap_path.format(service=service.name)}`"
        f" (namespace `{platform.namespace(service.name)}`)",
        f"- Since interface version {function.since}"
        + (
            f"; recommended: `{service.interface_prefix}{function.recommended_interface_version}`"
            if function.recommended_interface_version
            else ""
        ),
        f"- {_RESEND[function.resend]}",
    ]
    if function.note:
        lines += ["", f"> **Note:** {_cell(function.note)}"]
    n_business = len(business_request(function, spec))
    lines += [
        "",
        f"### Request ({n_business} fields of yours, plus those the client fills in)",
        "",
        *_field_rows(function.request, envelope, _closed(spec)),
        "",
        "### Response",
        "",
        *_field_rows(function.response, set(), _closed(spec)),
        "",
    ]
    return lines


def _used_containers(service: Service, spec: Spec) -> list[ContainerDef]:
    seen: dict[str, ContainerDef] = {}

    def walk(definition: FieldDef) -> None:
        target = definition.items or definition
        if target.type == "container" and target.container and target.container not in seen:
            container = spec.containers[target.container]
            seen[container.name] = container
            for use in container.fields:
                walk(use.field)

    for function in service.functions:
        for use in (*function.request, *function.response):
            walk(use.field)
    return [seen[n] for n in sorted(seen)]


def _used_enums(service: Service, spec: Spec) -> list[EnumDef]:
    names: set[str] = set()

    def walk(definition: FieldDef) -> None:
        target = definition.items or definition
        if target.enum:
            names.add(target.enum)

    for function in service.functions:
        for use in (*function.request, *function.response):
            walk(use.field)
    for container in _used_containers(service, spec):
        for use in container.fields:
            walk(use.field)
    return [spec.enums[n] for n in sorted(names) if n in spec.enums]


def service_page(service: Service, spec: Spec) -> str:
    lines = [
        f"# {service.name}",
        "",
        "<!-- Generated by `python -m generator docs` from spec/. Do not edit. -->",
        "",
        _cell(service.description),
        "",
        f"Interface version prefix `{service.interface_prefix}`; this reference is for interface "
        f"version {spec.target_version}.",
        "",
    ]
    if service.note:
        lines += [f"> **Note:** {_cell(service.note)}", ""]
    lines += [
        "| function | Python | since | description |",
        "|---|---|---|---|",
        *[
            f"| [{f.name}](#{f.name.lower()}) | `{snake(f.name)}` | {f.since} | {_cell(f.description)} |"
            for f in service.functions
        ],
        "",
    ]
    for function in service.functions:
        lines += _function_section(service, function, spec)
    containers = _used_containers(service, spec)
    if containers:
        lines += ["## Containers", ""]
        for container in containers:
            lines += [
                f'<a id="container-{container.name.lower()}"></a>',
                f"### {container.name}",
                "",
                _cell(container.description)
                + (f" **Note:** {_cell(container.note)}" if container.note else ""),
                "",
                *_field_rows(container.fields, set(), _closed(spec)),
                "",
            ]
    enums = _used_enums(service, spec)
    if enums:
        lines += ["## Values", ""]
        for enum in enums:
            lines += [
                f'<a id="enum-{enum.name.lower()}"></a>',
                f"### {enum.name}",
                "",
                _cell(enum.description) + (f" **Note:** {_cell(enum.note)}" if enum.note else ""),
                "",
                f"{_LIST[enum.closed]} Responses keep any value."
                + (f" Why: {_cell(enum.reason)}" if enum.reason else ""),
                "",
                "| value | Python | since | description |",
                "|---|---|---|---|",
            ]
            for value in enum.values:
                extras = [f"{k}: {v}" for k, v in value.attributes if v]
                if value.deprecated:
                    extras.append("deprecated")
                if not value.request:
                    extras.append("returned only, never sent")
                description = _cell(value.description) + (
                    f" ({'; '.join(extras)})" if extras else ""
                )
                shown = f"`{value.value}`" if value.value else "(empty)"
                lines.append(f"| {shown} | `{value.name}` | {value.since} | {description} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def index_page(spec: Spec) -> str:
    lines = [
        "# Office Server reference",
        "",
        "<!-- Generated by `python -m generator docs` from spec/. Do not edit. -->",
        "",
        f"{_cell(spec.platform.description)} Interface version {spec.target_version}.",
        "",
        "| service | client attribute | prefix | functions |",
        "|---|---|---|---|",
    ]
    for service in spec.services:
        functions = ", ".join(
            f"[{f.name}]({service.name}.md#{f.name.lower()})" for f in service.functions
        )
        lines.append(
            f"| [{service.name}]({service.name}.md) | `client.{snake(service.name)}` | "
            f"`{service.interface_prefix}` | {functions} |"
        )
    n_functions = sum(len(s.functions) for s in spec.services)
    lines += [
        "",
        f"{len(spec.services)} services, {n_functions} functions, {len(spec.fields)} fields, "
        f"{len(spec.containers)} containers, {len(spec.enums)} lists of values.",
        "",
    ]
    return "\n".join(lines)


def write_docs(spec: Spec, output: Path) -> list[Path]:
    """Write ``index.md`` and ``<service>.md`` pages; remove pages of services that are gone."""
    output.mkdir(parents=True, exist_ok=True)
    pages = {"index.md": index_page(spec)}
    for service in spec.services:
        pages[f"{service.name}.md"] = service_page(service, spec)
    written = []
    for name, text in pages.items():
        path = output / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    for stale in output.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    return written


def check_docs(spec: Spec, output: Path) -> str:
    """An empty string when the pages in ``output`` are what ``write_docs`` would write."""
    expected = {"index.md": index_page(spec)}
    for service in spec.services:
        expected[f"{service.name}.md"] = service_page(service, spec)
    actual = (
        {p.name: p.read_text(encoding="utf-8") for p in output.glob("*.md")}
        if output.is_dir()
        else {}
    )
    stale = sorted(n for n in set(expected) | set(actual) if expected.get(n) != actual.get(n))
    if not stale:
        return ""
    return "reference docs are stale (run `python -m generator docs`): " + ", ".join(stale) + "\n"
