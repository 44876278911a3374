"""A package's public names, each imported from its home module on first use.

``lifecycle`` and ``lifecycle.tracking`` export names whose modules are costly
to import (Graphviz, SQLAlchemy); a command that needs none of them should not
pay for them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, homes: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package``.

    A name of ``homes`` (name to module) is imported from its module the first
    time it is asked for and then kept in the package, so later lookups are
    plain attribute reads; ``dir()`` lists the public names before they load.
    """
    listed = set(public)

    def get(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    def names() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | listed)

    return get, names
