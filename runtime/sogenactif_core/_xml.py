"""Just enough XML for SOAP messages, with the standard library's expat and nothing else.

- :func:`parse` reads a document into small :class:`Node` trees. A document type declaration or an
  entity declaration stops the parser at once (:class:`UnsafeXML`), whatever the document's
  encoding: no entity is ever expanded, no external resource ever read (no XXE, no billion
  laughs). Depth and size are bounded.
- :func:`escape` writes text content.

Both the client's SOAP codec and the simulator use these, so they read and write the same XML.
"""

from __future__ import annotations

from typing import Any
from xml.parsers import expat

MAX_DEPTH = 64  # SOAP envelopes of the Office Server are about 6 levels deep


class XMLError(ValueError):
    """The document is not well-formed XML (or is nested too deeply)."""


class UnsafeXML(XMLError):
    """The document declares a DTD or entities: refused unread."""


class Node:
    """An element: its namespace, local name, attributes, child elements and text."""

    __slots__ = ("attributes", "children", "local", "namespace", "parts")

    def __init__(self, namespace: str, local: str, attributes: dict[str, str]) -> None:
        self.namespace = namespace
        self.local = local
        self.attributes = attributes
        self.children: list[Node] = []
        self.parts: list[str] = []

    @property
    def text(self) -> str:
        """The element's own text (the text between its children included)."""
        return "".join(self.parts)

    def child(self, local: str) -> Node | None:
        """The first child element of that local name, whatever its namespace."""
        for node in self.children:
            if node.local == local:
                return node
        return None

    def __repr__(self) -> str:
        return f"<Node {{{self.namespace}}}{self.local} children={len(self.children)}>"


def _split(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(" ")
    return namespace, local


class _Builder:
    __slots__ = ("root", "stack")

    def __init__(self) -> None:
        self.stack: list[Node] = []
        self.root: Node | None = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")  # _split, inlined: once per element
        node = Node(namespace, local, attributes)
        stack = self.stack
        if stack:
            stack[-1].children.append(node)
            if len(stack) >= MAX_DEPTH:
                raise XMLError(f"elements nested more than {MAX_DEPTH} deep")
        elif self.root is None:
            self.root = node
        stack.append(node)

    def end(self, name: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(text)


def _refuse(*args: Any) -> None:
    raise UnsafeXML("a document type or entity declaration")


def _refuse_reference(
    context: str, base: str | None, system_id: str | None, public_id: str | None
) -> int:
    raise UnsafeXML("an external entity reference")


def parse(document: bytes) -> Node:
    """The root element of ``document``; :class:`UnsafeXML` or :class:`XMLError` otherwise.

    The messages name what is wrong and where (line and column), never the document's content.
    """
    builder = _Builder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.ordered_attributes = False
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse_reference
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    problem = ""
    try:
        parser.Parse(document, True)
    except expat.ExpatError as exc:
        problem = f"{expat.ErrorString(exc.code)} at line {exc.lineno}, column {exc.offset}"
    if problem:  # raised outside the except block: expat's error is not kept as context
        raise XMLError(problem)
    if builder.root is None:
        raise XMLError("no element")
    return builder.root


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


def render(node: Node) -> str:
    """A node back as XML text without namespaces (for messages such as a fault's detail)."""
    inner = escape(node.text) + "".join(render(child) for child in node.children)
    return f"<{node.local}>{inner}</{node.local}>"
