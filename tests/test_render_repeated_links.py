"""A dependency written twice (``after: [t1, t1]``, as bench/generate.py writes) draws
its two arrows on one path, so the map shows a single arrow into the task."""

from __future__ import annotations

import re
from pathlib import Path

from lifecycle.drawing.maps import build_map
from lifecycle.loader import load

WORKFLOW = """\
id: twice
title: A dependency named twice
organizations:
  plan: {name: Health plan, kind: payer}
  cbo: {name: Food bank, kind: cbo}
roles:
  cm: {org: plan, title: Care manager}
  intake: {org: cbo, title: Intake coordinator}
phases:
  pre:
    title: Pre-launch
    tasks:
      t1: {title: Agree the referral form, owner: cm}
      t2: {title: Send the first referral, owner: cm, after: [t1]}
      t3: {title: Take the referral in, owner: intake, after: [t1, t1, t2]}
"""


def test_a_dependency_named_twice_is_drawn_on_one_path(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(WORKFLOW, encoding="utf-8")
    source = build_map(load(path)).graph.source
    paths = re.findall(r'id="after-t1--t3"[^\n]*? pos="([^"]+)"', source)
    assert len(paths) == 2
    assert paths[0] == paths[1]
    # The arrow from t2 enters t3 at its own point, not on top of t1's.
    (other,) = re.findall(r'id="after-t2--t3"[^\n]*? pos="([^"]+)"', source)
    assert other.split()[0] != paths[0].split()[0]
