"""Mermaid flowcharts for markdown documents: organizations and lanes as subgraphs.

Mermaid cannot draw true bands, so a lane is a subgraph (inside its
organization's subgraph) holding its cards; arrows keep their kinds: handoffs
are thick and labelled with the channel, dependencies on an earlier phase dotted.
"""

from __future__ import annotations

from collections import defaultdict

from lifecycle.render.labels import mermaid_text
from lifecycle.render.lane_model import LaneMap

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
    kind_of = {c.key: c.kind for c in lane_map.cards}
    for link in lane_map.links:
        if link.tail not in kind_of or link.head not in kind_of:
            continue
        arrow = _ARROWS[link.kind]
        label = f'|"{mermaid_text(link.label)}"|' if link.label else ""
        tail, head = _node_id(kind_of[link.tail], link.tail), _node_id(kind_of[link.head], link.head)
        out.append(f"  {tail} {arrow}{label} {head}")
    return "\n".join(out) + "\n"
