"""The merge: one page and the current spec give a :class:`~.plan.Plan`, and the messages.

The page wins over the spec for what it prints (the function's description, recommended version
and endpoints; each field's presence, version and description; the lists of values), except where
the spec records a decision about that very thing (``decisions.py``): the decision then stands and
is reported (``kept`` when its note shows what the page says now, ``conflict`` when the page says
something the note does not show), unless ``override`` (``--override-decisions``) is given.

Where things go:

- a field's ``since`` comes from the changelog (its block's "Interface version" when the changelog
  does not list it; a disagreement is reported). It is written on the function's entry when it
  differs from the field's and the function's; a fields.yaml field that only this function uses
  takes it in fields.yaml instead;
- a field's description goes to fields.yaml (or to the function's entry when the entry already
  overrides it);
- a field's list of values goes to the field's enum (a new enum named after the field if it has
  none); values the page does not list leave the enum, unless rule 3 of ``decisions.py`` keeps them;
- the request and response keep their order; a new field goes where the page's SOAP sample puts it
  (the SOAP element order), else after the function's own fields, before the envelope fields; the
  fields the SOAP sample shows follow its order;
- a new field gets the format its description gives (``format N19``), else a permissive one
  (``PERMISSIVE_FORMAT``) with a note saying so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..formats import Format
from ..spec import EnumDef, EnumValue, FieldUse, Function, Spec, Version
from . import decisions
from .page import Direction, FieldBlock, Level, Message, Page, PageError, PageValue
from .plan import (
    EnumPlan,
    FieldPlan,
    FunctionPlan,
    Plan,
    ServicePlan,
    UsePlan,
    ValuePlan,
)

# The format a new field gets when its page prints none: any printable text up to 1024
# characters, so that no value the platform accepts is refused (the field's note says so).
PERMISSIVE_FORMAT = "ANSU1024"
V2_0 = Version((2, 0))

_REST = re.compile(r"/rs-services/v2/(?P<service>[^/?#]+)/(?P<function>[^/?#]+)/?$")
_WSDL = re.compile(r"/services/v2/(?P<service>[^/?#]+)\?wsdl$", re.IGNORECASE)
_MEMBER = re.compile(r"^[A-Z][A-Z0-9_]*$")
_NOT_SENT = re.compile(r"(must not|cannot|can not) be (used|sent) in a request", re.IGNORECASE)
_DEPRECATED = re.compile(r"^(deprecated|depreciated|obsolete)\b", re.IGNORECASE)
_FORMAT_IN_TEXT = re.compile(r"\bformat (?:is )?([A-Z]{1,4}[0-9]+)\b")
# Words of a field name that suggest card data or a secret: anywhere, or as its last word.
_SENSITIVE_ANYWHERE = {"pan", "csc", "cvv", "cvc", "cryptogram"}
_SENSITIVE_LAST = {"token", "secret", "password", "key"}


def member_name(value: str) -> str:
    """The enum member name the loader gives a value that has no ``name:``."""
    return re.sub(r"[^A-Z0-9]+", "_", value.upper()) if value else "EMPTY"


def attribute_key(label: str) -> str:
    """The spec's attribute name for a page label: ``Acquisition contract`` → acquisitionContract."""
    words = label.split()
    if len(words) == 1:
        return label
    return words[0].lower() + "".join(w.capitalize() for w in words[1:])


def _quote(text: str, limit: int = 90) -> str:
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


def _looks_sensitive(name: str) -> bool:
    words = [w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name)]
    return (
        bool(set(words) & _SENSITIVE_ANYWHERE)
        or (bool(words) and words[-1] in _SENSITIVE_LAST)
        or ("card" in words and "number" in words)
    )


class _Merge:
    def __init__(self, page: Page, spec: Spec, override: bool) -> None:
        self.page, self.spec, self.override = page, spec, override
        self.plan = Plan(page.path)
        self.messages: list[Message] = []
        self.skipped: set[str] = set()  # page fields that cannot be imported
        self.service_name = ""
        self.prefix = ""
        self.function: Function | None = None
        self.function_since = V2_0
        self.versions: dict[tuple[Direction, str], Version] = {}

    # ----------------------------------------------------------------- messages

    def say(self, level: Level, line: int, text: str) -> None:
        self.messages.append(Message(level, self.page.path, line, text))

    def decision(
        self, line: int, where: str, page_says: str, spec_keeps: str, reason: str, seen: bool
    ) -> bool:
        """The page contradicts a recorded decision: True when the decision stands."""
        if self.override:
            self.say(
                "review",
                line,
                f"{where}: decision overridden (--override-decisions): {page_says} replaces "
                f"{spec_keeps} ({reason}); update the note",
            )
            return False
        self.say(
            "kept" if seen else "conflict",
            line,
            f"{where}: the page says {page_says}; the spec keeps {spec_keeps} ({reason})",
        )
        return True

    def stale_note(self, line: int, where: str, note: str, location: str) -> None:
        if note:
            self.say(
                "review",
                line,
                f"{where} changed; its note ({location}) was written before: {_quote(note, 70)}",
            )

    # ----------------------------------------------------------------- the page

    def run(self) -> Plan:
        self.locate()
        self.skip_members()
        self.versions = self.page_versions()
        if self.function is not None:
            self.function_since = self.function.since
        elif self.versions:
            self.function_since = min(self.versions.values())
        for name in dict.fromkeys(b.name for b in self.page.fields):
            if name not in self.skipped:
                self.field(name)
        self.plan.functions.append(self.function_plan())
        if any(m.level == "error" for m in self.messages):
            raise PageError(self.messages)
        return self.plan

    def skip_members(self) -> None:
        """Blocks the changelog dates only as members of a container are not the function's."""
        rows = self.page.changelog
        own = {r.field for r in rows if not r.container}
        members = {r.field: r for r in rows if r.container and r.field not in own}
        for block in self.page.fields:
            row = members.get(block.name)
            if row is not None and block.name not in self.skipped:
                self.skipped.add(block.name)
                self.say(
                    "info",
                    block.line,
                    f"{block.name} is a member of {row.container} (changelog line {row.line}), "
                    "not a field of the function: not imported (containers/ is edited by hand)",
                )

    def locate(self) -> None:
        """Which service the function belongs to, and whether the spec has it already."""
        page = self.page
        services: dict[str, int] = {}
        for endpoint in page.endpoints:
            pattern = _REST if endpoint.kind == "rest" else _WSDL
            match = pattern.search(endpoint.url)
            if match is None:
                self.say("warning", endpoint.line, f"endpoint URL not understood: {endpoint.url}")
                continue
            services.setdefault(match.group("service"), endpoint.line)
            if endpoint.kind == "rest" and match.group("function") != page.function:
                self.say(
                    "warning",
                    endpoint.line,
                    f"the REST URL names the function {match.group('function')}, the page "
                    f"{page.function}",
                )
        if len(services) > 1:
            self.say(
                "error", page.function_line, f"the endpoints name several services: {services}"
            )
            raise PageError(self.messages)
        url_service = next(iter(services), None)
        found = [(s, f) for s, f in self.spec.iter_functions() if f.name == page.function]
        if found:
            service, function = found[0]
            if url_service is not None and url_service != service.name:
                self.say(
                    "error",
                    services[url_service],
                    f"the endpoints put {page.function} in the service {url_service}; the spec "
                    f"has it in {service.name} ({function.location}): move it by hand first",
                )
                raise PageError(self.messages)
            self.service_name, self.prefix, self.function = (
                service.name,
                service.interface_prefix,
                function,
            )
            return
        if url_service is None:
            self.say(
                "error",
                page.function_line,
                f"the spec has no function {page.function} and no endpoint names its service",
            )
            raise PageError(self.messages)
        self.service_name = url_service
        existing = [s for s in self.spec.services if s.name == url_service]
        if existing:
            self.prefix = existing[0].interface_prefix
            return
        self.new_service(url_service)

    def new_service(self, name: str) -> None:
        page = self.page
        listed = page.block("request", "interfaceVersion")
        prefix = page.recommended_prefix
        if not prefix and listed is not None:
            match = (
                re.match(r"^([A-Z]+_[A-Z]+_)", listed.values[0].value) if listed.values else None
            )
            prefix = match.group(1) if match else ""
        if not prefix:
            self.say(
                "error",
                page.function_line,
                f"new service {name}: the page gives no interface prefix (Recommended "
                "interfaceVersion or interfaceVersion's list of values)",
            )
            raise PageError(self.messages)
        self.prefix = prefix
        description = f"Functions of the {name} service."
        said = "ours"
        if listed is not None:
            for value in listed.values:
                if value.value.startswith(prefix) and value.description:
                    description = f"{value.description.rstrip('.')} ({value.value})."
                    said = f"interfaceVersion's list of values, line {value.line}"
        self.plan.services[name] = ServicePlan(
            name,
            description,
            prefix,
            f"Imported by `python -m generator import` from the Sogenactif {page.function} page"
            f"{self.release()} ({page.path}); the description is {said}.",
        )
        self.say("review", page.function_line, f"new service {name} ({prefix}): review its file")

    def release(self) -> str:
        return f", Release {self.page.release}" if self.page.release else ""

    def page_versions(self) -> dict[tuple[Direction, str], Version]:
        """``since`` of every field of the page, per direction: the changelog's, else the block's."""
        page = self.page
        rows: dict[tuple[Direction, str], list[int]] = {}
        members = [r for r in page.changelog if r.container]
        for index, row in enumerate(page.changelog):
            if not row.container:
                for direction in row.directions:
                    rows.setdefault((direction, row.field), []).append(index)
        result: dict[tuple[Direction, str], Version] = {}
        for block in page.fields:
            if block.name in self.skipped:
                continue
            key = (block.direction, block.name)
            found = [page.changelog[i] for i in rows.get(key, [])]
            if found:
                row = min(found, key=lambda r: r.version)
                if len(found) > 1:
                    self.say(
                        "info",
                        row.line,
                        f"the changelog lists {block.name} ({block.direction}) "
                        f"{len(found)} times: since is the earliest, {row.version}",
                    )
                if block.version is not None and block.version != row.version:
                    self.say(
                        "warning",
                        block.version_line,
                        f"the changelog dates {block.name} ({block.direction}) {row.version} "
                        f"(line {row.line}) but its field block says {block.version}: since "
                        f"{row.version} is taken from the changelog",
                    )
                result[key] = row.version
                continue
            if block.version is None:
                self.say(
                    "error",
                    block.line,
                    f"{block.name}: no interface version, here or in the changelog",
                )
                continue
            if page.changelog:
                self.say(
                    "warning",
                    block.line,
                    f"{block.name} ({block.direction}) is not in the changelog: since "
                    f"{block.version} is taken from its block",
                )
            result[key] = block.version
        for key, indexes in rows.items():
            if key not in result:
                direction, name = key
                row = page.changelog[indexes[0]]
                self.say(
                    "warning",
                    row.line,
                    f"the changelog lists {name} as a {direction} field, but the page has no "
                    f"{direction} field {name}",
                )
        if members:
            self.say(
                "info",
                members[0].line,
                f"{len(members)} changelog row(s) date members of containers "
                f"({', '.join(sorted({r.container for r in members}))}): containers/ is edited by "
                "hand, not imported",
            )
        return result

    # ----------------------------------------------------------------- fields.yaml

    def users(self, name: str) -> set[str]:
        return {
            f"{s.name}.{f.name}"
            for s, f in self.spec.iter_functions()
            if any(u.name == name for u in (*f.request, *f.response))
        }

    def field(self, name: str) -> None:
        page = self.page
        blocks = [b for b in page.fields if b.name == name]
        block = blocks[0]
        for other in blocks[1:]:
            if not decisions.same_text(other.description, block.description):
                self.say(
                    "info",
                    other.description_line,
                    f"{name} is described differently in the {other.direction} (line "
                    f"{other.description_line}) and the {block.direction} (line "
                    f"{block.description_line}): fields.yaml takes the {block.direction}'s",
                )
        versions = [
            self.versions[(b.direction, name)]
            for b in blocks
            if (b.direction, name) in self.versions
        ]
        if name == "interfaceVersion":
            self.check_prefixes(block)
        existing = self.spec.fields.get(name)
        if existing is None:
            self.new_field(name, block, min(versions, default=V2_0))
            return
        here = f"fields.{name}"
        location = str(existing.location)
        uses = [*self.function.request, *self.function.response] if self.function else []
        overridden = any(
            u.name == name and u.field.description != existing.description for u in uses
        )
        description = existing.description
        if not overridden and not decisions.same_text(existing.description, block.description):
            if decisions.quotes(
                existing.note, block.description, existing.description
            ) and self.decision(
                block.description_line,
                f"{here}.description",
                _quote(block.description),
                _quote(existing.description),
                f"{location}: its note quotes the page's wording",
                seen=True,
            ):
                pass
            else:
                description = block.description
                self.stale_note(
                    block.description_line, f"{here}.description", existing.note, location
                )
        since = str(existing.since)
        function = f"{self.service_name}.{page.function}"
        follows = all(  # the function's entries take the field's since (no `since:` of their own)
            u.since == max(existing.since, self.function_since) for u in uses if u.name == name
        )
        if (
            len(set(versions)) == 1
            and versions[0] != existing.since
            and follows
            and self.users(name) <= {function}
            and name not in self.spec.platform.envelope_fields
        ):
            version = versions[0]
            if decisions.gives(existing.note, since) and self.decision(
                blocks[0].version_line,
                f"{here}.since",
                str(version),
                since,
                f"{location}: its note gives {since}",
                seen=decisions.mentions(existing.note, str(version)),
            ):
                pass
            else:
                since = str(version)
                self.stale_note(blocks[0].version_line, f"{here}.since", existing.note, location)
        enum: str | None = None
        target = existing.enum or (existing.items.enum if existing.items else None)
        listed = next((b for b in blocks if b.values), None)
        if listed is not None:
            if existing.type == "container":
                self.say(
                    "info",
                    listed.values_line,
                    f"{name} holds a container: its list of values is not imported",
                )
            elif target is not None:
                self.enum(target, listed)
            elif decisions.refuses_value_list(existing.note) and self.decision(
                listed.values_line,
                f"{here}.enum",
                f"a list of {len(listed.values)} value(s)",
                "no enum",
                f"{location}: its note says that no value list is enforced",
                seen=True,
            ):
                pass
            elif existing.type == "list":
                self.say(
                    "warning",
                    listed.values_line,
                    f"{name} is a list without an enum: give its items one by hand "
                    f"(the page lists {len(listed.values)} value(s))",
                )
            else:
                self.enum(name, listed)
                enum = name
        elif target is not None:
            self.say(
                "info", block.line, f"the page lists no values for {name}: its enum {target} stays"
            )
        self.plan.fields[name] = FieldPlan(name, False, description, since, enum)

    def check_prefixes(self, block: FieldBlock) -> None:
        for value in block.values:
            if self.prefix and not value.value.startswith(self.prefix):
                self.say(
                    "warning",
                    value.line,
                    f"interfaceVersion lists {value.value}, but the service's interface prefix "
                    f"is {self.prefix}",
                )

    def new_field(self, name: str, block: FieldBlock, since: Version) -> None:
        page = self.page
        shape = None
        for sample in page.samples:
            for entry in sample.entries:
                if entry.name == name and sample.direction == block.direction and shape is None:
                    shape = entry
        if shape is not None and "object" in (shape.shape, shape.item_shape):
            self.say(
                "warning",
                shape.line,
                f"new field {name}: the sample shows it holding objects, whose container the "
                "page does not describe: not imported (add containers/ and the field by hand)",
            )
            self.skipped.add(name)
            return
        is_list = shape is not None and shape.shape == "list"
        plan = FieldPlan(name, True, block.description, str(since), None)
        plan.type = "list" if is_list else "string"
        origin = (
            f"Imported by `python -m generator import` from the Sogenactif {page.function} page"
            f"{self.release()} ({page.path}, line {block.line})."
        )
        if block.values:
            self.enum(name, block)
            if is_list:
                plan.items_enum = name
            else:
                plan.enum = name
            plan.note = f"{origin} Its values are the page's list (enums/{name}.yaml)."
        else:
            formats: list[str] = []
            for text in _FORMAT_IN_TEXT.findall(block.description):
                try:
                    formats.append(str(Format.parse(text)))
                except ValueError:
                    continue
            formats = list(dict.fromkeys(formats))
            if formats:
                words = f"The format comes from the page's description ({', '.join(formats)})."
                if is_list:
                    plan.items_format = formats[0]
                else:
                    plan.format = formats[0]
                    plan.alternative_format = formats[1] if len(formats) > 1 else None
            else:
                words = (
                    f"The page prints no format: {PERMISSIVE_FORMAT} is our reading (any "
                    "printable text, so that no value is refused), to review."
                )
                if is_list:
                    plan.items_format = PERMISSIVE_FORMAT
                else:
                    plan.format = PERMISSIVE_FORMAT
                self.say(
                    "review",
                    block.line,
                    f"new field {name}: the page prints no format; {PERMISSIVE_FORMAT} written "
                    "(review it in fields.yaml)",
                )
            plan.note = f"{origin} {words}"
        if shape is not None and shape.shape == "number":
            self.say(
                "review",
                shape.line,
                f"new field {name}: the JSON sample gives a number: written as text (type "
                "integer?)",
            )
        if _looks_sensitive(name):
            self.say(
                "review",
                block.line,
                f"new field {name} may carry card data or a secret: set `sensitive:` by hand if so",
            )
        self.plan.fields[name] = plan

    # ----------------------------------------------------------------- enums

    def enum(self, name: str, block: FieldBlock) -> None:
        planned = self.plan.enums.get(name)
        if planned is not None:
            if [v.value for v in block.values] != [v.value for v in planned.values]:
                self.say(
                    "info",
                    block.values_line,
                    f"{block.name} lists other values than an earlier field with the enum {name}: "
                    "the earlier list is taken",
                )
            return
        existing = self.spec.enums.get(name)
        page = self.page
        if existing is None:
            taken: set[str] = set()
            values = [self.new_value(name, v, taken) for v in block.values]
            self.plan.enums[name] = EnumPlan(
                name,
                True,
                values,
                description=block.description,
                note=(
                    f"Closed: the Sogenactif {page.function} page{self.release()} ({page.path}, "
                    f'line {block.values_line}) gives the whole "List of values" (imported by '
                    "`python -m generator import`)."
                ),
            )
            self.say(
                "review",
                block.values_line,
                f"new enum {name} ({len(values)} values): its note says Closed (the page's whole "
                "list); make it Open if the list may be incomplete",
            )
            return
        cites = decisions.names_function(existing.note, page.function)
        on_page = {v.value: v for v in block.values}
        result: list[ValuePlan] = []
        for value in existing.values:
            listed = on_page.get(value.value)
            if listed is not None:
                result.append(self.value(existing, value, listed))
                continue
            reason = ""
            if decisions.names_function(value.description, page.function):
                reason = f"{existing.location}: its description names the {page.function} page"
            elif not cites:
                reason = (
                    f"{existing.location}: the enum's note does not cite the {page.function} "
                    "page: its values come from elsewhere"
                )
            printed = value.value or "Empty"
            if reason and self.decision(
                block.values_line,
                f"enums.{name}.{printed}",
                f"no value {printed}",
                "it",
                reason,
                seen=True,
            ):
                result.append(
                    ValuePlan(
                        value.value,
                        value.description,
                        value.attributes,
                        value.request,
                        value.deprecated,
                    )
                )
        known = {v.value for v in existing.values}
        taken = {v.name for v in existing.values}
        for index, listed in enumerate(block.values):
            if listed.value in known:
                continue
            new = self.new_value(name, listed, taken)
            result.insert(_position(result, block.values, index), new)
        self.plan.enums[name] = EnumPlan(name, False, result)

    def value(self, enum: EnumDef, old: EnumValue, listed: PageValue) -> ValuePlan:
        where = f"enums.{enum.name}.{old.value or 'Empty'}"
        location = str(enum.location)
        description = old.description
        if not decisions.same_text(old.description, listed.description):
            if decisions.quotes(enum.note, listed.description, old.description) and self.decision(
                listed.description_line,
                f"{where}.description",
                _quote(listed.description),
                _quote(old.description),
                f"{location}: the enum's note quotes the page's wording",
                seen=True,
            ):
                pass
            else:
                description = listed.description
        attributes = tuple((attribute_key(k), v) for k, v in listed.attributes if v)
        if dict(attributes) != dict(old.attributes):
            labels = [
                k
                for k, v in listed.attributes
                if v and attribute_key(k) not in dict(old.attributes)
            ]
            shown = ", ".join(f"{k}: {v}" for k, v in listed.attributes if v) or "none"
            kept = ", ".join(f"{k}={v}" for k, v in old.attributes) or "none"
            if (
                labels
                and all(decisions.quotes(enum.note, label) for label in labels)
                and self.decision(
                    listed.description_line,
                    f"{where}.attributes",
                    _quote(shown),
                    kept,
                    f"{location}: the enum's note quotes the page's label "
                    + ", ".join(_quote(label) for label in labels),
                    seen=True,
                )
            ):
                attributes = old.attributes
        request = not _NOT_SENT.search(listed.description)
        if (
            request
            and not old.request
            and self.decision(
                listed.description_line,
                f"{where}.request",
                "nothing on whether it may be sent",
                "request: false",
                f"{location}: the spec marks it as never sent",
                seen=True,
            )
        ):
            request = False
        deprecated = bool(_DEPRECATED.match(listed.description))
        if (
            not deprecated
            and old.deprecated
            and self.decision(
                listed.description_line,
                f"{where}.deprecated",
                "nothing on deprecation",
                "deprecated: true",
                f"{location}: the spec marks it as deprecated",
                seen=True,
            )
        ):
            deprecated = True
        return ValuePlan(old.value, description, attributes, request, deprecated)

    def new_value(self, enum: str, listed: PageValue, taken: set[str]) -> ValuePlan:
        default = member_name(listed.value)
        name = default
        if not _MEMBER.match(name):
            name = "VALUE_" + name.lstrip("_")
        while name in taken:
            name += "_2"
        taken.add(name)
        if name != default:
            self.say(
                "review",
                listed.line,
                f"enums.{enum}.{listed.value}: member name {name} is ours (integrators will "
                "write it; rename it now or never)",
            )
        return ValuePlan(
            listed.value,
            listed.description,
            tuple((attribute_key(k), v) for k, v in listed.attributes if v),
            request=not _NOT_SENT.search(listed.description),
            deprecated=bool(_DEPRECATED.match(listed.description)),
            name=None if name == default else name,
        )

    # ----------------------------------------------------------------- the function

    def function_plan(self) -> FunctionPlan:
        page, function = self.page, self.function
        where = f"{self.service_name}.{page.function}"
        description = page.description
        if function is not None and decisions.same_text(function.description, page.description):
            description = function.description
        elif function is not None:
            if decisions.quotes(
                function.note, page.description, function.description
            ) and self.decision(
                page.description_line,
                f"{where}.description",
                _quote(page.description),
                _quote(function.description),
                f"{function.location}: its note quotes the page's wording",
                seen=True,
            ):
                description = function.description
        recommended: str | None = None
        if page.recommended_version is not None:
            if page.recommended_prefix and page.recommended_prefix != self.prefix:
                self.say(
                    "warning",
                    page.recommended_line,
                    f"the recommended interfaceVersion's prefix {page.recommended_prefix} is not "
                    f"the service's {self.prefix}",
                )
            latest = self.spec.platform.latest_interface_version
            if page.recommended_version > latest:
                self.say(
                    "warning",
                    page.recommended_line,
                    f"the page recommends {page.recommended_version}, newer than platform.yaml's "
                    f"latest_interface_version {latest}: not written (raise the latest version "
                    "first, or record it in the function's note)",
                )
            else:
                recommended = str(page.recommended_version)
        return FunctionPlan(
            service=self.service_name,
            name=page.function,
            new=function is None,
            description=description,
            since=str(self.function_since),
            recommended=recommended,
            urls=self.urls(),
            request=self.uses("request"),
            response=self.uses("response"),
            note=(
                ""
                if function is not None
                else f"Imported by `python -m generator import` from the Sogenactif "
                f"{page.function} page{self.release()} ({page.path}). Request and response order: "
                "the page's SOAP samples, then the page's other fields."
            ),
        )

    def urls(self) -> tuple[tuple[str, str, str], ...] | None:
        if not self.page.endpoints:
            return None
        platform = self.spec.platform
        environments = [env for env, _ in platform.environments]
        urls = {(k, e): u for k, e, u in (self.function.urls if self.function else ())}
        for endpoint in self.page.endpoints:
            if endpoint.environment not in environments:
                self.say(
                    "warning",
                    endpoint.line,
                    f"platform.yaml has no environment {endpoint.environment}: endpoint not written",
                )
                continue
            if endpoint.kind == "rest":
                expected = platform.rest_url(
                    endpoint.environment, self.service_name, self.page.function
                )
            else:
                expected = platform.wsdl_url(endpoint.environment, self.service_name)
            if endpoint.url != expected:
                self.say(
                    "warning",
                    endpoint.line,
                    f"{endpoint.label} {endpoint.url} is not what platform.yaml gives ({expected}): "
                    "not written (platform.yaml is edited by hand)",
                )
                continue
            urls[(endpoint.kind, endpoint.environment)] = endpoint.url
        return tuple(
            (kind, env, urls[(kind, env)])
            for kind in ("rest", "wsdl")
            for env in environments
            if (kind, env) in urls
        )

    def uses(self, direction: Direction) -> list[UsePlan]:
        page, function = self.page, self.function
        blocks = [b for b in page.blocks(direction) if b.name not in self.skipped]
        on_page = [b.name for b in blocks]
        old: Sequence[FieldUse] = getattr(function, direction) if function else ()
        old_map = {u.name: u for u in old}
        line = blocks[0].line if blocks else page.function_line
        order: list[str] = []
        for use in old:
            if use.name in on_page:
                order.append(use.name)
                continue
            where = f"{self.service_name}.{page.function}.{direction}.{use.name}"
            if use.note:
                assert function is not None
                if self.decision(
                    line,
                    where,
                    f"no {direction} field {use.name}",
                    "it",
                    f"{function.location}: its entry has a note: {_quote(use.note, 70)}",
                    seen=False,
                ):
                    order.append(use.name)
                else:
                    self.say(
                        "review", line, f"{where}: removed with its note {_quote(use.note, 70)}"
                    )
        sample = page.sample(direction, "soap")
        soap = [e.name for e in sample.entries if e.name in on_page] if sample else []
        slots = [i for i, name in enumerate(order) if name in soap]
        wanted = [name for name in soap if name in order]
        if [order[i] for i in slots] != wanted and sample is not None:
            for i, name in zip(slots, wanted, strict=True):
                order[i] = name
            self.say(
                "info",
                sample.line,
                f"the {direction} fields the SOAP sample shows now follow its order (the SOAP "
                "element order)",
            )
        envelope = set(self.spec.platform.envelope_fields)
        if function is None:
            others = [n for n in on_page if n not in soap]
            filled = sorted((n for n in others if n in envelope), key=lambda n: n == "seal")
            order = soap + [n for n in others if n not in envelope] + filled  # seal last
        else:
            for name in on_page:
                if name not in old_map:
                    order.insert(_slot(order, name, soap, envelope), name)
        return [self.use(direction, name, old_map.get(name)) for name in order]

    def use(self, direction: Direction, name: str, old: FieldUse | None) -> UsePlan:
        page = self.page
        where = f"{self.service_name}.{page.function}.{direction}.{name}"
        location = str(self.function.location) if self.function else page.path
        planned = self.plan.fields.get(name)
        definition = self.spec.fields.get(name)
        block = page.block(direction, name)
        field_since = (
            Version.parse(planned.since) if planned else definition.since if definition else V2_0
        )
        default = max(field_since, self.function_since)
        if block is None:  # kept by a decision: as it is
            assert old is not None
            return UsePlan(
                name,
                old.presence,
                None if old.since == default else str(old.since),
                _override(old, definition.description if definition else ""),
                str(old.since),
            )
        presence = block.presence
        if old is not None and old.presence != presence:
            if decisions.gives(old.note, old.presence) and self.decision(
                block.presence_line,
                f"{where}.presence",
                presence,
                old.presence,
                f"{location}: its entry's note gives {old.presence}",
                seen=decisions.mentions(old.note, presence),
            ):
                presence = old.presence
            else:
                self.stale_note(block.presence_line, f"{where}.presence", old.note, location)
        since = self.versions.get((direction, name), default)
        if old is not None and old.since != since:
            if decisions.gives(old.note, str(old.since)) and self.decision(
                block.version_line,
                f"{where}.since",
                str(since),
                str(old.since),
                f"{location}: its entry's note gives {old.since}",
                seen=decisions.mentions(old.note, str(since)),
            ):
                since = old.since
            else:
                self.stale_note(block.version_line, f"{where}.since", old.note, location)
        description: str | None = None
        shared = planned.description if planned else definition.description if definition else ""
        current = _override(old, definition.description if definition else "")
        if current is not None:
            if decisions.same_text(current, block.description):
                description = current
            elif decisions.same_text(shared, block.description):
                description = None
            elif decisions.quotes(
                old.note if old else "", block.description, current
            ) and self.decision(
                block.description_line,
                f"{where}.description",
                _quote(block.description),
                _quote(current),
                f"{location}: its entry's note quotes the page's wording",
                seen=True,
            ):
                description = current
            else:
                description = block.description
        return UsePlan(
            name,
            presence,
            None if since == default else str(since),
            description,
            str(since),
        )


def _override(use: FieldUse | None, shared: str) -> str | None:
    """The description a function's entry gives its field, if it overrides fields.yaml's."""
    if use is None or use.field.description == shared:
        return None
    return use.field.description


def _slot(order: list[str], name: str, soap: list[str], envelope: set[str]) -> int:
    """Where a new field goes in a function's request or response (see the module's doc)."""
    if name in soap:
        index = soap.index(name)
        for previous in reversed(soap[:index]):
            if previous in order:
                return order.index(previous) + 1
        for following in soap[index + 1 :]:
            if following in order:
                return order.index(following)
        return 0
    if name in envelope:
        return len(order) - 1 if order and order[-1] == "seal" else len(order)
    own = [i for i, n in enumerate(order) if n not in envelope]
    return own[-1] + 1 if own else 0


def _position(result: list[ValuePlan], listed: Sequence[PageValue], index: int) -> int:
    """Where the page's ``index``-th value goes among the enum's values: after the page's
    previous value, or before its next one."""
    values = [v.value for v in result]
    for previous in reversed(listed[:index]):
        if previous.value in values:
            return values.index(previous.value) + 1
    for following in listed[index + 1 :]:
        if following.value in values:
            return values.index(following.value)
    return len(result)


def merge(page: Page, spec: Spec, override: bool = False) -> tuple[Plan, list[Message]]:
    """What ``page`` asks of ``spec``: the plan and the messages. PageError on errors."""
    merger = _Merge(page, spec, override)
    plan = merger.run()
    return plan, merger.messages


__all__ = ["PERMISSIVE_FORMAT", "attribute_key", "member_name", "merge"]
