"""The studio: a local web app for facilitation sessions and gate dashboards.

``lifecycle serve FILE_OR_FOLDER`` shows a workflow's swimlane map, findings,
RACI matrix, resilience and what-if, and updates the page within a second of
the file being saved; with ``--db`` it adds every tracked partnership's gates,
read-only. :func:`create_app` builds the application; it binds to loopback and
loads nothing from outside the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lifecycle.lazy_names import lazy_names

if TYPE_CHECKING:
    from lifecycle.studio.app import create_app

__all__ = ["create_app"]

# The web application (Starlette, the drawing code) loads on first use, so that
# ``lifecycle serve`` can bind its port, and refuse a busy one, before paying for it.
__getattr__, __dir__ = lazy_names(__name__, {"create_app": "lifecycle.studio.app"}, __all__)
