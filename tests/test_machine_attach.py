"""Attaching many instances to one shared machine: every one is attached, can
move on its own, and can be detached again."""

from __future__ import annotations

from lifecycle.machine import Tracked, task_machine


def test_attach_all_attaches_every_model_and_each_moves_alone() -> None:
    shared = task_machine()
    models = shared.attach_all(Tracked(f"task {i}", "todo") for i in range(1000))
    assert len(shared.machine.models) == 1000
    assert all(model in shared.machine.models for model in models)
    assert Tracked("stranger", "todo") not in shared.machine.models
    assert shared.fire(models[10], "start") == "in-progress"
    assert [m.state for m in models[9:12]] == ["todo", "in-progress", "todo"]
    shared.detach(models[10])
    assert models[10] not in shared.machine.models
    assert len(shared.machine.models) == 999
    # Attaching the same model twice keeps one entry.
    shared.attach(models[0])
    assert len(shared.machine.models) == 999
