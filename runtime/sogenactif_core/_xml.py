"""Just enough XML for SOAP messages, with the standard library and nothing else.

- :func:`parse` reads a document into an ``xml.etree.ElementTree`` tree (C elements; read them
  with :func:`local`, :func:`namespace`, :func:`text` and :func:`child`). A document type
  declaration or an entity declaration is refused (:class:`UnsafeXML`), whatever the document's
  encoding: no entity is ever expanded, no external resource ever read (no XXE, no billion
  laughs). Depth is bounded (:data:`MAX_DEPTH`).
- :func:`escape` writes text content.

Two ways of parsing, with the same expat underneath and the same tree out:

- a **plain** document (most: UTF-8 or ASCII, and no ``<!`` anywhere, so no DOCTYPE, ENTITY,
  comment or CDATA) is read by ElementTree's C parser in one go; with nothing declared, the only
  entities it can meet are XML's five and character references, and any other is an error;
- any other document goes through expat with handlers that refuse a DTD or an entity
  declaration the moment it starts, and stop past :data:`MAX_DEPTH`.

Performance (issue 16): the C parser reads a cardOrder answer in about half the time of expat's
Python handlers.

Both the client's SOAP codec and the simulator use these, so they read and write the same XML.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLParser
from xml.parsers import expat

MAX_DEPTH = 64  # SOAP envelopes of the Office Server are about 6 levels deep

Node = Element  # what parse returns: C elements, tags written "{namespace}local"


class XMLError(ValueError):
    """The document is not well-formed XML (or is nested too deeply)."""


class UnsafeXML(XMLError):
    """The document declares a DTD or entities: refused unread."""


def local(node: Element) -> str:
    """The element's name without its namespace."""
    return node.tag.rpartition("}")[2]


def namespace(node: Element) -> str:
    """The element's namespace URI ("" for none)."""
    tag = node.tag
    return tag[1:].partition("}")[0] if tag[:1] == "{" else ""


def text(node: Element) -> str:
    """The element's own text (the text between its children included)."""
    own = node.text or ""
    return own + "".join(c.tail or "" for c in node) if len(node) else own


def child(node: Element, name: str) -> Element | None:
    """The first child element of that local name, whatever its namespace."""
    for element in node:
        if element.tag.rpartition("}")[2] == name:
            return element
    return None


# The encodings in which "<!" is always those two bytes (expat's own UTF-8 and US-ASCII): the
# declared one, if any; a document without a declaration starts with "<" (or UTF-8's BOM).
_DECLARED = re.compile(rb"<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]*)[\"']")
_PLAIN_ENCODINGS = frozenset({b"utf-8", b"utf8", b"us-ascii", b"ascii"})


def _plain(document: bytes) -> bool:
    if b"<!" in document:
        return False
    start = document[3:5] if document[:3] == b"\xef\xbb\xbf" else document[:2]
    if start[:1] != b"<" or start[1:] == b"\x00":
        return False  # UTF-16 or -32 (a BOM, or "<" then NUL), or text before the root
    if document.startswith(b"<?xml", 3 if document[:1] == b"\xef" else 0):
        declared = _DECLARED.match(document, 3 if document[:1] == b"\xef" else 0)
        if declared is not None and declared.group(1).lower() not in _PLAIN_ENCODINGS:
            return False
    return True


def parse(document: bytes) -> Element:
    """The root element of ``document``; :class:`UnsafeXML` or :class:`XMLError` otherwise.

    The messages name what is wrong and where (line and column), never the document's content.
    """
    if not _plain(document):
        return _parse_guarded(document)
    # Nothing declared, nothing to expand (see _plain): what defusedxml guards against cannot
    # be in it.
    parser = XMLParser()  # noqa: S314
    problem = ""
    try:
        parser.feed(document)
        root: Element = parser.close()
    except ParseError as exc:
        line, column = exc.position
        problem = f"{expat.ErrorString(exc.code)} at line {line}, column {column}"
    if problem:  # raised outside the except block: the parser's error is not kept as context
        raise XMLError(problem)
    # An element holds at least one "<": only a document with more elements than MAX_DEPTH can
    # be nested deeper, and only then is the depth measured.
    if document.count(b"<") - document.count(b"</") > MAX_DEPTH:
        _check_depth(root)
    return root


def _check_depth(root: Element) -> None:
    level = [root]
    for _ in range(MAX_DEPTH - 1):
        level = [c for node in level for c in node]
        if not level:
            return
    if any(len(node) for node in level):
        raise XMLError(f"elements nested more than {MAX_DEPTH} deep")


class _Guard:
    """expat's handlers for a document that may declare things: into ElementTree's builder,
    refusing declarations and depth past MAX_DEPTH."""

    __slots__ = ("builder", "depth")

    def __init__(self) -> None:
        self.builder = TreeBuilder()
        self.depth = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise XMLError(f"elements nested more than {MAX_DEPTH} deep")
        self.builder.start(_tag(name), {_tag(k): v for k, v in attributes.items()})

    def end(self, name: str) -> None:
        self.depth -= 1
        self.builder.end(_tag(name))


def _tag(name: str) -> str:
    namespace, _, local = name.rpartition(" ")
    return f"{{{namespace}}}{local}" if namespace else local


def _refuse(*args: Any) -> None:
    raise UnsafeXML("a document type or entity declaration")


def _refuse_reference(
    context: str, base: str | None, system_id: str | None, public_id: str | None
) -> int:
    raise UnsafeXML("an external entity reference")


def _parse_guarded(document: bytes) -> Element:
    guard = _Guard()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.ordered_attributes = False
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse_reference
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = guard.start
    parser.EndElementHandler = guard.end
    parser.CharacterDataHandler = guard.builder.data
    problem = ""
    try:
        parser.Parse(document, True)
    except expat.ExpatError as exc:
        problem = f"{expat.ErrorString(exc.code)} at line {exc.lineno}, column {exc.offset}"
    if problem:  # raised outside the except block: expat's error is not kept as context
        raise XMLError(problem)
    root: Element | None = guard.builder.close()
    if root is None:
        raise XMLError("no element")
    return root


def escape(text: str) -> str:
    """``text`` as element content (``&``, ``<`` and ``>`` escaped)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def render(node: Element) -> str:
    """A node back as XML text without namespaces (for messages such as a fault's detail)."""
    name = local(node)
    inner = escape(node.text or "") + "".join(render(c) + escape(c.tail or "") for c in node)
    return f"<{name}>{inner}</{name}>"
