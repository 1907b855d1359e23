"""The typed model of one Sogenactif data-dictionary page, as the parser reads it.

Every element keeps the line of the page it was read from, so that every message can say
``page:line``. Nothing here knows YAML or the spec: the model says what the page prints, after
the few readings the page format itself calls for (``Empty`` is the empty value, a
``paymentMeanBrandType:`` suffix is an attribute of a value, bullets and wrapped lines are one
text). What the spec makes of it is ``merge.py``'s business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..spec import Version

Direction = Literal["request", "response"]
DIRECTIONS: tuple[Direction, ...] = ("request", "response")
Level = Literal["error", "warning", "conflict", "kept", "review", "info"]
# What each level does to the exit code of ``python -m generator import`` (see docs/import.md).
LEVELS: tuple[Level, ...] = ("error", "warning", "conflict", "kept", "review", "info")


@dataclass(frozen=True)
class Message:
    """Something to tell the maintainer about one place of a page."""

    level: Level
    page: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.level}: {self.text}"


class PageError(Exception):
    """A page that cannot be read; ``messages`` name each ``page:line``."""

    def __init__(self, messages: list[Message]) -> None:
        self.messages = messages
        super().__init__("\n".join(str(m) for m in messages))


@dataclass(frozen=True)
class PageValue:
    """One item of a field's "List of values"."""

    value: str  # "" where the page prints Empty
    description: str  # without the attribute suffixes
    attributes: tuple[tuple[str, str], ...]  # (label as printed, value), e.g. paymentMeanBrandType
    line: int
    description_line: int


@dataclass(frozen=True)
class FieldBlock:
    """One field of the Required / Optional / Conditional lists of the request or response."""

    name: str
    direction: Direction
    line: int
    group: str  # the list it is printed under: required, optional or conditional
    presence: str  # as its "presence" line says, lower case
    presence_line: int
    version: Version | None  # its "Interface version" line
    version_line: int
    description: str
    description_line: int
    values: tuple[PageValue, ...] = ()
    values_line: int = 0  # the "List of values" line, 0 when the field has none


@dataclass(frozen=True)
class Endpoint:
    kind: Literal["rest", "wsdl"]
    environment: str  # production | test
    label: str  # as printed: PROD, TEST
    url: str
    method: str
    line: int


@dataclass(frozen=True)
class SampleEntry:
    """A field a sample shows, with the shape of its value."""

    name: str
    line: int
    shape: Literal["text", "number", "list", "object"]
    item_shape: Literal["text", "number", "list", "object", ""] = ""  # for lists
    members: tuple[str, ...] = ()  # the names inside an object (or inside list items)


@dataclass(frozen=True)
class Sample:
    """A JSON or SOAP sample of the request or the response."""

    kind: Literal["json", "soap"]
    direction: Direction
    line: int
    text: str
    entries: tuple[SampleEntry, ...]
    root: str = ""  # SOAP: the element the body starts with, e.g. paymentTokenGenerate
    namespace: str = ""  # SOAP: the xmlns the root declares, if any


@dataclass(frozen=True)
class ChangelogRow:
    version: Version
    field: str
    directions: tuple[Direction, ...]
    container: str  # "" for a field of the function itself
    line: int


@dataclass(frozen=True)
class Page:
    path: str  # as given on the command line: how messages name the page
    function: str
    function_line: int
    description: str
    description_line: int
    release: str = ""
    recommended_prefix: str = ""  # TR_WS_
    recommended_version: Version | None = None
    recommended_line: int = 0
    endpoints: tuple[Endpoint, ...] = ()
    fields: tuple[FieldBlock, ...] = ()
    samples: tuple[Sample, ...] = ()
    changelog: tuple[ChangelogRow, ...] = ()
    changelog_line: int = 0

    def blocks(self, direction: Direction) -> tuple[FieldBlock, ...]:
        return tuple(b for b in self.fields if b.direction == direction)

    def block(self, direction: Direction, name: str) -> FieldBlock | None:
        for b in self.fields:
            if b.direction == direction and b.name == name:
                return b
        return None

    def sample(self, direction: Direction, kind: str) -> Sample | None:
        for s in self.samples:
            if s.direction == direction and s.kind == kind:
                return s
        return None


__all__ = [
    "DIRECTIONS",
    "LEVELS",
    "ChangelogRow",
    "Direction",
    "Endpoint",
    "FieldBlock",
    "Level",
    "Message",
    "Page",
    "PageError",
    "PageValue",
    "Sample",
    "SampleEntry",
]
