"""The Sips 2.0 seal: what signs every Office Server request and response.

Rules (Office Server JSON guide, "seal"; fact sheet section 3):

- the values are concatenated in the ASCII (code point, case-sensitive) order of the field names:
  ``authorResponseMessage`` sorts before ``authorisationId``;
- a container's values stand where the container's name sorts, its own fields sorted the same way,
  recursively; a list contributes its items in the order sent (objects flattened like containers);
- absent and ``None`` fields contribute nothing (nor does ``""``); booleans are ``true``/``false``;
  integers are their decimal text; anything else (floats, dates, bytes) is refused: money as a
  float is a bug, and other types have no agreed text;
- ``seal``, ``keyVersion`` and ``sealAlgorithm`` are left out, at the top level only (whether the
  platform also drops those names inside containers is not documented: an inference);
- the string is UTF-8 encoded once, then HMAC-SHA-256 with the secret key (default),
  HMAC-SHA-512, or the legacy SHA-256 of data followed by key; lowercase hex.

The seal string is the same whatever order the fields were given in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "EXCLUDED_FIELDS",
    "compute_seal",
    "compute_seal_of_string",
    "seal_string",
    "verify_seal",
]

EXCLUDED_FIELDS: frozenset[str] = frozenset({"seal", "keyVersion", "sealAlgorithm"})
ALGORITHMS: tuple[str, ...] = ("HMAC-SHA-256", "HMAC-SHA-512", "SHA-256")
DEFAULT_ALGORITHM = "HMAC-SHA-256"

_HMAC_DIGESTS = {"HMAC-SHA-256": "sha256", "HMAC-SHA-512": "sha512"}


def seal_string(fields: Mapping[str, Any]) -> str:
    """The string the seal is computed over."""
    parts: list[str] = []
    _flatten(fields, parts, "", top=True)
    return "".join(parts)


def _flatten(fields: Mapping[str, Any], parts: list[str], prefix: str, top: bool) -> None:
    append = parts.append
    for name in sorted(fields):
        if top and name in EXCLUDED_FIELDS:
            continue
        value = fields[name]
        # Most values are plain text: test for it first (this is the hot path).
        if type(value) is str:
            append(value)
        elif value is None:
            continue
        else:
            _value(value, parts, f"{prefix}{name}")


def _value(value: Any, parts: list[str], path: str) -> None:
    if isinstance(value, str):
        parts.append(str.__str__(value))  # a StrEnum member gives its value
    elif isinstance(value, bool):
        parts.append("true" if value else "false")
    elif isinstance(value, int):
        parts.append(str(int(value)))
    elif isinstance(value, Mapping):
        _flatten(value, parts, path + ".", top=False)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if item is not None:
                _value(item, parts, f"{path}[{index}]")
    else:
        raise TypeError(
            f"seal: field {path} is a {type(value).__name__}; only text, integers, booleans, "
            "containers and lists can be sealed"
        )


def compute_seal_of_string(
    data: str, secret_key: str, algorithm: str = DEFAULT_ALGORITHM
) -> str:
    """The seal of an already-joined string."""
    digest = _HMAC_DIGESTS.get(algorithm)
    if digest is not None:
        return hmac.digest(secret_key.encode("utf-8"), data.encode("utf-8"), digest).hex()
    if algorithm == "SHA-256":
        return hashlib.sha256((data + secret_key).encode("utf-8")).hexdigest()
    raise ValueError(f"unknown seal algorithm {algorithm!r}; expected one of {', '.join(ALGORITHMS)}")


def compute_seal(
    fields: Mapping[str, Any], secret_key: str, algorithm: str = DEFAULT_ALGORITHM
) -> str:
    """The lowercase hex seal of ``fields`` (``seal``, ``keyVersion``, ``sealAlgorithm`` ignored)."""
    return compute_seal_of_string(seal_string(fields), secret_key, algorithm)


def verify_seal(
    fields: Mapping[str, Any], secret_key: str, algorithm: str = DEFAULT_ALGORITHM
) -> bool:
    """True when ``fields["seal"]`` is the seal of ``fields``; compared in constant time."""
    received = fields.get("seal")
    if not isinstance(received, str):
        return False
    expected = compute_seal(fields, secret_key, algorithm)
    return hmac.compare_digest(expected.encode("ascii"), received.lower().encode("ascii", "replace"))
