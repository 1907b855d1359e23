"""Load ``spec/`` into a typed, frozen :class:`~generator.spec.model.Spec`.

Every mistake in a spec file is reported as ``file:line: where: what is wrong`` (all of them at once,
not only the first), never as a traceback from deep inside. Unknown keys are errors: a typo must not
silently drop data. See ``spec/README.md`` for the format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from ..formats import Format
from .model import (
    FIELD_TYPES,
    PRESENCES,
    RESEND_KINDS,
    SENSITIVITIES,
    ContainerDef,
    EnumDef,
    EnumValue,
    FieldDef,
    FieldUse,
    Function,
    Location,
    Platform,
    Service,
    Spec,
    Version,
)

_NAME_RE = re.compile(r"^[a-z][A-Za-z0-9]*$")
_IDENT_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class SpecError(Exception):
    """One or more mistakes in the spec, each naming file, line and what is wrong."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


# --------------------------------------------------------------------------- YAML with lines


class _Node(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int
    key_lines: dict[str, int]


class _List(list[Any]):
    line: int


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Node:
    result = _Node()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _List:
    result = _List(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


# --------------------------------------------------------------------------- the loader


class _Reader:
    """Collects problems while reading; each problem names file, line and place."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.latest: Version | None = None  # platform.yaml's, once read
        self.namespace_lines: dict[str, int] = {}  # platform.yaml's soap_namespaces, by service
        self.optional_fields_line = 1  # platform.yaml's soap_optional_fields

    def load(self, path: Path) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(f"{self.rel(path)}: cannot read: {exc}")
            return None
        try:
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            line = mark.line + 1 if mark else 0
            self.problems.append(f"{self.rel(path)}:{line}: invalid YAML: {exc.problem}")
            return None

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def error(self, file: str, line: int, where: str, message: str) -> None:
        self.problems.append(f"{file}:{line}: {where}: {message}")

    def document(
        self, path: Path, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> tuple[str, _Node] | None:
        """A spec file whose top is a mapping of these keys: (the file as reported, the
        mapping); None when it cannot be read or its top is wrong (each problem reported)."""
        data = self.load(path)
        if data is None:
            return None
        file = self.rel(path)
        node = self.mapping(data, file, 1, where, required, optional)
        return None if node is None else (file, node)

    def named_after(self, path: Path, node: _Node, key: str, file: str, where: str) -> str:
        """``node[key]``, reported when it is not the file's name."""
        name = str(node[key])
        if name != path.stem:
            self.error(file, _line_of(node, key), where, f"{key} {name!r} differs from file name")
        return name

    def mapping(
        self,
        node: Any,
        file: str,
        line: int,
        where: str,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        *,
        partial: bool = False,
    ) -> _Node | None:
        """``node`` checked for unknown and missing keys (each reported); None when it is no
        mapping, or when a required key is missing unless ``partial`` (the caller then reads
        every key with a default)."""
        if not isinstance(node, dict):
            self.error(file, line, where, f"expected a mapping, found {type(node).__name__}")
            return None
        for key in node:
            if key not in required and key not in optional:
                allowed = ", ".join(required + optional)
                self.error(
                    file, _line_of(node, key), where, f"unknown key {key!r} (allowed: {allowed})"
                )
        missing = [key for key in required if key not in node]
        for key in missing:
            self.error(file, _line(node, line), where, f"missing required key {key!r}")
        if missing and not partial:
            return None  # reported: the caller skips the entry instead of failing on the key
        return node if isinstance(node, _Node) else None

    def text(self, node: _Node, key: str, file: str, where: str, default: str = "") -> str:
        value = node.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            self.error(file, _line_of(node, key), where, f"{key} must be text, found {value!r}")
            return default
        return value.strip()

    def version(self, node: _Node, key: str, file: str, where: str, default: Version) -> Version:
        if key not in node:
            return default
        try:
            version = Version.parse(node[key])
        except ValueError as exc:
            self.error(file, _line_of(node, key), where, str(exc))
            return default
        if key == "since" and self.latest is not None and version > self.latest:
            # Allowed (a later release may be transcribed ahead), but in no generated client.
            self.warnings.append(
                f"{file}:{_line_of(node, key)}: {where}: since {version} is later than "
                f"latest_interface_version {self.latest} in platform.yaml: it is left out of "
                "every generated client until the latest version is raised"
            )
        return version


def _line(node: Any, default: int) -> int:
    line = getattr(node, "line", default)
    return line if isinstance(line, int) else default


def _line_of(node: Any, key: str) -> int:
    lines: dict[str, int] = getattr(node, "key_lines", {})
    return lines.get(key, _line(node, 0))


V2_0 = Version((2, 0))

_FIELD_KEYS = (
    "type",
    "format",
    "alternative_format",
    "min_length",
    "pattern",
    "since",
    "description",
    "enum",
    "container",
    "items",
    "item_name",
    "sensitive",
    "note",
    "empty_allowed",
)


def _read_field(r: _Reader, name: str, node: Any, file: str, where: str) -> FieldDef | None:
    line = _line(node, 0)
    if not _NAME_RE.match(name):
        r.error(file, line, where, f"field name {name!r} is not camelCase")
    node = r.mapping(
        node, file, line, where, required=("description",), optional=_FIELD_KEYS, partial=True
    )
    if node is None:
        return None
    ftype = node.get("type", "string")
    if ftype not in FIELD_TYPES:
        r.error(file, _line_of(node, "type"), where, f"type {ftype!r} not one of {FIELD_TYPES}")
        return None
    fmt = alt = None
    for key in ("format", "alternative_format"):
        if key in node:
            try:
                parsed = Format.parse(str(node[key]))
            except ValueError as exc:
                r.error(file, _line_of(node, key), where, str(exc))
                continue
            if key == "format":
                fmt = parsed
            else:
                alt = parsed
    items: FieldDef | None = None
    item_name: str | None = None
    container = node.get("container")
    if ftype == "list":
        if "items" not in node:
            r.error(file, line, where, "a list needs 'items'")
            return None
        item_node = node["items"]
        if isinstance(item_node, dict) and "description" not in item_node:
            item_node = _Node(item_node)
            item_node.line = _line(node["items"], line)
            item_node.key_lines = getattr(node["items"], "key_lines", {})
            item_node["description"] = f"One item of {name}."
        if isinstance(item_node, dict) and "container" in item_node:
            item_node.setdefault("type", "container")
        items = _read_field(r, name, item_node, file, f"{where}.items")
        if items is None:
            return None
        if items.type == "list":
            r.error(file, _line_of(node, "items"), where, "lists of lists are not supported")
        item_name = str(node.get("item_name") or (name[:-4] if name.endswith("List") else name))
        container = items.container
    elif "items" in node or "item_name" in node:
        r.error(file, line, where, "'items' and 'item_name' belong to type list")
    if ftype == "container" and not container:
        r.error(file, line, where, "a container field needs 'container: <name>'")
    if ftype in ("string",) and fmt is None and "enum" not in node and "pattern" not in node:
        r.error(file, line, where, "a string field needs a 'format' (e.g. AN35)")
    sensitive = node.get("sensitive")
    if sensitive is not None and sensitive not in SENSITIVITIES:
        r.error(
            file, _line_of(node, "sensitive"), where, f"sensitive must be one of {SENSITIVITIES}"
        )
    pattern = node.get("pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            r.error(file, _line_of(node, "pattern"), where, f"pattern does not compile: {exc}")
    empty_allowed = node.get("empty_allowed", False)
    if not isinstance(empty_allowed, bool):
        r.error(file, _line_of(node, "empty_allowed"), where, "empty_allowed must be true or false")
        empty_allowed = False
    if empty_allowed and ftype not in ("string", "integer"):
        r.error(file, _line_of(node, "empty_allowed"), where, "empty_allowed is for text fields")
    min_length = node.get("min_length", 0)
    if not isinstance(min_length, int) or min_length < 0:
        r.error(file, _line_of(node, "min_length"), where, "min_length must be a whole number")
        min_length = 0
    return FieldDef(
        name=name,
        type=ftype,
        description=r.text(node, "description", file, where),
        since=r.version(node, "since", file, where, V2_0),
        location=Location(file, line),
        format=fmt,
        alternative_format=alt,
        min_length=min_length,
        pattern=str(pattern) if pattern is not None else None,
        enum=node.get("enum"),
        container=container,
        items=items,
        item_name=item_name,
        sensitive=sensitive,
        note=r.text(node, "note", file, where),
        empty_allowed=empty_allowed,
    )


def _read_enum(r: _Reader, path: Path) -> EnumDef | None:
    document = r.document(
        path, "enum", ("name", "description", "values"), ("note", "closed", "reason")
    )
    if document is None:
        return None
    file, node = document
    name = r.named_after(path, node, "name", file, "enum")
    closed = node.get("closed", False)
    if not isinstance(closed, bool):
        r.error(
            file, _line_of(node, "closed"), name, f"closed must be true or false, not {closed!r}"
        )
        closed = False
    reason = r.text(node, "reason", file, name)
    if closed and not reason:
        r.error(
            file,
            _line_of(node, "closed"),
            name,
            "a closed list needs a 'reason:' naming the primary page that gives the whole list",
        )
    note = r.text(node, "note", file, name)
    said = "closed" if note.startswith("Closed") else "open" if note.startswith("Open") else None
    if said is not None and said != ("closed" if closed else "open"):
        where = f"{file}:{_line_of(node, 'note')}"
        message = (
            f"the note says {said.capitalize()} but the list is "
            f"{'closed' if closed else 'open'} (closed: {'true' if closed else 'false'})"
        )
        if "closed" in node:
            r.error(file, _line_of(node, "note"), name, message)
        else:  # a spec older than the key (git:main in a diff) still loads: open by default
            r.warnings.append(f"{where}: {name}: {message}, by default")
    values: list[EnumValue] = []
    seen: set[str] = set()
    raw_values = node["values"]
    if not isinstance(raw_values, list) or not raw_values:
        r.error(file, _line_of(node, "values"), name, "values must be a non-empty list")
        return None
    for item in raw_values:
        line = _line(item, node.line)
        v = r.mapping(
            item,
            file,
            line,
            f"{name} value",
            required=("value", "description"),
            optional=("name", "since", "request", "deprecated", "attributes"),
        )
        if v is None:
            continue
        value = "" if v["value"] is None else str(v["value"])
        where = f"{name}[{value!r}]"
        if value in seen:
            r.error(file, line, where, "duplicate value")
        seen.add(value)
        member = v.get("name")
        if member is None:
            member = re.sub(r"[^A-Z0-9]+", "_", value.upper()) if value else "EMPTY"
        member = str(member)
        if not _IDENT_RE.match(member) or member.startswith("_"):
            r.error(
                file,
                line,
                where,
                f"value needs a 'name:' that is a Python identifier, got {member!r}",
            )
        attributes = v.get("attributes") or {}
        if not isinstance(attributes, dict):
            r.error(file, _line_of(v, "attributes"), where, "attributes must be a mapping")
            attributes = {}
        values.append(
            EnumValue(
                value=value,
                name=member,
                description=r.text(v, "description", file, where),
                since=r.version(v, "since", file, where, V2_0),
                request=bool(v.get("request", True)),
                deprecated=bool(v.get("deprecated", False)),
                attributes=tuple(
                    (str(k), "" if x is None else str(x)) for k, x in attributes.items()
                ),
            )
        )
    names = [v.name for v in values]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        r.error(file, node.line, name, f"two values have the member name {dup!r}")
    return EnumDef(
        name=name,
        description=r.text(node, "description", file, name),
        values=tuple(values),
        location=Location(file, node.line),
        note=note,
        closed=closed,
        reason=reason,
    )


def _read_uses(
    r: _Reader,
    items: Any,
    fields: Mapping[str, FieldDef],
    file: str,
    where: str,
    floor: Version,
) -> tuple[FieldUse, ...]:
    if not isinstance(items, list):
        r.error(file, _line(items, 0), where, "expected a list of {field: …, presence: …}")
        return ()
    uses: list[FieldUse] = []
    seen: set[str] = set()
    for item in items:
        line = _line(item, _line(items, 0))
        node = r.mapping(
            item,
            file,
            line,
            where,
            required=("field", "presence"),
            optional=(
                "since",
                "note",
                "description",
                "format",
                "alternative_format",
                "empty_allowed",
            ),
        )
        if node is None:
            continue
        name = str(node["field"])
        here = f"{where}.{name}"
        if name in seen:
            r.error(file, line, here, "field listed twice")
        seen.add(name)
        definition = fields.get(name)
        if definition is None:
            r.error(file, line, here, f"field {name!r} is not defined in fields.yaml")
            continue
        presence = node["presence"]
        if presence not in PRESENCES:
            r.error(file, _line_of(node, "presence"), here, f"presence must be one of {PRESENCES}")
        overrides: dict[str, Any] = {}
        if "description" in node:
            overrides["description"] = r.text(node, "description", file, here)
        for key in ("format", "alternative_format"):
            if key in node:
                try:
                    overrides[key] = Format.parse(str(node[key])) if node[key] else None
                except ValueError as exc:
                    r.error(file, _line_of(node, key), here, str(exc))
        if "empty_allowed" in node:
            if isinstance(node["empty_allowed"], bool):
                overrides["empty_allowed"] = node["empty_allowed"]
            else:
                r.error(
                    file,
                    _line_of(node, "empty_allowed"),
                    here,
                    "empty_allowed must be true or false",
                )
        if overrides:
            definition = replace(definition, **overrides)
        since = r.version(node, "since", file, here, max(definition.since, floor))
        uses.append(
            FieldUse(
                field=definition,
                presence=str(presence),
                since=since,
                note=r.text(node, "note", file, here),
            )
        )
    return tuple(uses)


def _read_container(r: _Reader, path: Path) -> ContainerDef | None:
    document = r.document(path, "container", ("name", "description", "fields"), ("note",))
    if document is None:
        return None
    file, node = document
    name = r.named_after(path, node, "name", file, "container")
    raw = node["fields"]
    if not isinstance(raw, dict) or not raw:
        r.error(file, _line_of(node, "fields"), name, "fields must be a non-empty mapping")
        return None
    members: list[FieldUse] = []
    for fname, fnode in raw.items():
        presence = "optional"
        if isinstance(fnode, dict) and "presence" in fnode:
            presence = str(fnode.pop("presence"))
            if presence not in PRESENCES:
                r.error(
                    file, _line(fnode, 0), f"{name}.{fname}", f"presence must be one of {PRESENCES}"
                )
        definition = _read_field(r, fname, fnode, file, f"{name}.{fname}")
        if definition is not None:
            members.append(FieldUse(definition, presence, definition.since, definition.note))
    return ContainerDef(
        name=name,
        description=r.text(node, "description", file, name),
        fields=tuple(members),
        location=Location(file, node.line),
        note=r.text(node, "note", file, name),
    )


def _read_service(
    r: _Reader, path: Path, fields: Mapping[str, FieldDef], platform: Platform | None
) -> Service | None:
    document = r.document(
        path, "service", ("service", "description", "interface_prefix", "functions"), ("note",)
    )
    if document is None:
        return None
    file, node = document
    name = r.named_after(path, node, "service", file, "service")
    prefix = str(node["interface_prefix"])
    if not re.fullmatch(r"[A-Z]+_[A-Z]+_", prefix):
        r.error(
            file, _line_of(node, "interface_prefix"), name, f"prefix {prefix!r} is not like TR_WS_"
        )
    functions: list[Function] = []
    raw = node["functions"]
    if not isinstance(raw, dict) or not raw:
        r.error(file, _line_of(node, "functions"), name, "functions must be a non-empty mapping")
        return None
    for fname, fnode in raw.items():
        where = f"{name}.{fname}"
        line = _line(fnode, node.line)
        if not _NAME_RE.match(fname):
            r.error(file, line, where, "function name is not camelCase")
        fn = r.mapping(
            fnode,
            file,
            line,
            where,
            required=("description", "request", "response"),
            optional=("since", "recommended_interface_version", "urls", "note", "resend"),
        )
        if fn is None:
            continue
        resend = fn.get("resend", "")
        if resend != "" and resend not in RESEND_KINDS:
            r.error(
                file,
                _line_of(fn, "resend"),
                f"{where}.resend",
                f"must be one of {', '.join(RESEND_KINDS)} (or absent: never resent), "
                f"not {resend!r}",
            )
            resend = ""
        since = r.version(fn, "since", file, where, V2_0)
        recommended = None
        if "recommended_interface_version" in fn:
            recommended = r.version(fn, "recommended_interface_version", file, where, since)
        urls = _read_urls(r, fn, file, where, name, fname, platform)
        functions.append(
            Function(
                name=fname,
                description=r.text(fn, "description", file, where),
                since=since,
                request=_read_uses(r, fn["request"], fields, file, f"{where}.request", since),
                response=_read_uses(r, fn["response"], fields, file, f"{where}.response", since),
                location=Location(file, line),
                recommended_interface_version=recommended,
                urls=urls,
                note=r.text(fn, "note", file, where),
                resend=str(resend),
            )
        )
    return Service(
        name=name,
        description=r.text(node, "description", file, name),
        interface_prefix=prefix,
        functions=tuple(functions),
        location=Location(file, 1),
        note=r.text(node, "note", file, name),
    )


def _read_urls(
    r: _Reader,
    fn: _Node,
    file: str,
    where: str,
    service: str,
    function: str,
    platform: Platform | None,
) -> tuple[tuple[str, str, str], ...]:
    if "urls" not in fn:
        return ()
    node = r.mapping(
        fn["urls"], file, _line_of(fn, "urls"), f"{where}.urls", optional=("rest", "wsdl")
    )
    if node is None:
        return ()
    urls: list[tuple[str, str, str]] = []
    for kind in ("rest", "wsdl"):
        if kind not in node:
            continue
        envs = node[kind]
        if not isinstance(envs, dict):
            r.error(
                file, _line_of(node, kind), f"{where}.urls.{kind}", "expected {environment: url}"
            )
            continue
        for env, url in envs.items():
            urls.append((kind, str(env), str(url)))
            if platform is None:
                continue
            if env not in dict(platform.environments):
                r.error(
                    file,
                    _line_of(envs, env),
                    f"{where}.urls.{kind}",
                    f"unknown environment {env!r}",
                )
                continue
            expected = (
                platform.rest_url(env, service, function)
                if kind == "rest"
                else platform.wsdl_url(env, service)
            )
            if url != expected:
                r.error(
                    file,
                    _line_of(envs, env),
                    f"{where}.urls.{kind}.{env}",
                    f"{url} does not match platform.yaml, which gives {expected}",
                )
    return tuple(urls)


def _read_platform(r: _Reader, path: Path) -> Platform | None:
    document = r.document(
        path,
        "platform",
        (
            "name",
            "latest_interface_version",
            "environments",
            "rest_path",
            "soap_path",
            "soap_namespace",
            "seal",
            "envelope_fields",
        ),
        ("description", "note", "soap_namespaces", "soap_optional_fields"),
    )
    if document is None:
        return None
    file, node = document
    namespaces: list[tuple[str, str]] = []
    raw_namespaces = node.get("soap_namespaces") or {}
    if not isinstance(raw_namespaces, dict):
        r.error(
            file,
            _line_of(node, "soap_namespaces"),
            "platform.soap_namespaces",
            "expected {service: namespace}",
        )
        raw_namespaces = {}
    for service, namespace in raw_namespaces.items():
        if not isinstance(namespace, str) or not namespace.strip():
            r.error(
                file,
                _line_of(raw_namespaces, service),
                f"platform.soap_namespaces.{service}",
                "the namespace must be non-empty text",
            )
            continue
        namespaces.append((str(service), namespace.strip()))
        r.namespace_lines[str(service)] = _line_of(raw_namespaces, service)
    optional_fields = node.get("soap_optional_fields") or []
    if not isinstance(optional_fields, list) or not all(
        isinstance(f, str) for f in optional_fields
    ):
        r.error(
            file,
            _line_of(node, "soap_optional_fields"),
            "platform.soap_optional_fields",
            "expected a list of field names",
        )
        optional_fields = []
    r.optional_fields_line = _line_of(node, "soap_optional_fields")
    seal = r.mapping(
        node["seal"],
        file,
        _line_of(node, "seal"),
        "seal",
        required=("default_algorithm", "algorithms", "excluded_fields"),
        # unsigned_refusals is optional so that older specs (git revisions) still load; without
        # it no unsigned answer is trusted.
        optional=("note", "unsigned_refusals"),
    )
    envs = node["environments"]
    if not isinstance(envs, dict) or not {"production", "test"} <= set(envs):
        r.error(
            file,
            _line_of(node, "environments"),
            "platform",
            "environments needs production and test",
        )
        return None
    if seal is None:
        return None
    return Platform(
        name=r.text(node, "name", file, "platform"),
        description=r.text(node, "description", file, "platform"),
        latest_interface_version=r.version(
            node, "latest_interface_version", file, "platform", V2_0
        ),
        environments=tuple((str(k), str(v).rstrip("/")) for k, v in envs.items()),
        rest_path=str(node["rest_path"]),
        soap_path=str(node["soap_path"]),
        soap_namespace=str(node["soap_namespace"]),
        default_seal_algorithm=str(seal["default_algorithm"]),
        seal_algorithms=tuple(str(a) for a in seal["algorithms"]),
        seal_excluded_fields=tuple(str(a) for a in seal["excluded_fields"]),
        unsigned_refusals=tuple(str(a) for a in seal.get("unsigned_refusals") or ()),
        envelope_fields=tuple(str(a) for a in node["envelope_fields"]),
        note=r.text(node, "note", file, "platform"),
        soap_namespaces=tuple(namespaces),
        soap_optional_fields=tuple(optional_fields),
    )


def _check_references(
    r: _Reader,
    fields: Mapping[str, FieldDef],
    containers: Mapping[str, ContainerDef],
    enums: Mapping[str, EnumDef],
) -> None:
    def check(definition: FieldDef, where: str) -> None:
        loc = definition.location
        target = definition.items or definition
        if target.enum is not None and target.enum not in enums:
            r.error(
                loc.file,
                loc.line,
                where,
                f"enum {target.enum!r} has no file enums/{target.enum}.yaml",
            )
        if target.type == "container" and target.container not in containers:
            r.error(
                loc.file,
                loc.line,
                where,
                f"container {target.container!r} has no file containers/{target.container}.yaml",
            )

    for definition in fields.values():
        check(definition, definition.name)
    for container in containers.values():
        for use in container.fields:
            check(use.field, f"{container.name}.{use.name}")


def load_spec(root: str | Path = "spec", version: str | Version | None = None) -> Spec:
    """Load and validate the spec folder; raise :class:`SpecError` listing every problem.

    With ``version``, the spec is cut down to what a client for that interface version sees.
    """
    root = Path(root)
    r = _Reader(root)
    if not (root / "platform.yaml").is_file():
        raise SpecError([f"{root}: not a spec folder (no platform.yaml)"])
    platform = _read_platform(r, root / "platform.yaml")
    r.latest = platform.latest_interface_version if platform is not None else None

    fields: dict[str, FieldDef] = {}
    fields_path = root / "fields.yaml"
    data = r.load(fields_path) if fields_path.is_file() else None
    if data is not None:
        file = r.rel(fields_path)
        if not isinstance(data, dict):
            r.error(file, 1, "fields", "expected a mapping of field name to definition")
        else:
            for name, node in data.items():
                definition = _read_field(r, name, node, file, name)
                if definition is not None:
                    fields[name] = definition

    enums: dict[str, EnumDef] = {}
    for path in sorted((root / "enums").glob("*.yaml")):
        enum = _read_enum(r, path)
        if enum is not None:
            enums[enum.name] = enum
    containers: dict[str, ContainerDef] = {}
    for path in sorted((root / "containers").glob("*.yaml")):
        container = _read_container(r, path)
        if container is not None:
            containers[container.name] = container
    _check_references(r, fields, containers, enums)

    services: list[Service] = []
    for path in sorted((root / "services").glob("*.yaml")):
        service = _read_service(r, path, fields, platform)
        if service is not None:
            services.append(service)
    if platform is not None:
        known = {service.name for service in services}
        for name, _ in platform.soap_namespaces:
            if name not in known:
                r.error(
                    r.rel(root / "platform.yaml"),
                    r.namespace_lines.get(name, 1),
                    f"platform.soap_namespaces.{name}",
                    f"no service {name!r} (services: {', '.join(sorted(known))})",
                )
        envelope = set(platform.envelope_fields)
        missing = sorted(envelope - set(fields))
        if missing:
            r.error(
                r.rel(root / "platform.yaml"),
                1,
                "envelope_fields",
                f"not in fields.yaml: {missing}",
            )
        unknown = sorted(set(platform.soap_optional_fields) - set(fields))
        if unknown:
            r.error(
                r.rel(root / "platform.yaml"),
                r.optional_fields_line,
                "soap_optional_fields",
                f"not in fields.yaml: {unknown}",
            )
    if r.problems or platform is None:
        raise SpecError(r.problems or ["platform.yaml could not be read"])

    spec = Spec(
        platform=platform,
        fields=fields,
        containers=containers,
        enums=enums,
        services=tuple(services),
        target_version=platform.latest_interface_version,
        root=str(root),
    )
    spec = replace(spec, warnings=tuple(r.warnings))
    if version is not None:
        spec = spec.at_version(_target_version(spec, version))
    return spec


def _target_version(spec: Spec, version: str | Version) -> Version:
    """``version`` as the target of a generation, or :class:`SpecError` when it is not an
    interface version, is newer than the latest, or older than every function of the spec."""
    if isinstance(version, Version):
        target = version
    else:
        try:
            target = Version.parse(str(version))
        except ValueError:
            raise SpecError(
                [f"interface version {version!r} is not a version number such as 2.53"]
            ) from None
    latest = spec.platform.latest_interface_version
    if target > latest:
        raise SpecError(
            [f"interface version {target} is newer than the latest in platform.yaml ({latest})"]
        )
    oldest = min((f.since for _, f in spec.iter_functions()), default=latest)
    if target < oldest:
        raise SpecError(
            [
                f"interface version {target} is older than every function of the spec (the "
                f"oldest dates from {oldest}): a client for it would have no function"
            ]
        )
    return target


__all__ = ["SpecError", "load_spec"]
