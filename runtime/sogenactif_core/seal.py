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
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from ._masked import Masked

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
    try:
        _fast(fields, parts, _TOP_PLANS, True)
    except Exception:  # anything unusual: the reference walk decides, and explains errors
        parts = []
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
    if type(value) is Masked:  # card data held masked: sealed by its value
        value = value.reveal()
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


# --------------------------------------------------------------------------- the fast path
#
# Messages of one function carry the same names call after call, so the walk of each set of names
# is worked out once ("precompiled seal paths"). A plan lists, in ASCII order of the names
# (excluded names left out at the top level):
#
# - for each run of two or more names that held plain text when the plan was made, an
#   ``itemgetter`` of those names: the run is fetched and joined in C, and ``str.join`` checks that
#   every value is still text (``TypeError`` otherwise: the plan is made again from these values);
# - every other name on its own: its value is looked at when the plan runs (text, ``None``,
#   containers, lists, integers, booleans: see ``_special``).
#
# Plans are filed by the number of names they cover. A plan that runs to the end without a
# ``KeyError`` found all its names in the mapping, and the mapping has exactly that many names
# (not counting excluded ones at the top level): the names are the same, so is the string. Anything
# the plans do not handle (a value that cannot be sealed, names that are not text, a full cache)
# raises, and ``seal_string`` falls back to the reference walk ``_flatten`` above, which gives the
# same string, or the error with the field's path.

_Step = Callable[[Mapping[str, Any]], tuple[Any, ...]] | str
_Plan = tuple[tuple[str, ...], tuple[_Step, ...]]  # (names, steps)
_TOP_PLANS: dict[int, tuple[_Plan, ...]] = {}
_NESTED_PLANS: dict[int, tuple[_Plan, ...]] = {}
_PLANS_PER_SIZE = 16  # bounded: responses of unexpected shapes must not grow the cache


class _Unsealable(Exception):
    """A value the fast path does not handle; the reference walk raises the real error."""


def _fast(
    fields: Mapping[str, Any], parts: list[str], cache: dict[int, tuple[_Plan, ...]], top: bool
) -> None:
    size = len(fields)
    if top:
        size -= ("seal" in fields) + ("keyVersion" in fields) + ("sealAlgorithm" in fields)
    plans = cache.get(size)
    if plans is not None:
        append = parts.append
        mark = len(parts)
        for _names, steps in plans:
            try:  # _run, inlined: this is the hot path
                for step in steps:
                    if type(step) is str:
                        value = fields[step]
                        if type(value) is str:
                            append(value)
                        elif value is not None:
                            _special(value, parts)
                    else:
                        append("".join(step(fields)))  # type: ignore[operator]
                return
            except (KeyError, TypeError):  # other names, or a run that holds more than text now
                del parts[mark:]
    names, steps = plan = _plan(fields, top)
    if len(names) != size:
        raise _Unsealable("names changed while sealing")
    kept = tuple(p for p in plans or () if p[0] != names)
    cache[size] = (plan, *kept[: _PLANS_PER_SIZE - 1])
    _run(steps, fields, parts)


def _plan(fields: Mapping[str, Any], top: bool) -> _Plan:
    names = sorted(fields)
    if top:
        names = [name for name in names if name not in EXCLUDED_FIELDS]
    steps: list[_Step] = []
    run: list[str] = []
    for name in names:
        if type(name) is not str:
            raise _Unsealable("a name that is not text")
        if type(fields[name]) is str:
            run.append(name)
            continue
        if run:
            steps.append(itemgetter(*run) if len(run) > 1 else run[0])
            run = []
        steps.append(name)
    if run:
        steps.append(itemgetter(*run) if len(run) > 1 else run[0])
    return tuple(names), tuple(steps)


def _run(steps: tuple[_Step, ...], fields: Mapping[str, Any], parts: list[str]) -> None:
    append = parts.append
    for step in steps:
        if type(step) is str:
            value = fields[step]
            if type(value) is str:
                append(value)
            elif value is not None:
                _special(value, parts)
        else:
            append("".join(step(fields)))  # type: ignore[operator]


def _special(value: Any, parts: list[str]) -> None:
    """A value that is not plain text, handled as ``_value`` does (same order of tests)."""
    kind = type(value)
    if kind is Masked:
        value = value.reveal()
        kind = type(value)
        if kind is str:
            parts.append(value)
            return
    if kind is dict:
        _fast(value, parts, _NESTED_PLANS, False)
    elif kind is list:
        for item in value:
            if type(item) is str:
                parts.append(item)
            elif type(item) is dict:
                _fast(item, parts, _NESTED_PLANS, False)
            elif item is not None:
                _special(item, parts)
    elif isinstance(value, str):
        parts.append(str.__str__(value))
    elif isinstance(value, bool):
        parts.append("true" if value else "false")
    elif isinstance(value, int):
        parts.append(str(int(value)))
    elif isinstance(value, Mapping):
        _fast(value, parts, _NESTED_PLANS, False)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if item is not None:
                _special(item, parts)
    else:
        raise _Unsealable(kind.__name__)


def _secret(secret_key: str | Masked) -> Masked:
    """The key held masked: a frame of this module never holds it in clear as a variable."""
    return secret_key if type(secret_key) is Masked else Masked(secret_key, "secret")


class Sealer:
    """A secret key and a seal algorithm, prepared once: what a client seals its requests and
    verifies its answers with (:func:`compute_seal` and :func:`verify_seal` serve one-off uses).

    Performance (issue 16): HMAC's keyed state is derived from the key once, then copied for
    each seal. Deriving it again every time (``hmac.digest``) costs about 11 µs a seal where a
    call runs between network exchanges (caches cold), against 4–6 µs for the copy, and a call
    seals twice: its request and the answer's verification. (For a single seal, ``hmac.digest``
    is the faster: the functions below keep it.)

    Its repr names the algorithm alone, and it cannot be pickled: the key never shows.
    """

    __slots__ = ("_keyed", "_secret", "algorithm")

    def __init__(self, secret_key: str | Masked, algorithm: str = DEFAULT_ALGORITHM) -> None:
        self._secret = _secret(secret_key)
        self.algorithm = algorithm
        digest = _HMAC_DIGESTS.get(algorithm)
        if digest is None and algorithm != "SHA-256":
            raise _unknown(algorithm)
        self._keyed = (
            hmac.new(self._secret.reveal().encode("utf-8"), digestmod=digest)
            if digest is not None
            else None
        )

    def seal_of_string(self, data: str) -> str:
        """The lowercase hex seal of an already-joined string."""
        keyed = self._keyed
        if keyed is None:  # the legacy SHA-256: nothing to prepare
            return compute_seal_of_string(data, self._secret, self.algorithm)
        one = keyed.copy()
        one.update(data.encode("utf-8"))
        return one.hexdigest()

    def verify(self, fields: Mapping[str, Any]) -> bool:
        """True when ``fields["seal"]`` is the seal of ``fields``; compared in constant time."""
        received = fields.get("seal")
        return isinstance(received, str) and _matches(
            self.seal_of_string(seal_string(fields)), received
        )

    def __repr__(self) -> str:
        return f"<Sealer {self.algorithm}>"

    def __reduce__(self) -> Any:
        raise TypeError("a sealer holds a secret key: it is not picklable")


def _unknown(algorithm: str) -> ValueError:
    return ValueError(
        f"unknown seal algorithm {algorithm!r}; expected one of {', '.join(ALGORITHMS)}"
    )


def _matches(expected: str, received: str) -> bool:
    """The seals compared in constant time, the received one in any letter case."""
    return hmac.compare_digest(
        expected.encode("ascii"), received.lower().encode("ascii", "replace")
    )


def compute_seal_of_string(
    data: str, secret_key: str | Masked, algorithm: str = DEFAULT_ALGORITHM
) -> str:
    """The seal of an already-joined string."""
    secret_key = _secret(secret_key)
    digest = _HMAC_DIGESTS.get(algorithm)
    if digest is not None:
        return hmac.digest(secret_key.reveal().encode("utf-8"), data.encode("utf-8"), digest).hex()
    if algorithm == "SHA-256":
        return hashlib.sha256((data + secret_key.reveal()).encode("utf-8")).hexdigest()
    raise _unknown(algorithm)


def compute_seal(
    fields: Mapping[str, Any], secret_key: str | Masked, algorithm: str = DEFAULT_ALGORITHM
) -> str:
    """The lowercase hex seal of ``fields`` (``seal``, ``keyVersion``, ``sealAlgorithm`` ignored)."""
    secret_key = _secret(secret_key)
    digest = _HMAC_DIGESTS.get(algorithm)
    if digest is not None:  # the usual case, without a second call
        return hmac.digest(
            secret_key.reveal().encode("utf-8"), seal_string(fields).encode("utf-8"), digest
        ).hex()
    return compute_seal_of_string(seal_string(fields), secret_key, algorithm)


def verify_seal(
    fields: Mapping[str, Any], secret_key: str | Masked, algorithm: str = DEFAULT_ALGORITHM
) -> bool:
    """True when ``fields["seal"]`` is the seal of ``fields``; compared in constant time."""
    secret_key = _secret(secret_key)
    received = fields.get("seal")
    return isinstance(received, str) and _matches(
        compute_seal(fields, secret_key, algorithm), received
    )
