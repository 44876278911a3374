"""Turn a placed :class:`~lifecycle.drawing.lane_model.LaneMap` into Graphviz DOT.

Every position is fixed (``layout=nop2``: Graphviz keeps the positions and only
routes the arrows), so ``dot -Tsvg map.dot`` reproduces the map exactly. Lanes
are clusters whose bounding box is given (``bb``): full-width bands, drawn under
the cards, with ids ``lane-<role>`` in SVG. Cards are ``task-<id>``,
``step-<id>`` or ``exit-<id>``; handoff arrows are ``handoff-<id>``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import graphviz

from lifecycle.drawing import style
from lifecycle.drawing.dot_text import DotGraph, Html
from lifecycle.drawing.label_place import place_labels
from lifecycle.drawing.labels import dot_label, html_text, wrap
from lifecycle.drawing.lane_model import LaneMap, Mark, MarkKind
from lifecycle.drawing.layout import SCREEN, Box, Geometry, Spacing, label_lines, place
from lifecycle.drawing.overlay import gate_key
from lifecycle.drawing.route import route_links

__all__ = ["draw_lane_map", "footer_lines", "node_name"]

_LINK_STYLE: dict[str, dict[str, str]] = {
    "after": {"color": "#8c8c8c", "arrowsize": "0.7", "penwidth": "1.1"},
    "earlier": {"color": "#c8c8c8", "arrowsize": "0.6", "penwidth": "1", "style": "dashed"},
    "next": {"color": "#404040", "arrowsize": "0.8", "penwidth": "1.3"},
    "back": {"color": "#2166ac", "arrowsize": "0.8", "penwidth": "1.5", "style": "dashed"},
    "handoff": {"color": style.HANDOFF, "fontcolor": style.HANDOFF, "penwidth": "2.2", "arrowsize": "0.9"},
    "tie": {"color": "#707070", "style": "dotted", "penwidth": "1.3", "dir": "none"},
}
_LEGEND = {
    "after": "grey arrow: depends on (task starts after)",
    "earlier": "light dashed arrow: depends on a task of an earlier phase",
    "handoff": "orange arrow: handoff from the sender's lane to the receiver's, labelled with its channel",
    "next": "dark arrow: the member moves to the next step",
    "back": "blue dashed arrow: the member goes back to an earlier step",
    "tie": (
        "a task stands in the lane of the role that performs it (responsible, else accountable); "
        "a small tag tied to it by a dotted line shows another role's part in it "
        "(A accountable, R responsible, C consulted, I informed; 'handoff': hands work on there)"
    ),
}
_BORDERS: dict[str, dict[str, str]] = {
    "solid": {},
    "bold": {"penwidth": "2.5"},
    "double": {"peripheries": "2"},
    "dashed": {"style": ",dashed", "penwidth": "1.5"},
    "dotted": {"style": ",dotted", "penwidth": "1.8"},
}
"""Card borders (see ``Card.border``): Graphviz style, peripheries and pen width."""
_PLATE = '<table border="0" cellborder="0" cellpadding="1" bgcolor="white"><tr><td>{}</td></tr></table>'
_FAMILY_WORDS = {"spof": "single point of failure", "gap": "gap", "other": "finding"}


def node_name(kind: str, key: str) -> str:
    """The DOT node name of a card; ``kind.key`` keeps element kinds apart."""
    return f"{kind}.{key}"


def _inches(points: float) -> str:
    return f"{points / 72:.3f}"


def _pos(box: Box) -> str:
    return f"{box.x:.1f},{box.y:.1f}"


def _bb(box: Box) -> str:
    return ",".join(f"{v:.1f}" for v in box.bb)


def _fixed(box: Box) -> dict[str, str]:
    return {"pos": _pos(box), "width": _inches(box.w), "height": _inches(box.h), "fixedsize": "true"}


def footer_lines(lane_map: LaneMap) -> list[str]:
    """The lines under the map: legend, notes, and the overlay's findings."""
    legend = [_LEGEND[k] for k in sorted({link.kind for link in lane_map.links})]
    if any(c.joint for c in lane_map.cards):
        legend.append("lilac card: joint work of roles from more than one organization")
    if any(b.gate for b in lane_map.blocks):
        legend.append("hexagon and dashed line: exit gate")
    legend.extend(lane_map.legend)
    if lane_map.findings:
        legend.append("red border: single point of failure; orange: gap; purple: other finding")
    lines = wrap("Legend: " + "; ".join(legend), 120) if legend else []
    lines.extend(lane_map.notes)
    if lane_map.findings:
        # One line per finding, however many elements it marks.
        shown = list(dict.fromkeys((f.code, f.kind, f.message) for f in lane_map.findings))
        lines.append(f"Findings marked on the map ({len(shown)}):")
        for code, kind, message in shown:
            for i, part in enumerate(wrap(f"{code} {_FAMILY_WORDS[kind]}: {message}", 120)):
                lines.append(("  - " if i == 0 else "    ") + part)
    return lines


@dataclass(frozen=True)
class _Marked:
    """What an element's findings add to it: the most serious kind's colour, every code."""

    kind: MarkKind
    code: str


def _marks(findings: list[Mark]) -> dict[str, _Marked]:
    """Per element: its most serious finding's kind (single points of failure first)
    and all its codes."""
    rank = {"spof": 0, "gap": 1, "other": 2}
    by_element: dict[str, list[Mark]] = defaultdict(list)
    for f in findings:
        by_element[f.element].append(f)
    return {
        element: _Marked(
            min(found, key=lambda f: rank[f.kind]).kind, " ".join(dict.fromkeys(f.code for f in found))
        )
        for element, found in by_element.items()
    }


def draw_lane_map(lane_map: LaneMap, spacing: Spacing = SCREEN) -> graphviz.Source:
    """The DOT graph of ``lane_map`` with every position fixed.

    Parameters
    ----------
    lane_map
        What to draw.
    spacing
        The room between its parts (the screen's unless a page asks for less).

    Returns
    -------
    graphviz.Source
        A graph with ``layout=nop2``: render it with ``dot`` or ``neato -n2``.
    """
    footer = footer_lines(lane_map)
    geo = place(lane_map, footer, spacing)
    marks = _marks(lane_map.findings)
    g = DotGraph("lanemap")
    g.attr(
        "graph",
        layout="nop2",
        splines="true",
        outputorder="edgesfirst",
        bb=f"0,0,{geo.width:.1f},{geo.height:.1f}",
        fontname=style.FONT,
        bgcolor="white",
        pad="0.2",
    )
    g.attr("node", fontname=style.FONT, fontsize="10", margin="0.05,0.03")
    g.attr("edge", fontname=style.FONT, fontsize="9")
    _draw_lanes(g, lane_map, geo, marks)
    _draw_headers(g, lane_map, geo, marks)
    _draw_links(g, lane_map, geo, marks)
    if geo.footer is not None:
        g.node(
            "footer",
            dot_label(footer, justify="left"),
            shape="plaintext",
            fontsize="10",
            id="footer",
            **_fixed(geo.footer),
        )
    return g.source()


def _draw_lanes(g: DotGraph, lane_map: LaneMap, geo: Geometry, marks: dict[str, _Marked]) -> None:
    cards_by_lane = defaultdict(list)
    for placed in geo.cards.values():
        cards_by_lane[placed.card.lane].append(placed)
    org_index: dict[str | None, int] = {}
    for i, lane in enumerate(lane_map.lanes):
        head, fill, alternate = style.org_tints(lane.org_kind)
        shade = org_index.setdefault(lane.org, 0)
        org_index[lane.org] = shade + 1
        with g.subgraph(name=f"cluster_lane_{i}") as band:
            band.attr(
                bb=_bb(geo.lanes[lane.key]),
                style="filled",
                fillcolor=alternate if shade % 2 else fill,
                color="white",
                penwidth="2",
                label="",
                id=f"lane-{lane.key}",
                **{"class": f"lane org-{lane.org or 'none'}"},
            )
            mark = marks.get(lane.key)
            title = label_lines(lane.title, geo.spacing.lane_wrap)
            if lane.unofficial:
                title.append("(not in any role)")
            if mark is not None:
                title.append(f"⚠ {mark.code}")
            band.node(
                node_name("lanehead", lane.key),
                dot_label(title),
                shape="box",
                style="filled,rounded" + (",dashed" if lane.unofficial else ""),
                fillcolor=head,
                color=style.SEVERITY_COLOURS[mark.kind] if mark else head,
                penwidth="3" if mark else "1",
                id=f"lanehead-{lane.key}",
                **_fixed(geo.lane_headers[lane.key]),
            )
            for placed in cards_by_lane[lane.key]:
                card = placed.card
                mark = marks.get(card.key)
                chip = card.kind == "chip"
                border = style.JOINT if card.joint else "#505050"
                outline = _BORDERS[card.border]
                band.node(
                    node_name(card.kind, card.key),
                    dot_label(placed.lines),
                    shape="box",
                    style="filled,rounded" + outline.get("style", ""),
                    peripheries=outline.get("peripheries", "1"),
                    fillcolor=head if chip else card.fill,
                    fontsize="9" if chip else "10",
                    color=style.SEVERITY_COLOURS[mark.kind] if mark else border,
                    penwidth="3.5" if mark else "2" if card.joint else outline.get("penwidth", "1"),
                    id=f"{card.kind}-{card.key}",
                    tooltip=dot_label(card.tooltip or card.label),
                    **{"class": card.kind},
                    **_fixed(placed.box),
                )
    for oid, text, box in geo.orgs:
        head = style.org_tints(next(la.org_kind for la in lane_map.lanes if (la.org or "") == oid))[0]
        g.node(
            node_name("org", oid or "none"),
            dot_label(label_lines(text, geo.spacing.org_wrap)),
            shape="box",
            style="filled",
            fillcolor=head,
            color="#707070",
            fontsize="11",
            id=f"org-{oid or 'none'}",
            **_fixed(box),
        )


def _draw_headers(g: DotGraph, lane_map: LaneMap, geo: Geometry, marks: dict[str, _Marked]) -> None:
    sp = geo.spacing
    title = Box(
        (sp.org_w + sp.lane_w) / 2, geo.height - sp.header_h / 2, sp.org_w + sp.lane_w - 8, sp.header_h - 8
    )
    g.node(
        "title",
        dot_label(wrap(lane_map.title, sp.title_wrap, max_lines=4)),
        shape="plaintext",
        fontsize="12",
        id="title",
        **_fixed(title),
    )
    for block in lane_map.blocks:
        box = geo.blocks[block.key]
        g.node(
            node_name("block", block.key),
            dot_label(wrap(block.title, max(12, int(box.w / 7)), max_lines=3)),
            shape="box",
            style="filled,rounded",
            fillcolor="#f0f0f0",
            color="#909090",
            fontsize="12",
            id=f"block-{block.key}",
            **_fixed(box),
        )
        if block.gate is not None:
            gate = geo.gates[block.key]
            lines = wrap(block.gate.title, sp.gate_wrap, max_lines=sp.gate_lines)
            lines += wrap(block.gate.detail, sp.gate_wrap, max_lines=1)
            mark = marks.get(gate_key(block.key))
            attrs = dict(style.GATE_NODE)
            if mark is not None:
                lines.append(f"⚠ {mark.code}")
                attrs.update(color=style.SEVERITY_COLOURS[mark.kind], penwidth="3.5")
            g.node(
                node_name("gate", block.key),
                dot_label(lines),
                id=f"gate-{block.gate.key}",
                **attrs,
                **_fixed(gate),
            )
    top = max((b.bb[3] for b in geo.lanes.values()), default=0.0)
    bottom = min((b.bb[1] for b in geo.lanes.values()), default=0.0)
    for i, (x, gated) in enumerate(geo.boundaries):
        ends = (node_name("rule", f"{i}.top"), node_name("rule", f"{i}.bottom"))
        for name, y in zip(ends, (top, bottom), strict=True):
            g.node(
                name, "", shape="point", width="0.01", height="0.01", style="invis", pos=f"{x:.1f},{y:.1f}"
            )
        third = (top - bottom) / 3
        points = " ".join(f"{x:.1f},{top - k * third:.1f}" for k in range(4))
        g.edge(
            *ends,
            pos=points,
            dir="none",
            style="dashed",
            color="#cc8800" if gated else "#b0b0b0",
            penwidth="1.5",
            id=f"boundary-{i}",
            **{"class": "boundary"},
        )


def _draw_links(g: DotGraph, lane_map: LaneMap, geo: Geometry, marks: dict[str, _Marked]) -> None:
    kind_of = {c.key: c.kind for c in lane_map.cards}
    routes = route_links(geo, lane_map.links, {c.key: c.lane for c in lane_map.cards})
    texts: dict[str, list[str]] = {}
    for link in lane_map.links:
        mark = marks.get(link.element or link.key)
        label = f"⚠ {mark.code} {link.label or ''}".strip() if mark else link.label
        if label:
            texts[link.key] = wrap(label, geo.spacing.label_wrap, max_lines=3)
    spots = place_labels(geo, routes, texts)
    for link in lane_map.links:
        if link.key not in routes:
            continue
        route = routes[link.key]
        attrs = dict(_LINK_STYLE[link.kind])
        attrs["pos"] = route.pos
        mark = marks.get(link.element or link.key)
        if link.alert:
            attrs.update(color=style.CHANNEL_MISSING, fontcolor=style.CHANNEL_MISSING, style="dashed")
        if mark is not None:
            colour = style.SEVERITY_COLOURS[mark.kind]
            attrs.update(color=colour, fontcolor=colour, penwidth="3.5")
        if link.key in texts:
            # A white plate behind the text: the label sits on its arrow and stays readable.
            text = "<br/>".join(html_text(line) for line in texts[link.key])
            attrs["label"] = Html(f"<{_PLATE.format(text)}>")
            attrs["lp"] = "{:.1f},{:.1f}".format(*spots[link.key])

        if link.tooltip:
            attrs["tooltip"] = dot_label(link.tooltip)
        g.edge(
            node_name(kind_of[link.tail], link.tail),
            node_name(kind_of[link.head], link.head),
            id=f"{link.kind}-{link.key}",
            **{"class": link.kind},
            **attrs,
        )
