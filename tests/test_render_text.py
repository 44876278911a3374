"""Labels render as written: quotes, <, >, &, braces, backslashes, newlines and
non-ASCII letters go through real Graphviz and come out unchanged."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import graphviz
from hypothesis import given, settings
from model_text import model_text

from lifecycle.drawing.labels import dot_label, mermaid_text
from lifecycle.drawing.maps import build_map
from lifecycle.loader import loads

SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'Say "hi" <b>&amp;</b> {x|y} \\N back\\slash\\ é Ωμέγα 中文'


def _texts(svg: bytes, node_id: str) -> str:
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == node_id)
    return "".join(t.text or "" for t in group.iter(f"{SVG}text"))


def _lines(svg: bytes, node_id: str) -> list[str]:
    """The text of each line Graphviz drew for a node, top to bottom."""
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == node_id)
    return [t.text or "" for t in group.iter(f"{SVG}text")]


def _squash(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=25, deadline=None)
@given(model_text(max_size=40))
def test_any_label_renders_as_written(text: str) -> None:
    """Each line as written, on a line of its own (Graphviz leaves out blank lines,
    and spacing is not compared: it turns runs of spaces into no-break spaces)."""
    g = graphviz.Digraph()
    g.node("n", dot_label(text.split("\n")), id="n")
    rendered = _lines(g.pipe(format="svg", quiet=True), "n")
    assert [_squash(line) for line in rendered if _squash(line)] == [
        _squash(line) for line in text.split("\n") if _squash(line)
    ]


def test_a_workflow_with_hostile_titles_renders_them_as_written(write) -> None:
    title = NASTY.replace("\\", "\\\\").replace('"', '\\"')
    text = f"""
id: nasty
title: "Map of {title}"
organizations:
  plan: {{name: "Plan <&> \\"Ω\\"", kind: payer}}
roles:
  poc: {{org: plan, title: "Point {{of}} contact \\\\ é"}}
phases:
  one:
    title: "Phase\\nwith a newline"
    tasks:
      t1: {{title: "{title}", owner: poc}}
      t2: {{title: "Second line\\nafter a break", owner: poc, after: t1}}
"""
    document = loads(text)
    svg = build_map(document).graph.pipe(format="svg")
    assert _squash(_texts(svg, "task-t1")) == _squash(NASTY)
    assert _squash(_texts(svg, "task-t2")) == "Secondlineafterabreak"
    assert _squash(_texts(svg, "lanehead-poc")) == _squash("Point {of} contact \\ é")
    # The title's markup reaches dot inside quoted strings only, never as an HTML-like label <...>.
    source = build_map(document).graph.source
    outside_quotes = re.sub(r'"(?:[^"\\]|\\.)*"', '""', source)
    assert "<b>" in source and "<b>" not in outside_quotes


def test_mermaid_text_leaves_no_syntax_characters() -> None:
    out = mermaid_text(NASTY + "\nnext")
    assert not set('"<>{}[]|') & set(out.replace("<br/>", ""))
    assert "中文" in out
