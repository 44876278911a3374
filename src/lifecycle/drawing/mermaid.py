"""Mermaid flowcharts for markdown documents: organizations and lanes as subgraphs.

Mermaid cannot draw true bands, so a lane is a subgraph (inside its
organization's subgraph) holding its cards; arrows keep their kinds: handoffs
are thick and labelled with the channel, dependencies on an earlier phase dotted.
"""

from __future__ import annotations

from collections import defaultdict

from lifecycle.drawing.labels import mermaid_text
from lifecycle.drawing.lane_model import LaneMap
from lifecycle.drawing.style import SEVERITY_COLOURS

__all__ = ["lane_map_mermaid"]

_ARROWS = {"after": "-->", "earlier": "-.->", "next": "-->", "handoff": "==>", "tie": "-.-", "back": "-.->"}


def _node_id(kind: str, key: str) -> str:
    # Mermaid ids are words: hyphens would read as arrows.
    return f"{kind}_{key.replace('-', '_')}"


def lane_map_mermaid(lane_map: LaneMap) -> str:
    """The Mermaid ``flowchart LR`` text of ``lane_map``.

    Parameters
    ----------
    lane_map
        A swimlane or journey map.

    Returns
    -------
    str
        Mermaid source, one statement per line, ending with a newline.
    """
    out = ["flowchart LR", f"  %% {mermaid_text(lane_map.title)}"]
    by_lane = defaultdict(list)
    for card in lane_map.cards:
        by_lane[card.lane].append(card)
    org_open: str | None = None
    for i, lane in enumerate(lane_map.lanes):
        if lane.org != org_open or i == 0:
            if i:
                out.append("  end")
            out.append(f'  subgraph org_{i}["{mermaid_text(lane.org_title)}"]')
            org_open = lane.org
        out.append(f'    subgraph lane_{_node_id("lane", lane.key)}["{mermaid_text(lane.title)}"]')
        for card in by_lane[lane.key]:
            shape = {"exit": ('(["', '"])'), "chip": ('("', '")')}.get(card.kind, ('["', '"]'))
            out.append(f"      {_node_id(card.kind, card.key)}{shape[0]}{mermaid_text(card.label)}{shape[1]}")
        out.append("    end")
    if lane_map.lanes:
        out.append("  end")
    kind_of: dict[str, str] = {c.key: c.kind for c in lane_map.cards}
    drawn: list[str] = []
    for link in lane_map.links:
        if link.tail not in kind_of or link.head not in kind_of:
            continue
        arrow = _ARROWS[link.kind]
        label = f'|"{mermaid_text(link.label)}"|' if link.label else ""
        tail, head = _node_id(kind_of[link.tail], link.tail), _node_id(kind_of[link.head], link.head)
        out.append(f"  {tail} {arrow}{label} {head}")
        drawn.append(link.element or link.key)
    if lane_map.findings:
        out.extend(_findings(lane_map, kind_of, drawn))
    return "\n".join(out) + "\n"


def _findings(lane_map: LaneMap, kind_of: dict[str, str], drawn: list[str]) -> list[str]:
    """The overlay in Mermaid: marked cards, lanes and arrows in the finding's colour,
    and every finding as a comment (Mermaid has no footer)."""
    out = [f"  classDef {kind} stroke:{colour},stroke-width:3px" for kind, colour in SEVERITY_COLOURS.items()]
    lanes = {lane.key for lane in lane_map.lanes}
    rank = {"spof": 0, "gap": 1, "other": 2}
    for f in sorted(lane_map.findings, key=lambda f: rank[f.kind], reverse=True):
        colour = SEVERITY_COLOURS[f.kind]
        if f.element in kind_of:
            out.append(f"  class {_node_id(kind_of[f.element], f.element)} {f.kind}")
        elif f.element in lanes:
            out.append(f"  style lane_{_node_id('lane', f.element)} stroke:{colour},stroke-width:3px")
        out.extend(
            f"  linkStyle {i} stroke:{colour},stroke-width:3px"
            for i, element in enumerate(drawn)
            if element == f.element
        )
    shown = dict.fromkeys((f.code, " ".join(f.message.split())) for f in lane_map.findings)
    out += [f"  %% {code}: {message}" for code, message in shown]
    out += [f"  %% {' '.join(note.split())}" for note in lane_map.notes]
    return out
