"""Drawings of a workflow: swimlane, journey and overview maps, RACI tables.

Kept free of imports so the command line can name the formats without loading
Graphviz; :func:`lifecycle.render` is the one call that draws a map.
"""

MAP_FORMATS = ("svg", "png", "pdf", "dot", "mermaid")
"""The formats a map can be written in."""
