"""Interchange with other tools: BPMN 2.0 collaborations, both ways.

:mod:`lifecycle.interchange.bpmn_export` writes a laid-out collaboration from a
workflow's lane map; :mod:`lifecycle.interchange.bpmn_import` reads one back
into a workflow file. See ``docs/interchange.md`` for what maps to what.
"""
