"""What a facilitator needs of the studio page at a given window size, measured in
the browser: what does not fit, as one line each (an empty list when all fits).

"Fits" means:

- the page itself never scrolls: only the boxes meant to (the side panel and the
  tables, downwards) hold more than the window, and the side panel not sideways;
- every control shown (the header's, the map toolbar's, the what-if bar's and the
  gates') has a size and lies wholly inside the window;
- the text of the key labels (header, buttons, export links, card headings, table
  headings, gate chips) lies wholly inside its own box: nothing cut off or
  ellipsised;
- the map's drawing area lies inside the window, and the drawing, as first shown
  (fitted), lies inside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["layout_problems"]

CONTROLS = (
    "header select, header button, .toolbar select, .toolbar button, .exports a, "
    "#whatif-bar button, #gates .gate"
)
LABELS = (
    "header .brand, #workflow-title, nav button, #live, .toolbar button, .exports a, .card h2, "
    "#whatif-bar button, #raci th, #gates th, #gates .gate, #gate-detail h2"
)

_MEASURE = """([controls, labels]) => {
  const problems = [];
  const screen = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  // Half a pixel of slack for sub-pixel layout.
  const inside = (r, box) => r.left >= box.left - 0.5 && r.right <= box.right + 0.5
    && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const what = (e) => (e.id ? "#" + e.id : e.tagName.toLowerCase())
    + ` "${(e.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40)}"`;
  const page = document.documentElement;
  if (page.scrollWidth > innerWidth || page.scrollHeight > innerHeight) {
    problems.push(`the page scrolls: ${page.scrollWidth}x${page.scrollHeight}`);
  }
  const side = document.querySelector("aside.side");
  if (side && shown(side) && side.scrollWidth > side.clientWidth) {
    problems.push(`the side panel scrolls sideways: ${side.scrollWidth} > ${side.clientWidth}`);
  }
  for (const e of document.querySelectorAll(controls)) {
    if (!shown(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) problems.push(`${what(e)} has no size`);
    else if (!inside(r, screen)) problems.push(`${what(e)} is off-screen`);
  }
  for (const e of document.querySelectorAll(labels)) {
    if (!shown(e)) continue;
    const text = document.createRange();
    text.selectNodeContents(e);
    const r = text.getBoundingClientRect();
    // An ellipsis or a clipping box leaves the text wider than the box shows.
    const clipped = e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "visible";
    if (clipped || (r.width > 0 && !inside(r, e.getBoundingClientRect()))) {
      problems.push(`${what(e)}: its text is cut off`);
    }
  }
  const map = document.querySelector("#map");
  const svg = document.querySelector("#map svg");
  if (map && svg && shown(svg)) {
    const box = map.getBoundingClientRect();
    if (!inside(box, screen)) problems.push("the map's drawing area is off-screen");
    const drawing = svg.querySelector("g").getBoundingClientRect();
    if (!inside(drawing, box)) problems.push("the map is not all in its drawing area");
  }
  return problems;
}"""


def layout_problems(page: Page) -> list[str]:
    """Whatever of the page shown in ``page`` (a Playwright page) does not fit its window."""
    problems: list[str] = page.evaluate(_MEASURE, [CONTROLS, LABELS])
    return problems
