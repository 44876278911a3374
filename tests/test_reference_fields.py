"""References are declared once on the model's fields (``Ref``); the loader's
reference checks and the rules' walkers follow the declarations."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from pydantic import BaseModel

from lifecycle import model as model_module
from lifecycle.diagnostics import LoadError
from lifecycle.loader import Document, loads
from lifecycle.model import ID_PATTERN, Ref, Workflow
from lifecycle.references import iter_references
from lifecycle.safe_yaml import Locator, parse

HUB = ROOT / "workflows" / "payer-cch-network.yaml"
CHARTER = ROOT / "workflows" / "cbo-network-formation.yaml"
FHIR = ROOT / "workflows" / "fhir-referral-task.yaml"
NOT_REFERENCES = {("Workflow", "id")}
"""Id fields that name the element itself, not another one."""


def _models() -> list[type[BaseModel]]:
    return [
        item
        for item in vars(model_module).values()
        if isinstance(item, type) and issubclass(item, BaseModel) and item.__module__ == model_module.__name__
    ]


def _names_an_id(annotation: Any) -> bool:
    return ID_PATTERN in repr(annotation)


def test_every_id_field_declares_what_it_refers_to() -> None:
    undeclared = [
        f"{m.__name__}.{name}"
        for m in _models()
        for name, info in m.model_fields.items()
        if (m.__name__, name) not in NOT_REFERENCES
        and not repr(info.annotation).startswith("dict[")
        and _names_an_id(info.annotation)
        and not any(isinstance(x, Ref) for x in info.metadata)
    ]
    assert undeclared == []


def _dump(data: Any) -> str:
    # libyaml's emitter (where PyYAML has it): the same text as yaml.safe_dump, ten times
    # faster on the 90 KB hub workflow, which each of the 51 cases dumps again.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)


@functools.cache  # read-only: the tests deep-copy the data before they break it
def _document(path: Path = HUB) -> tuple[Document, Any]:
    data = parse(path.read_text(encoding="utf-8"))
    if path == HUB:
        # A field no shipped workflow needs, filled in so that every declared field is walked.
        next(iter(data["journeys"].values())).setdefault("opens_at", "implementation")
    text = _dump(data)
    return loads(text, str(path)), data


def _with_field(field: str) -> tuple[Document, Any, Any]:
    """A shipped workflow that fills ``field``, with the field's first reference."""
    for path in (HUB, CHARTER, FHIR):
        document, data = _document(path)
        reference = _one_per_field(document.workflow).get(id(DECLARED[field]))
        if reference is not None:
            return document, data, reference
    raise AssertionError(f"no shipped workflow fills {field}")


def _set(data: Any, path: tuple[Any, ...], value: str) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    if isinstance(node, str):  # a one-item list written without brackets
        _set(data, path[:-1], value)
    else:
        node[path[-1]] = value


def _one_per_field(workflow: Workflow) -> dict[int, Any]:
    first: dict[int, Any] = {}
    for reference in iter_references(workflow):
        first.setdefault(id(reference.ref), reference)
    return first


DECLARED = {
    f"{m.__name__}.{name}": ref
    for m in _models()
    for name, info in m.model_fields.items()
    for ref in info.metadata
    if isinstance(ref, Ref)
}


def test_the_walk_reaches_every_declared_field() -> None:
    reached: dict[int, Any] = {}
    for path in (HUB, CHARTER, FHIR):
        reached.update(_one_per_field(_document(path)[0].workflow))
    assert len(reached) == len(DECLARED) == 51


@pytest.mark.parametrize("field", list(DECLARED))
def test_a_broken_reference_in_each_declared_field_is_reported_where_it_is(field: str) -> None:
    _, data, reference = _with_field(field)
    broken = copy.deepcopy(data)
    _set(broken, reference.path, "nowhere-x")
    text = _dump(broken)
    with pytest.raises(LoadError) as info:
        loads(text, "w.yaml")
    found = [d for d in info.value.diagnostics if d.code == "E301" and "'nowhere-x'" in d.message]
    assert found, info.value.diagnostics
    assert reference.ref.what in found[0].message
    location = found[0].location
    assert (location.line, location.column) == Locator(text).locate(reference.path)


def test_duties_name_what_the_actor_does() -> None:
    document, _ = _document()
    duties = {r.duty() for r in iter_references(document.workflow)} - {None}
    assert any(d.startswith("owns task ") for d in duties)
    assert any(d.startswith("is level 1 of escalation ") for d in duties)
    assert any(" of journey " in d for d in duties)


def test_a_reference_to_an_unknown_kind_is_refused_where_it_is_declared() -> None:
    with pytest.raises(ValueError, match="not \\['rol'\\]"):
        Ref("rol", what="owner role")


def test_journey_ids_and_workflow_ids_are_not_mixed_in_one_reference() -> None:
    with pytest.raises(ValueError, match="not both"):
        Ref("step", "role", what="next step or role")
