"""Targeted edits of a YAML text that keep everything they do not change.

Each edit finds its place with PyYAML's composer (the node tree, with the character offset of
every node), replaces or inserts the fewest characters it can, and leaves the rest of the file
byte for byte as it was: comments, key order, quoting and wrapping of other values, blank lines.
An edited value keeps its style where it can (a double-quoted value stays double-quoted, a folded
``>-`` text stays folded); every text written is checked to read back as the same value.

A path names a node from the document's root: mapping keys (str) and sequence indexes (int).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import yaml

Path = tuple[str | int, ...]
WIDTH = 100  # the line width texts are wrapped at
# libyaml's loader when PyYAML has it: the same nodes and marks (offsets in characters), faster.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class EditError(Exception):
    """An edit that cannot be made (a missing node, a value that cannot be written)."""


# --------------------------------------------------------------------------- scalars


def _reads_back(snippet: str, value: str) -> bool:
    try:
        loaded = yaml.safe_load(snippet)
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and loaded.get("k") == value


def _double(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _plain_ok(value: str, flow: bool) -> bool:
    if not value or value != value.strip() or "\n" in value:
        return False
    if flow and any(c in value for c in ",[]{}"):
        return False
    snippet = "{k: " + value + "}" if flow else "k: " + value
    return _reads_back(snippet, value)


def _folded(value: str, indent: int) -> str | None:
    if not value or value != value.strip() or "\n" in value or "  " in value:
        return None
    lines: list[str] = []
    current = ""
    for word in value.split(" "):
        if current and indent + len(current) + 1 + len(word) > WIDTH:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    text = ">-\n" + "\n".join(" " * indent + line for line in lines)
    return text if _reads_back("k: " + text, value) else None


def render_scalar(
    value: str,
    *,
    flow: bool,
    style: str | None = None,
    indent: int = 2,
    column: int = 0,
    wrap: bool = True,
) -> str:
    """``value`` as YAML text: in ``style`` ('"', "'", '>', '|' or None for plain) when possible.

    ``column`` is where the text starts on its line (a plain or quoted text that would pass
    ``WIDTH`` is folded in block context, unless not ``wrap``); ``indent`` is the indentation of a
    folded text's lines.
    """
    if style == "'":
        text = "'" + value.replace("'", "''") + "'"
        if "\n" not in value and _reads_back("{k: " + text + "}" if flow else "k: " + text, value):
            return text
        style = '"'
    if style == '"':
        return _double(value)
    fits = not wrap or column + len(value) <= WIDTH
    if not flow and (style in (">", "|") or not fits):
        folded = _folded(value, indent)
        if folded is not None:
            return folded
    if _plain_ok(value, flow):
        return value
    return _double(value)


def render_version(value: str) -> str:
    return _double(value)


def render_flow_mapping(items: Sequence[tuple[str, str]]) -> str:
    """``{k: v, …}`` from already rendered values."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"


# --------------------------------------------------------------------------- the document


class Document:
    """A YAML text and the edits made to it."""

    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self._text = text
        self._root: yaml.Node | None = None  # the text's node tree, once composed
        self._data: object = None  # the text's loaded value, once loaded
        self._loaded = False

    @property
    def text(self) -> str:
        return self._text

    @text.setter
    def text(self, text: str) -> None:
        self._text, self._root, self._data, self._loaded = text, None, None, False

    # ----------------------------------------------------------------- reading

    def root(self) -> yaml.Node:
        if self._root is not None:
            return self._root
        try:
            node = yaml.compose(self._text, Loader=_LOADER)
        except yaml.YAMLError as exc:
            raise EditError(f"{self.name}: not YAML after an edit: {exc}") from exc
        if node is None:
            raise EditError(f"{self.name}: empty document")
        self._root = node
        return node

    def node(self, path: Path) -> yaml.Node:
        node = self.root()
        for step in path:
            found = _child(node, step)
            if found is None:
                raise EditError(f"{self.name}: no {'.'.join(map(str, path))}")
            node = found
        return node

    def find(self, path: Path) -> yaml.Node | None:
        try:
            return self.node(path)
        except EditError:
            return None

    def data(self, path: Path) -> object:
        """The loaded value at ``path``."""
        if not self._loaded:
            self._data = yaml.load(self._text, Loader=_LOADER)  # noqa: S506 - a safe loader
            self._loaded = True
        value = self._data
        for step in path:
            if isinstance(value, dict) and isinstance(step, str):
                value = value[step]
            elif isinstance(value, list) and isinstance(step, int):
                value = value[step]
            else:
                raise EditError(f"{self.name}: no {'.'.join(map(str, path))}")
        return value

    def keys(self, path: Path) -> list[str]:
        node = self.node(path)
        if not isinstance(node, yaml.MappingNode):
            raise EditError(f"{self.name}: {'.'.join(map(str, path))} is not a mapping")
        return [str(k.value) for k, _ in node.value]

    def length(self, path: Path) -> int:
        node = self.node(path)
        if not isinstance(node, yaml.SequenceNode):
            raise EditError(f"{self.name}: {'.'.join(map(str, path))} is not a list")
        return len(node.value)

    def style(self, path: Path) -> str | None:
        node = self.node(path)
        return node.style if isinstance(node, yaml.ScalarNode) else None

    # ----------------------------------------------------------------- helpers

    def _splice(self, start: int, end: int, text: str) -> None:
        self.text = self.text[:start] + text + self.text[end:]
        self.root()  # still YAML

    def _line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def _line_end(self, index: int) -> int:
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end

    def _end(self, node: yaml.Node) -> int:
        """Where the node's own text ends: after its last character (comments and trailing
        blank lines of block nodes excluded)."""
        if isinstance(node, yaml.ScalarNode):
            end = node.end_mark.index
            while end > node.start_mark.index and self.text[end - 1] in " \n\r\t":
                end -= 1
            return end
        if isinstance(node, yaml.CollectionNode) and node.flow_style:
            return int(node.end_mark.index)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                children += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        return max((self._end(c) for c in children), default=int(node.start_mark.index))

    # ----------------------------------------------------------------- mappings

    def set(
        self,
        path: Path,
        key: str,
        value: str,
        *,
        order: Sequence[str] = (),
        style: str | None = None,
        version: bool = False,
    ) -> bool:
        """Give ``key`` of the mapping at ``path`` the text ``value``; True when it changed.

        An existing value keeps its style (``style`` is for a new key); a new key goes after the
        last existing key that comes before it in ``order``.
        """
        mapping = self.node(path)
        if not isinstance(mapping, yaml.MappingNode):
            raise EditError(f"{self.name}: {'.'.join(map(str, path))} is not a mapping")
        flow = bool(mapping.flow_style)
        for key_node, value_node in mapping.value:
            if key_node.value != key:
                continue
            if not isinstance(value_node, yaml.ScalarNode):
                raise EditError(f"{self.name}: {'.'.join(map(str, path))}.{key} is not a text")
            if self.data((*path, key)) == value:
                return False
            start, end = value_node.start_mark.index, self._end(value_node)
            column = value_node.start_mark.column
            if version:
                text = render_version(value)
            else:
                text = render_scalar(
                    value,
                    flow=flow,
                    style=value_node.style,
                    indent=key_node.start_mark.column + 2,
                    column=column,
                )
            self._splice(start, end, text)
            return True
        self.insert(path, key, render_version(value) if version else None, value, order, style)
        return True

    def insert(
        self,
        path: Path,
        key: str,
        rendered: str | None,
        value: str,
        order: Sequence[str],
        style: str | None = None,
    ) -> None:
        """Insert a new ``key: value`` into the mapping at ``path`` (``rendered``: its text)."""
        mapping = self.node(path)
        assert isinstance(mapping, yaml.MappingNode)
        flow = bool(mapping.flow_style)
        before = [k for k in order[: order.index(key)]] if key in order else list(order)
        previous = None
        for key_node, value_node in mapping.value:
            if key_node.value in before:
                previous = value_node
        if flow:
            text = rendered or render_scalar(value, flow=True, style=style)
            if previous is not None:
                at = self._end(previous)
                self._splice(at, at, f", {key}: {text}")
            elif mapping.value:
                at = mapping.value[0][0].start_mark.index
                self._splice(at, at, f"{key}: {text}, ")
            else:
                at = mapping.start_mark.index + 1
                self._splice(at, at, f"{key}: {text}")
            return
        column = mapping.value[0][0].start_mark.column if mapping.value else 0
        text = rendered or render_scalar(
            value, flow=False, style=style, indent=column + 2, column=column + len(key) + 2
        )
        line = " " * column + f"{key}: {text}"
        if previous is not None:
            at = self._line_end(self._end(previous))
            self._splice(at, at, "\n" + line)
        else:
            at = self._line_start(mapping.value[0][0].start_mark.index)
            self._splice(at, at, line + "\n")

    def insert_block(
        self, path: Path, key: str, lines: Sequence[str], order: Sequence[str]
    ) -> None:
        """Insert ``key:`` with a block value given as lines (indented relative to the key)."""
        mapping = self.node(path)
        assert isinstance(mapping, yaml.MappingNode) and not mapping.flow_style
        column = mapping.value[0][0].start_mark.column
        before = list(order[: order.index(key)]) if key in order else list(order)
        previous = None
        for key_node, value_node in mapping.value:
            if key_node.value in before:
                previous = value_node
        block = "\n".join([" " * column + f"{key}:", *(" " * column + line for line in lines)])
        if previous is not None:
            at = self._line_end(self._end(previous))
            self._splice(at, at, "\n" + block)
        else:
            at = self._line_start(mapping.value[0][0].start_mark.index)
            self._splice(at, at, block + "\n")

    def remove(self, path: Path, key: str) -> bool:
        """Remove ``key`` from the mapping at ``path``; True when it was there."""
        mapping = self.node(path)
        assert isinstance(mapping, yaml.MappingNode)
        items = mapping.value
        for i, (key_node, value_node) in enumerate(items):
            if key_node.value != key:
                continue
            if mapping.flow_style:
                if i > 0:
                    start, end = self._end(items[i - 1][1]), self._end(value_node)
                elif len(items) > 1:
                    start, end = key_node.start_mark.index, items[1][0].start_mark.index
                else:
                    start, end = key_node.start_mark.index, self._end(value_node)
                self._splice(start, end, "")
            else:
                start = self._line_start(key_node.start_mark.index)
                end = self._line_end(self._end(value_node))
                self._splice(start, min(end + 1, len(self.text)), "")
            return True
        return False

    # ----------------------------------------------------------------- sequences

    def _items(self, path: Path) -> tuple[yaml.SequenceNode, list[tuple[int, int]]]:
        """The block sequence at ``path`` and the line span (start, end) of each item."""
        sequence = self.node(path)
        if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style:
            raise EditError(f"{self.name}: {'.'.join(map(str, path))} is not a block list")
        spans = [
            (
                self._line_start(item.start_mark.index),
                min(self._line_end(self._end(item)) + 1, len(self.text)),
            )
            for item in sequence.value
        ]
        return sequence, spans

    def delete_item(self, path: Path, index: int) -> None:
        _, spans = self._items(path)
        start, end = spans[index]
        self._splice(start, end, "")

    def insert_item(self, path: Path, index: int, item: str) -> None:
        """Insert the one-line item text (without its dash) at ``index``."""
        sequence, spans = self._items(path)
        if not spans:
            raise EditError(f"{self.name}: {'.'.join(map(str, path))} is empty")
        model = sequence.value[min(index, len(spans) - 1)]
        prefix = self.text[self._line_start(model.start_mark.index) : model.start_mark.index]
        line = prefix + item + "\n"
        if index < len(spans):
            at = spans[index][0]
        else:
            at = spans[-1][1]
            if not self.text[:at].endswith("\n"):
                line = "\n" + line.rstrip("\n")
        self._splice(at, at, line)

    def reorder(self, path: Path, order: Sequence[int]) -> None:
        """Put the items in ``order`` (old indexes); the lines between two items (comments)
        move with the item after them."""
        _, spans = self._items(path)
        if sorted(order) != list(range(len(spans))):
            raise EditError(f"{self.name}: bad order {list(order)}")
        chunks = []
        for i, (start, end) in enumerate(spans):
            begin = spans[i - 1][1] if i else start
            chunks.append(self.text[begin:end])
        unterminated = not chunks[-1].endswith("\n")  # the last line of the file
        if unterminated:
            chunks[-1] += "\n"
        text = "".join(chunks[i] for i in order)
        self._splice(spans[0][0], spans[-1][1], text[:-1] if unterminated else text)

    def replace(self, path: Path, key: str, rendered: str, order: Sequence[str]) -> None:
        """Give ``key`` of the mapping at ``path`` the already rendered (one-line) ``rendered``
        value, whatever the value was (a flow mapping, say)."""
        mapping = self.node(path)
        assert isinstance(mapping, yaml.MappingNode)
        for key_node, value_node in mapping.value:
            if key_node.value == key:
                self._splice(value_node.start_mark.index, self._end(value_node), rendered)
                return
        self.insert(path, key, rendered, "", order)

    def item_style(self, path: Path, key: str) -> str | None:
        """The style of ``key`` in the first item of the list at ``path`` that has it."""
        sequence = self.node(path)
        if not isinstance(sequence, yaml.SequenceNode):
            return None
        for item in sequence.value:
            if isinstance(item, yaml.MappingNode):
                for key_node, value_node in item.value:
                    if key_node.value == key and isinstance(value_node, yaml.ScalarNode):
                        return str(value_node.style) if value_node.style else None
        return None

    # ----------------------------------------------------------------- whole blocks

    def append_after(self, path: Path, lines: Sequence[str], blank: bool = False) -> None:
        """Append lines after the last item of the mapping at ``path`` (a new key's block)."""
        node = self.node(path)
        at = self._line_end(self._end(node))
        separator = "\n\n" if blank else "\n"
        self._splice(at, at, separator + "\n".join(lines))


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        for key, value in node.value:
            if key.value == step:
                found: yaml.Node = value
                return found
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        item: yaml.Node = node.value[step]
        return item
    return None


__all__ = [
    "Document",
    "EditError",
    "render_flow_mapping",
    "render_scalar",
    "render_version",
]
