"""Card data and secrets in forms that never show.

Error trackers (Sentry and the like) and ``pytest --showlocals`` record the local variables of
every frame of a traceback: strings, and the dicts, lists, tuples and bytes that hold them. So,
from the moment a call enters the library, card numbers, CSC values, tokens, the secret key and
request bodies are held in :class:`Masked` objects: not ``str`` (trackers print strings as they
are), not containers (trackers walk them), with a masked ``repr`` and ``str``, and not picklable.
The value comes out (:meth:`Masked.reveal`) only where it is written to the wire, sealed or given
back to the caller, inside an expression, never bound to a name of a library frame that can raise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Masked:
    """A sensitive value: ``pan``, ``csc``, ``token``, ``secret`` or ``body``."""

    __slots__ = ("_value", "kind")

    def __init__(self, value: Any, kind: str) -> None:
        self._value = value
        self.kind = kind

    def reveal(self) -> Any:
        return self._value

    def __repr__(self) -> str:
        if self.kind == "body":
            return f"<request body, {len(self._value)} bytes>"
        if self.kind == "secret":
            return "<hidden>"
        if self.kind == "pan":
            text = str(self._value)
            return f"<pan ****{text[-4:]}>" if len(text) > 8 else "<pan ****>"
        if self.kind == "token":
            return f"<token, {len(str(self._value))} chars>"
        return f"<{self.kind} removed>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Masked):
            return bool(self._value == other._value)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal values, but never a dict key

    # A copy in the process shows nothing more: the holder is immutable, so copies share it
    # (copy.deepcopy of a response, model_copy(deep=True)). Pickling would write the value out.
    def __copy__(self) -> Masked:
        return self

    def __deepcopy__(self, memo: Any) -> Masked:
        return self

    def __reduce__(self) -> Any:
        raise TypeError(
            "a masked value (card data, a token, a secret key or a request body) is not "
            "picklable: the library never serializes card data; pass a response on by its "
            "fields (response.model_dump())"
        )


def reveal(value: Any) -> Any:
    """The value inside ``value`` if it is masked; ``value`` itself otherwise."""
    return value._value if type(value) is Masked else value


def reveal_all(value: Any) -> Any:
    """A copy of a wire structure with every masked value revealed (for the caller's eyes)."""
    if type(value) is Masked:
        return value._value
    if isinstance(value, dict):
        # Text, most values, without a call.
        return {
            name: item if type(item) is str else reveal_all(item) for name, item in value.items()
        }
    if isinstance(value, list):
        return [item if type(item) is str else reveal_all(item) for item in value]
    return value


def mask(value: Any, kind: str) -> Any:
    """``value`` held masked (None stays None; a masked value stays as it is)."""
    if value is None or type(value) is Masked:
        return value
    return Masked(value, kind)


def mask_everything(values: Mapping[str, Any]) -> dict[str, Any]:
    """Every value masked (arguments the library refuses: whatever they hold stays hidden)."""
    return {name: Masked(value, "token") for name, value in values.items()}


def sensitive_values(value: Any, found: list[str] | None = None) -> list[str]:
    """The text of every masked value inside ``value`` (to scrub a server's echo of them)."""
    found = [] if found is None else found
    if type(value) is Masked:
        if value.kind != "body" and isinstance(value._value, str):
            found.append(value._value)
    elif isinstance(value, dict):
        for item in value.values():
            sensitive_values(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            sensitive_values(item, found)
    return found
