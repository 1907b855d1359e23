"""Read a Sogenactif data-dictionary page saved as text into a :class:`~.page.Page`.

The format is the one of ``shared/reference/sogenactif-data-dictionary-paymentTokenGenerate.txt``
(the page as a browser saves it as text): a header (release, function name, description,
``Recommended interfaceVersion: TR_WS_2.53``), the endpoints (``• PROD`` / ``• TEST`` bullets,
each with its URL and method), the request fields under ``Required`` / ``Optional`` /
``Conditional`` headings, ``Request sample`` (JSON, then SOAP), the response fields under the same
headings, ``Response sample``, a ``Changelog`` table and the site's cookie banner.

A field block::

      • paymentMeanBrand
        presence
        Optional
        Interface version
        2.0

        Name of the payment method that is used. It is related to one paymentMeanType.

        List of values
        1EUROCOM
        Cofidis Pay 5x10x20x Acquisition contract: ONLINE_CREDIT
        ...

In a "List of values", a value is a line holding one token (no space); the line after it always
starts its description, which runs until the next token line (so a one-word description such as
``Obsolete`` is read right, and a description may run over several lines or hold a nested bullet
list: bullets are joined with " / "). ``Empty`` is the empty value. A trailing
``paymentMeanBrandType: CARD`` (or ``Acquisition contract: …``) is an attribute of the value, not
part of its description; an empty one (``paymentMeanBrandType:``) says the page gives none.

Errors (the page cannot be read) raise :class:`~.page.PageError`; what the page says that looks
wrong but can be read is returned as warnings. Every message names ``page:line``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ..spec import Version
from .page import (
    ChangelogRow,
    Direction,
    Endpoint,
    FieldBlock,
    Level,
    Message,
    Page,
    PageError,
    PageValue,
    Sample,
    SampleEntry,
)

BULLETS = ("•", "◦", "▪", "‣", "○")
GROUPS = ("required", "optional", "conditional")
# How the page names the environments of its endpoints.
ENVIRONMENTS = {"PROD": "production", "PRODUCTION": "production", "TEST": "test"}
# Suffixes of value descriptions that are attributes of the value: (label as printed).
ATTRIBUTE_LABELS = ("paymentMeanBrandType", "Acquisition contract")
# The site's own lines around the page's content.
BOILERPLATE = (
    "logo sogenactif",
    "go directly to content",
    "search by keywords",
    "to search in the page use ctrl+f",
)
TRAILER = "this site uses trackers"
SECTION_MARKERS = ("request sample", "response sample", "changelog", "request", "response")

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_IDENT = re.compile(r"^[a-z][A-Za-z0-9]*$")
_VALUE_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+/-]*$")
_RELEASE = re.compile(r"^Release\s+(\S+)$")
_RECOMMENDED = re.compile(
    r"^Recommended interfaceVersion\s*:\s*(?P<prefix>[A-Z]+_[A-Z]+_)?(?P<version>\d+(?:\.\d+)+)$"
)
_ROW = re.compile(
    r"^(?P<version>\d+(?:\.\d+)+)\s+(?P<field>[A-Za-z][A-Za-z0-9]*)\s+"
    r"(?P<att>Request\s*/\s*Response|Response\s*/\s*Request|Request|Response)"
    r"(?:\s+(?P<container>\S.*?))?\s*$"
)
_ATTRIBUTE = re.compile(
    r"^(?P<rest>.*?)\s*(?P<label>"
    + "|".join(re.escape(label) for label in ATTRIBUTE_LABELS)
    + r")\s*:\s*(?P<value>[A-Z0-9][A-Z0-9_]*)?$"
)
_TAG = re.compile(r"<(?P<close>/?)(?P<name>[A-Za-z_][\w.:-]*)(?P<attrs>[^<>]*?)(?P<empty>/?)>")
_XML_SKIP = re.compile(r"<!--.*?-->|<\?.*?\?>", re.S)
_XMLNS = re.compile(r"""\bxmlns(?::[\w.-]+)?\s*=\s*["']([^"']*)["']""")


@dataclass(frozen=True)
class _Line:
    no: int  # 1-based line number in the page
    text: str  # stripped, with spaces normalised (non-breaking spaces are spaces)
    raw: str


def _normalise(raw: str) -> str:
    return _SPACES.sub(" ", _INVISIBLE.sub("", raw)).strip()


def join_text(lines: list[_Line]) -> str:
    """The text of wrapped lines and paragraphs as one line; bullets joined with " / "."""
    intro: list[str] = []
    items: list[list[str]] = []
    for line in lines:
        text = line.text
        if not text:
            continue
        if text[0] in BULLETS:
            items.append([text[1:].strip()])
        elif items:
            items[-1].append(text)
        else:
            intro.append(text)
    parts = [" ".join(intro)] if intro else []
    if items:
        parts.append(" / ".join(" ".join(item) for item in items))
    return _normalise(" ".join(parts))


def split_attributes(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``"Visa card paymentMeanBrandType: CARD"`` → ``("Visa card", (("paymentMeanBrandType",
    "CARD"),))``; several suffixes are read right to left and returned in page order."""
    attributes: list[tuple[str, str]] = []
    while True:
        match = _ATTRIBUTE.match(text)
        if match is None:
            break
        attributes.insert(0, (match.group("label"), match.group("value") or ""))
        text = match.group("rest")
    return text.strip(), tuple(attributes)


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines: list[_Line] = []
        for no, raw in enumerate(text.splitlines(), start=1):
            line = _Line(no, _normalise(raw), raw.replace("\t", "    "))
            if line.text.lower().startswith(TRAILER):
                break  # the cookie banner and what follows it are the site's, not the page's
            self.lines.append(line)
        self.messages: list[Message] = []

    # ----------------------------------------------------------------- messages

    def say(self, level: Level, line: int, text: str) -> None:
        self.messages.append(Message(level, self.path, line, text))

    # ----------------------------------------------------------------- line helpers

    def text(self, i: int) -> str:
        return self.lines[i].text if 0 <= i < len(self.lines) else ""

    def next_filled(self, i: int) -> int:
        """The index of the first non-blank line at or after ``i`` (len(lines) if none)."""
        while i < len(self.lines) and not self.lines[i].text:
            i += 1
        return i

    def previous_filled(self, i: int) -> int:
        i -= 1
        while i >= 0 and not self.lines[i].text:
            i -= 1
        return i

    def is_group(self, i: int) -> bool:
        text = self.text(i)
        return (
            text.lower() in GROUPS
            and text[:1].isupper()
            and self.text(self.previous_filled(i)).lower() != "presence"
        )

    def is_marker(self, i: int) -> bool:
        return self.text(i).lower() in SECTION_MARKERS

    def is_field(self, i: int) -> bool:
        text = self.text(i)
        if not text or text[0] not in BULLETS or not _IDENT.match(text[1:].strip()):
            return False
        return self.text(self.next_filled(i + 1)).lower() in ("presence", "interface version")

    def ends_block(self, i: int) -> bool:
        return i >= len(self.lines) or self.is_field(i) or self.is_group(i) or self.is_marker(i)

    # ----------------------------------------------------------------- the page

    def parse(self) -> Page:
        title = next((i for i, ln in enumerate(self.lines) if _IDENT.match(ln.text)), None)
        if title is None:
            self.say("error", 1, "no function name: no line holds only a camelCase name")
            raise PageError(self.messages)
        release = ""
        for line in self.lines[:title]:
            match = _RELEASE.match(line.text)
            if match:
                release = match.group(1)
        body = next(
            (i for i in range(title + 1, len(self.lines)) if self.is_group(i) or self.is_field(i)),
            len(self.lines),
        )
        description: list[_Line] = []
        recommended: tuple[str, Version, int] | None = None
        endpoints: list[Endpoint] = []
        i = title + 1
        while i < body:
            line = self.lines[i]
            match = _RECOMMENDED.match(line.text)
            if not line.text or line.text.lower().startswith(BOILERPLATE):
                i += 1
            elif match:
                version = Version.parse(match.group("version"))
                recommended = (match.group("prefix") or "", version, line.no)
                i += 1
            elif line.text[0] in BULLETS:
                i = self.endpoint(i, body, endpoints)
            elif endpoints or recommended:
                self.say("warning", line.no, f"text after the endpoints ignored: {line.text!r}")
                i += 1
            else:
                description.append(line)
                i += 1
        if not description:
            self.say("error", self.lines[title].no, "the function has no description")
        fields, samples, changelog, changelog_line = self.body(body)
        if not fields:
            self.say("error", self.lines[title].no, "no field block (• name / presence / …)")
        if any(m.level == "error" for m in self.messages):
            raise PageError(self.messages)
        return Page(
            path=self.path,
            function=self.lines[title].text,
            function_line=self.lines[title].no,
            description=join_text(description),
            description_line=description[0].no,
            release=release,
            recommended_prefix=recommended[0] if recommended else "",
            recommended_version=recommended[1] if recommended else None,
            recommended_line=recommended[2] if recommended else 0,
            endpoints=tuple(endpoints),
            fields=tuple(fields),
            samples=tuple(samples),
            changelog=tuple(changelog),
            changelog_line=changelog_line,
        )

    def endpoint(self, i: int, end: int, endpoints: list[Endpoint]) -> int:
        """``• PROD`` / URL / ``method`` / ``POST``: one endpoint; returns the next index."""
        line = self.lines[i]
        label = line.text[1:].strip()
        environment = ENVIRONMENTS.get(label.upper())
        j = self.next_filled(i + 1)
        url = self.text(j)
        if environment is None or not url.startswith(("http://", "https://")):
            self.say(
                "warning", line.no, f"not an endpoint (• PROD or • TEST, then a URL): {label!r}"
            )
            return i + 1
        method = ""
        k = self.next_filled(j + 1)
        if k < end and self.text(k).lower() == "method":
            m = self.next_filled(k + 1)
            method, k = self.text(m), m + 1
        kind: Literal["rest", "wsdl"] = "wsdl" if url.lower().endswith("?wsdl") else "rest"
        endpoints.append(Endpoint(kind, environment, label, url, method, line.no))
        return k

    def body(self, i: int) -> tuple[list[FieldBlock], list[Sample], list[ChangelogRow], int]:
        direction: Direction = "request"
        group, rank = "", -1
        sampled = False  # a "Request sample" was read: what follows is the response
        fields: list[FieldBlock] = []
        samples: list[Sample] = []
        changelog: list[ChangelogRow] = []
        changelog_line = 0
        while i < len(self.lines):
            line = self.lines[i]
            low = line.text.lower()
            if not low:
                i += 1
            elif low in ("request sample", "response sample"):
                which: Direction = "request" if low.startswith("request") else "response"
                i = self.samples(i, which, samples)
                if which == "request":
                    direction, group, rank, sampled = "response", "", -1, True
            elif low == "changelog":
                changelog_line = line.no
                i = self.changelog(i, changelog)
            elif low in ("request", "response"):
                direction, group, rank = "request" if low == "request" else "response", "", -1
                sampled = True
                i += 1
            elif self.is_group(i):
                new_rank = GROUPS.index(low)
                if direction == "request" and group and new_rank <= rank and not sampled:
                    self.say(
                        "info",
                        line.no,
                        f"a second {line.text!r} list and no 'Request sample' before it: "
                        "read as the response's",
                    )
                    direction, sampled = "response", True
                group, rank = low, new_rank
                i += 1
            elif self.is_field(i):
                i = self.field(i, direction, group, fields)
            else:
                self.say("warning", line.no, f"text not understood, ignored: {line.text!r}")
                i += 1
        return fields, samples, changelog, changelog_line

    # ----------------------------------------------------------------- field blocks

    def field(self, i: int, direction: Direction, group: str, out: list[FieldBlock]) -> int:
        start = self.lines[i]
        name = start.text[1:].strip()
        presence, presence_line = "", 0
        version: Version | None = None
        version_line = 0
        j = i + 1
        while True:
            j = self.next_filled(j)
            key = self.text(j).lower()
            if key not in ("presence", "interface version"):
                break
            v = self.next_filled(j + 1)
            value_line = self.lines[v] if v < len(self.lines) else self.lines[j]
            if key == "presence":
                presence, presence_line = value_line.text.lower(), value_line.no
                if presence not in GROUPS:
                    self.say(
                        "error",
                        value_line.no,
                        f"{name}: presence {value_line.text!r} is not Required, Optional or "
                        "Conditional",
                    )
            else:
                version_line = value_line.no
                try:
                    version = Version.parse(value_line.text)
                except ValueError:
                    self.say(
                        "error",
                        value_line.no,
                        f"{name}: interface version {value_line.text!r} is not like 2.53",
                    )
            j = v + 1
        if not presence:
            self.say("error", start.no, f"{name}: no 'presence' line")
            presence = group or "optional"
            presence_line = start.no
        if not group:
            self.say("warning", start.no, f"{name}: not under a Required/Optional/Conditional list")
        elif group != presence:
            self.say(
                "warning",
                presence_line,
                f"{name} is listed under {group.capitalize()} but its presence says "
                f"{presence.capitalize()} (the presence line is taken)",
            )
        description: list[_Line] = []
        values: tuple[PageValue, ...] = ()
        values_line = 0
        while not self.ends_block(j):
            line = self.lines[j]
            if line.text.lower() == "list of values":
                values_line = line.no
                values, j = self.values(j + 1, name)
                break
            description.append(line)
            j += 1
        twice = [b for b in out if b.name == name and b.direction == direction]
        if twice:
            self.say(
                "warning",
                start.no,
                f"{name} is printed twice in the {direction} (also line {twice[0].line}): "
                "this block is ignored",
            )
            return j
        out.append(
            FieldBlock(
                name=name,
                direction=direction,
                line=start.no,
                group=group or presence,
                presence=presence,
                presence_line=presence_line,
                version=version,
                version_line=version_line or start.no,
                description=join_text(description),
                description_line=description[0].no if description else start.no,
                values=values,
                values_line=values_line,
            )
        )
        return j

    def values(self, j: int, name: str) -> tuple[tuple[PageValue, ...], int]:
        items: list[tuple[_Line, list[_Line]]] = []
        expecting = False  # the line after a value always starts its description
        while not self.ends_block(j):
            line = self.lines[j]
            j += 1
            if not line.text:
                continue
            token = bool(_VALUE_TOKEN.match(line.text)) and line.text[0] not in BULLETS
            if items and (expecting or not token):
                items[-1][1].append(line)
                expecting = False
            elif token:
                items.append((line, []))
                expecting = True
            else:
                self.say("warning", line.no, f"{name}: a value was expected, not {line.text!r}")
        values: list[PageValue] = []
        seen: set[str] = set()
        for value_line, lines in items:
            value = "" if value_line.text == "Empty" else value_line.text
            if value in seen:
                self.say("warning", value_line.no, f"{name}: value {value_line.text} listed twice")
                continue
            seen.add(value)
            text, attributes = split_attributes(join_text(lines))
            values.append(
                PageValue(
                    value=value,
                    description=text,
                    attributes=attributes,
                    line=value_line.no,
                    description_line=lines[0].no if lines else value_line.no,
                )
            )
        return tuple(values), j

    # ----------------------------------------------------------------- samples

    def samples(self, i: int, direction: Direction, out: list[Sample]) -> int:
        i += 1
        while True:
            i = self.next_filled(i)
            text = self.text(i)
            if text.startswith(("{", "[")):
                i = self.json_sample(i, direction, out)
            elif text.startswith("<"):
                i = self.soap_sample(i, direction, out)
            else:
                return i

    def json_sample(self, i: int, direction: Direction, out: list[Sample]) -> int:
        start = self.lines[i].no
        depth, in_string, escaped = 0, False, False
        raw: list[str] = []
        while i < len(self.lines):
            raw.append(self.lines[i].raw)
            for char in self.lines[i].raw:
                if in_string:
                    if escaped:
                        escaped = False
                    elif char == "\\":
                        escaped = True
                    elif char == '"':
                        in_string = False
                elif char == '"':
                    in_string, escaped = True, False
                elif char in "{[":
                    depth += 1
                elif char in "}]":
                    depth -= 1
            i += 1
            if depth <= 0:
                break
        text = "\n".join(raw)
        lenient = re.sub(r",(\s*[}\]])", r"\1", text)
        entries: tuple[SampleEntry, ...] = ()
        try:
            data = json.loads(lenient)
        except ValueError as exc:
            line = start + getattr(exc, "lineno", 1) - 1
            self.say(
                "warning", line, f"the JSON {direction} sample is not JSON ({exc}): not checked"
            )
        else:
            if lenient != text:
                self.say(
                    "info", start, f"the JSON {direction} sample has a trailing comma (read anyway)"
                )
            if isinstance(data, dict):
                entries = tuple(
                    _json_entry(key, value, start + _line_of_key(raw, key))
                    for key, value in data.items()
                )
            else:
                self.say("warning", start, f"the JSON {direction} sample is not an object")
        out.append(Sample("json", direction, start, text, entries))
        return i

    def soap_sample(self, i: int, direction: Direction, out: list[Sample]) -> int:
        start = self.lines[i].no
        raw: list[str] = []
        depth, opened = 0, False
        stack: list[_Element] = []
        roots: list[_Element] = []
        while i < len(self.lines):
            line = self.lines[i]
            raw.append(line.raw)
            i += 1
            for match in _TAG.finditer(_XML_SKIP.sub("", line.raw)):
                local = match.group("name").split(":")[-1]
                if match.group("close"):
                    depth -= 1
                    if stack and stack[-1].name == local:
                        stack.pop()
                    continue
                element = _Element(local, line.no, match.group("attrs"), [])
                (stack[-1].children if stack else roots).append(element)
                opened = True
                if not match.group("empty"):
                    depth += 1
                    stack.append(element)
            if opened and depth <= 0:
                break
        if depth > 0:
            self.say("warning", start, f"the SOAP {direction} sample does not close every element")
        root = _body_root(roots)
        entries: tuple[SampleEntry, ...] = ()
        namespace = ""
        if root is not None:
            declared = _XMLNS.search(root.attrs)
            namespace = declared.group(1) if declared else ""
            holder = root
            if len(root.children) == 1 and root.children[0].name in ("input", "output"):
                holder = root.children[0]
            entries = tuple(_soap_entry(child) for child in holder.children)
        out.append(
            Sample(
                "soap",
                direction,
                start,
                "\n".join(raw),
                entries,
                root.name if root else "",
                namespace,
            )
        )
        return i

    # ----------------------------------------------------------------- changelog

    def changelog(self, i: int, out: list[ChangelogRow]) -> int:
        i = self.next_filled(i + 1)
        if self.text(i).lower().startswith("interface version"):
            i += 1
        while i < len(self.lines):
            line = self.lines[i]
            if not line.text:
                i += 1
                continue
            match = _ROW.match(line.text)
            if match is None:
                if re.match(r"^\d+(\.\d+)+\s", line.text):
                    self.say("warning", line.no, f"changelog row not understood: {line.text!r}")
                    i += 1
                    continue
                return i
            attendance = re.sub(r"\s", "", match.group("att")).lower()
            directions: tuple[Direction, ...] = (
                ("request", "response")
                if "/" in attendance
                else ("request",)
                if attendance == "request"
                else ("response",)
            )
            out.append(
                ChangelogRow(
                    version=Version.parse(match.group("version")),
                    field=match.group("field"),
                    directions=directions,
                    container=(match.group("container") or "").strip(),
                    line=line.no,
                )
            )
            i += 1
        return i


@dataclass
class _Element:
    name: str
    line: int
    attrs: str
    children: list[_Element]


def _body_root(roots: list[_Element]) -> _Element | None:
    """The function element of a SOAP sample, under an Envelope and Body if they are shown."""
    node = roots[0] if roots else None
    while node is not None and node.name in ("Envelope", "Body", "Header"):
        body = [c for c in node.children if c.name == "Body"]
        node = body[0] if body else (node.children[0] if node.children else None)
    return node


def _soap_entry(element: _Element) -> SampleEntry:
    if not element.children:
        return SampleEntry(element.name, element.line, "text")
    if element.name.endswith("List"):
        grand = _unique(m.name for c in element.children for m in c.children)
        item_shape: Literal["text", "object"] = (
            "object" if any(c.children for c in element.children) else "text"
        )
        return SampleEntry(element.name, element.line, "list", item_shape, grand)
    members = _unique(c.name for c in element.children)
    return SampleEntry(element.name, element.line, "object", "", members)


def _json_shape(value: object) -> Literal["text", "number", "list", "object"]:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "number"
    return "text"


def _json_entry(key: str, value: object, line: int) -> SampleEntry:
    shape = _json_shape(value)
    if isinstance(value, list):
        item_shape = _json_shape(value[0]) if value else ""
        members = _unique(k for item in value if isinstance(item, dict) for k in item)
        return SampleEntry(key, line, shape, item_shape, members)
    if isinstance(value, dict):
        return SampleEntry(key, line, shape, "", _unique(value))
    return SampleEntry(key, line, shape)


def _unique(names: Iterator[str] | list[str] | dict[str, object]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _line_of_key(raw: list[str], key: str) -> int:
    """The offset (0-based) of the first sample line that names ``key``."""
    needle = json.dumps(key)
    for offset, text in enumerate(raw):
        if needle in text:
            return offset
    return 0


def parse_page(text: str, path: str) -> tuple[Page, list[Message]]:
    """Read one page: (the page, its warnings and notices). Raises PageError when unreadable."""
    parser = _Parser(text, path)
    page = parser.parse()
    return page, parser.messages


def read_page(path: str) -> tuple[Page, list[Message]]:
    """Read the page file at ``path`` (UTF-8 text); PageError if it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise PageError([Message("error", path, 0, f"cannot read the page: {exc}")]) from exc
    return parse_page(text, path)


__all__ = ["ATTRIBUTE_LABELS", "join_text", "parse_page", "read_page", "split_attributes"]
