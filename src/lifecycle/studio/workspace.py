"""The workflow files a studio serves, and the one safe way from a request's
file name to a path on disk.

A request names a file by its path relative to the served folder, as the file
list shows it. The name is never joined onto the folder and opened: it must be
one of the files found by listing the folder, each of which resolves (symlinks
followed) to a place inside it. So ``../``, absolute paths, encoded slashes and
symlinks that lead out of the folder all end as "no such file".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lifecycle.diagnostics import LifecycleError

__all__ = ["WORKFLOW_SUFFIXES", "BadName", "NotServed", "Workspace", "check_name"]

WORKFLOW_SUFFIXES = (".yaml", ".yml")
"""The suffixes of the workflow files a folder offers."""

_MAX_NAME = 1024


class BadName(LifecycleError):
    """A file name no served file can have: empty, absolute, with ``..``, a NUL or a backslash."""


class NotServed(LifecycleError):
    """A well-formed name that is not one of the served workflow files."""


@dataclass(frozen=True)
class Workspace:
    """A folder of workflow files, or a single workflow file, being served.

    Parameters
    ----------
    root
        The folder (resolved); nothing outside it is ever read.
    only
        In single-file mode, the one file's name relative to ``root``.
    """

    root: Path
    only: str | None = None

    @classmethod
    def at(cls, target: str | os.PathLike[str]) -> Workspace:
        """The workspace for a workflow file or a folder of them.

        Raises
        ------
        LifecycleError
            When ``target`` does not exist or is neither a file nor a folder.
        """
        path = Path(target)
        if path.is_dir():
            return cls(path.resolve())
        if path.is_file():
            resolved = path.resolve()
            return cls(resolved.parent, resolved.name)
        raise LifecycleError(f"{os.fspath(target)}: no such file or folder")

    def names(self) -> list[str]:
        """The served files, as ``/``-separated paths relative to the root, sorted."""
        if self.only is not None:
            return [self.only] if self._inside(self.root / self.only) else []
        found = []
        for folder, dirs, files in os.walk(self.root):
            # Hidden folders (.git, .venv) hold no workflows a facilitator edits.
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                path = Path(folder) / name
                if name.startswith(".") or path.suffix.lower() not in WORKFLOW_SUFFIXES:
                    continue
                if self._inside(path):
                    found.append(path.relative_to(self.root).as_posix())
        return sorted(found)

    def default(self) -> str | None:
        """The file the page opens first: the single file, else the first listed."""
        names = self.names()
        return names[0] if names else None

    def resolve(self, name: str) -> Path:
        """The path of the served file called ``name``.

        Raises
        ------
        BadName
            When ``name`` is malformed (no served file could be called that).
        NotServed
            When ``name`` is not one of :meth:`names`, or no longer resolves
            inside the root (a file swapped for a symlink since it was listed).
        """
        check_name(name)
        if name not in self.names():
            raise NotServed(f"{name}: not a workflow file served here")
        path = self.root / name
        if not self._inside(path):
            raise NotServed(f"{name}: not a workflow file served here")
        return path

    def _inside(self, path: Path) -> bool:
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return False
        return real.is_file() and real.is_relative_to(self.root)


def check_name(name: str) -> None:
    """Refuse a name that no served file can have.

    Raises
    ------
    BadName
        For an empty or over-long name, an absolute path, a ``..`` or ``.``
        segment, an empty segment, a backslash or a control character.
    """
    if not name or len(name) > _MAX_NAME:
        raise BadName("a file name must be 1 to 1024 characters")
    if any(ord(c) < 32 or c == "\x7f" for c in name) or "\\" in name:
        raise BadName("a file name may hold no control characters or backslashes")
    if name.startswith("/"):
        raise BadName("a file name is relative to the served folder")
    if any(part in ("", ".", "..") for part in name.split("/")):
        raise BadName("a file name may hold no empty, '.' or '..' segments")
