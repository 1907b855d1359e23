"""The data dictionary as typed data: the model (``model.py``) and its YAML loader (``loader.py``).

Other modules import from here, never from the submodules, so that either may move.
"""

from .loader import SpecError, load_spec
from .model import (
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

__all__ = [
    "ContainerDef",
    "EnumDef",
    "EnumValue",
    "FieldDef",
    "FieldUse",
    "Function",
    "Location",
    "Platform",
    "Service",
    "Spec",
    "SpecError",
    "Version",
    "load_spec",
]
