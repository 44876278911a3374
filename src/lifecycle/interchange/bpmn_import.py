"""Import a BPMN 2.0 file (a collaboration or a single process) as a workflow file.

The subset read: pools (participants) become organizations, lanes roles,
tasks tasks in the role of their lane, sequence flows the order of tasks
(through gateways and intermediate events), message flows handoffs, conditional
intermediate catch events phase exit gates, start and end events the ends of
the order (a lifecycle export's journey exits become journey exits again).
Everything else, such as a boundary event, a sub-process, a data object, a
text annotation or a modeler's extension elements, is reported with its id,
kind and line, and left out; nothing is dropped silently.

The XML is read with entities never expanded, no network access, no DOCTYPE
and a size limit, since a BPMN file is often someone else's file.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from lifecycle.diagnostics import Diagnostic, LoadError, Location
from lifecycle.interchange.bpmn_names import BPMN, LIFECYCLE, XSI, movers_from_text, strip_prefix
from lifecycle.loader import max_file_bytes
from lifecycle.model import ID_PATTERN, Channel, without_control_characters

__all__ = ["Imported", "Skipped", "import_bpmn", "parse_bpmn", "workflow_yaml"]

TASKS = frozenset(
    {
        "task",
        "userTask",
        "manualTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "scriptTask",
        "businessRuleTask",
    }
)
GATEWAYS = frozenset(
    {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
)
PASSED_THROUGH = GATEWAYS | {"intermediateCatchEvent", "intermediateThrowEvent"}
"""Nodes that order passes through: a task after a gateway is after the tasks before it."""

_PLAIN = frozenset({"documentation", "extensionElements", "incoming", "outgoing"})
_ID_OK = re.compile(ID_PATTERN)
# The last "Source: " paragraph, to the end: a source may run over several lines.
_SOURCE = re.compile(r"(?:\A|\n\n)Source: (?P<source>(?:(?!\n\nSource: ).)+)\Z", re.DOTALL)


@dataclass(frozen=True)
class Skipped:
    """An element outside the subset lifecycle reads, left out of the workflow."""

    element: str
    """Its id (or, for an element without one, the id of the element that holds it)."""

    kind: str
    """Its tag, with its namespace prefix (``bpmn:boundaryEvent``, ``camunda:formData``)."""

    line: int

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind} {self.element}"


@dataclass
class Imported:
    """What an import produced: the workflow's data, what was left out, and notes."""

    data: dict[str, Any]
    """The workflow as plain data, in the order a workflow file lists it."""

    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Choices the import made that a reader should know (an organization's kind guessed)."""


def _line(element: etree._Element) -> int:
    return int(getattr(element, "sourceline", 0) or 0)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _ns(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""


def _error(name: str, code: str, message: str, line: int = 0, column: int = 0) -> LoadError:
    return LoadError([Diagnostic(Location(name, line, column), code, message)])


def parse_bpmn(data: bytes, name: str) -> etree._Element:
    """Parse ``data`` as BPMN 2.0 XML, safely, and return its ``definitions`` root.

    Raises
    ------
    LoadError
        B101 when the XML is not well-formed, B102 when it is not BPMN 2.0,
        B103 when it declares a DOCTYPE (entities are never expanded), each at
        its line.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise _error(name, "B101", f"not well-formed XML: {exc.msg}", line, column) from None
    if str(getattr(root.getroottree().docinfo, "doctype", "")):
        raise _error(
            name, "B103", "a DOCTYPE is not allowed in a BPMN file (entities are not expanded)", 1, 1
        )
    # Names from other tools may hold control characters that XML allows and the
    # format does not; a blank name is no name (the element's id stands in).
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, without_control_characters(str(value)))
        if not element.get("name", "x").strip():
            del element.attrib["name"]
        if element.text:
            element.text = without_control_characters(element.text)
    if root.tag != f"{{{BPMN}}}definitions":
        found = etree.QName(root)
        raise _error(
            name,
            "B102",
            f"not a BPMN 2.0 file: the root element is {found.localname!r} in namespace "
            f"{found.namespace or 'none'!r}, not 'definitions' in {BPMN!r}",
            _line(root),
            1,
        )
    return root


def _read(path: str | os.PathLike[str]) -> bytes:
    name = os.fspath(path)
    limit = max_file_bytes()
    try:
        size = os.stat(name).st_size
        if size > limit:
            raise _error(name, "E106", f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB limit")
        with open(name, "rb") as handle:
            return handle.read(limit + 1)
    except IsADirectoryError:
        raise _error(name, "E100", "is a directory, not a BPMN file") from None
    except FileNotFoundError:
        raise _error(name, "E100", "no such file") from None
    except OSError as exc:
        raise _error(name, "E100", f"cannot read file: {exc.strerror or exc}") from None


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")[:60].strip("-_")
    return slug


class _Ids:
    """Ids for one kind of element: in a lifecycle export, the lifecycle id behind the
    prefix; else a slug of the name (``Screen member`` -> ``screen-member``), else of
    the BPMN id (modelers' ids such as ``Activity_0x1abc`` mean nothing to a reader,
    and bpmn.io's ``Participant_`` and ``Lane_`` look like lifecycle's prefixes)."""

    def __init__(self, kind: str, exported: bool) -> None:
        self.kind = kind
        self.exported = exported
        self.taken: set[str] = set()

    def make(self, element_id: str, name: str | None) -> str:
        own = strip_prefix(self.kind, element_id) if self.exported else None
        candidates = [own] if own and _ID_OK.match(own) else []
        candidates += [_slug(name or ""), _slug(element_id), self.kind]
        base = next(c for c in candidates if c and _ID_OK.match(c))
        chosen, n = base, 2
        while chosen in self.taken:
            chosen, n = f"{base}-{n}", n + 1
        self.taken.add(chosen)
        return chosen


def _described(element: etree._Element, into: dict[str, Any]) -> dict[str, Any]:
    """Add an element's documentation to ``into``: the notes, and a last ``Source:``
    paragraph (as the export writes it) as the source."""
    text = (element.findtext(f"{{{BPMN}}}documentation") or "").strip()
    if text:
        match = _SOURCE.search(text)
        if match:
            into["source"] = match["source"]
            text = text[: match.start()].strip()
        if text:
            into["notes"] = text
    return into


def _ext(element: etree._Element, tag: str) -> etree._Element | None:
    return element.find(f"{{{BPMN}}}extensionElements/{{{LIFECYCLE}}}{tag}")


def _ids(value: str | None) -> list[str]:
    return value.split() if value else []


def _channel_and_passes(label: str | None) -> tuple[str | None, str | None]:
    """``portal: member list`` -> ("portal", "member list"); an unknown word is all passes."""
    if not label:
        return None, None
    head, _, rest = label.partition(":")
    word = head.strip().lower()
    if word in {c.value for c in Channel}:
        return word, rest.strip() or None
    if word == "no channel":
        return None, rest.strip() or None
    return None, label.strip()


class _Reader:
    def __init__(self, root: etree._Element, name: str) -> None:
        self.root = root
        self.name = name
        self.skipped: list[Skipped] = []
        self.notes: list[str] = []
        self.elements = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
        workflow = f"{{{BPMN}}}collaboration/{{{BPMN}}}extensionElements/{{{LIFECYCLE}}}workflow"
        self.exported = root.find(workflow) is not None
        """Whether lifecycle wrote this file (its ids and ``lc:`` extensions can be trusted)."""
        self.org_ids, self.role_ids = _Ids("participant", self.exported), _Ids("lane", self.exported)
        self.task_ids = _Ids("task", self.exported)
        self.exit_ids, self.handoff_ids = _Ids("exit", self.exported), _Ids("handoff", self.exported)
        self.org_of_participant: dict[str, str] = {}
        self.role_of_node: dict[str, str] = {}
        self.organizations: dict[str, dict[str, Any]] = {}
        self.roles: dict[str, dict[str, Any]] = {}
        self.people: dict[str, dict[str, Any]] = {}
        self.first_role: dict[str, str] = {}
        self.nodes: dict[str, etree._Element] = {}
        self.task_of: dict[str, str] = {}
        self.exit_of: dict[str, str] = {}
        self.incoming: dict[str, list[etree._Element]] = defaultdict(list)
        self.outgoing: dict[str, list[etree._Element]] = defaultdict(list)
        self.messages: list[etree._Element] = []
        self.journey_mode = False

    def skip(self, element: etree._Element, holder: etree._Element | None = None) -> None:
        prefix = element.prefix or ""
        kind = f"{prefix}:{_local(element)}" if prefix else _local(element)
        owner = element.get("id") or (holder.get("id") if holder is not None else None) or "(no id)"
        self.skipped.append(Skipped(owner, kind, _line(element)))

    def foreign_extensions(self, holder: etree._Element, element: etree._Element) -> None:
        """Report a modeler's own extensions (``camunda:``, ``zeebe:``); lifecycle's are read."""
        for extension in holder:
            if isinstance(extension.tag, str) and _ns(extension) != LIFECYCLE:
                self.skip(extension, element)

    def foreign_attributes(self, element: etree._Element) -> None:
        """Report a modeler's own attributes (``camunda:assignee``) on an element read."""
        for attribute in element.attrib:
            namespace = etree.QName(attribute).namespace
            if namespace and namespace not in (BPMN, LIFECYCLE, XSI):
                prefix = next((p for p, uri in element.nsmap.items() if uri == namespace and p), namespace)
                where = element.get("id") or "(no id)"
                self.skipped.append(
                    Skipped(where, f"{prefix}:{etree.QName(attribute).localname}", _line(element))
                )

    def check_children(self, element: etree._Element, allowed: frozenset[str] | set[str]) -> None:
        """Report every child of ``element`` outside ``allowed``, foreign extensions and
        foreign attributes."""
        self.foreign_attributes(element)
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if _ns(child) == BPMN and _local(child) == "extensionElements":
                self.foreign_extensions(child, element)
            elif _ns(child) != BPMN or _local(child) not in allowed:
                self.skip(child, element)

    # -- pools, lanes, nodes ----------------------------------------------------------------------

    def read(self) -> Imported:
        collaboration = self.root.find(f"{{{BPMN}}}collaboration")
        processes = {p.get("id"): p for p in self.root.iterfind(f"{{{BPMN}}}process")}
        for child in self.root:
            read = _ns(child) == BPMN and _local(child) in ("collaboration", "process", "message")
            if child is not collaboration and _local(child) == "collaboration":
                read = False  # lifecycle reads one collaboration; a second one is reported
            if isinstance(child.tag, str) and not read and _local(child) != "BPMNDiagram":
                self.skip(child, self.root)
        pools: list[tuple[etree._Element | None, etree._Element]] = []
        if collaboration is not None:
            self.check_children(
                collaboration, {"participant", "messageFlow", "documentation", "extensionElements"}
            )
            for participant in collaboration.iterfind(f"{{{BPMN}}}participant"):
                found = processes.pop(participant.get("processRef", ""), None)
                if found is None:
                    self.notes.append(
                        f"pool {participant.get('id')} has no process (a black box): no tasks of its own"
                    )
                pools.append((participant, found if found is not None else etree.Element("none")))
        pools += [(None, orphan) for orphan in processes.values()]
        for pool, process in pools:
            self._pool(pool, process)
        if collaboration is not None:
            self.messages = list(collaboration.iterfind(f"{{{BPMN}}}messageFlow"))
        return self._workflow(collaboration)

    def _pool(self, participant: etree._Element | None, process: etree._Element) -> None:
        source = participant if participant is not None else process
        element_id = source.get("id", "pool")
        name = source.get("name") or process.get("name") or element_id
        oid = self.org_ids.make(element_id, name)
        kind = _ext(source, "organization")
        if kind is None:
            self.notes.append(f"organization {oid!r} ({name}): kind unknown, set to 'other'")
        self.organizations[oid] = _described(
            source, {"name": name, "kind": kind.get("kind", "other") if kind is not None else "other"}
        )
        if participant is not None:
            self.check_children(participant, {"documentation", "extensionElements"})
            self.org_of_participant[participant.get("id", "")] = oid
        self.foreign_attributes(process)
        lanes = []
        for lane in process.iter(f"{{{BPMN}}}lane"):
            if lane.find(f"{{{BPMN}}}childLaneSet") is None:
                lanes.append(lane)
            else:
                self.notes.append(
                    f"lane {lane.get('id')} ({lane.get('name') or 'no name'}) holds lanes: "
                    "its inner lanes are the roles"
                )
        for lane in lanes:
            self.foreign_attributes(lane)
            person = _ext(lane, "person")
            if person is not None and self._person(person, oid):
                # A person's own lane (lifecycle's unofficial "go-to"): a person, not a role.
                self.people[person.get("id", "")] = _described(lane, self.people[person.get("id", "")])
                for ref in lane.iterfind(f"{{{BPMN}}}flowNodeRef"):
                    self.role_of_node[(ref.text or "").strip()] = person.get("id", "")
                continue
            rid = self.role_ids.make(lane.get("id", "lane"), lane.get("name"))
            self.roles[rid] = _described(lane, {"org": oid, "title": lane.get("name") or rid})
            self.first_role.setdefault(oid, rid)
            for ref in lane.iterfind(f"{{{BPMN}}}flowNodeRef"):
                self.role_of_node[(ref.text or "").strip()] = rid
        for child in process:
            if not isinstance(child.tag, str):
                continue
            tag = _local(child) if _ns(child) == BPMN else ""
            if tag in ("laneSet", "documentation"):
                continue
            if tag == "extensionElements":
                self.foreign_extensions(child, process)
                continue
            if tag == "sequenceFlow":
                self.incoming[child.get("targetRef", "")].append(child)
                self.outgoing[child.get("sourceRef", "")].append(child)
                self.check_children(child, {"documentation", "extensionElements"})
                continue
            if tag in TASKS or tag in PASSED_THROUGH or tag in ("startEvent", "endEvent"):
                self._node(child, oid, process)
            else:
                self.skip(child, process)

    def _node(self, node: etree._Element, oid: str, process: etree._Element) -> None:
        node_id = node.get("id", "")
        self.nodes[node_id] = node
        tag = _local(node)
        allowed = set(_PLAIN)
        if tag in ("startEvent", "endEvent", "intermediateCatchEvent"):
            allowed |= {"messageEventDefinition", "conditionalEventDefinition"}
        if tag in ("intermediateCatchEvent", "intermediateThrowEvent") and not self._is_gate(node):
            self.skip(node, process)  # order passes through it, but it becomes nothing
        else:
            self.check_children(node, allowed)
        if node_id not in self.role_of_node:
            self.role_of_node[node_id] = self._staff(oid)
        if tag in TASKS:
            self.task_of[node_id] = self.task_ids.make(node_id, node.get("name"))
        elif tag == "endEvent" and _ext(node, "exit") is not None:
            self.exit_of[node_id] = self.exit_ids.make(node_id, node.get("name"))

    def _staff(self, oid: str) -> str:
        """The role of a pool's work when the pool has no lanes: its first lane, or one
        role for the whole organization."""
        if oid not in self.first_role:
            rid = self.role_ids.make(f"{oid}-staff", f"{oid}-staff")
            self.roles[rid] = {"org": oid, "title": f"{self.organizations[oid]['name']} staff"}
            self.first_role[oid] = rid
            self.notes.append(f"pool {oid!r} has no lanes: its work goes to one role {rid!r}")
        return self.first_role[oid]

    def _passes(self, ref: str) -> bool:
        return ref in self.nodes and _local(self.nodes[ref]) in PASSED_THROUGH

    @staticmethod
    def _is_gate(node: etree._Element) -> bool:
        return node.find(f"{{{BPMN}}}conditionalEventDefinition") is not None

    # -- order and handoffs -----------------------------------------------------------------------

    def _upstream(self, node_id: str, seen: set[str]) -> Iterator[str]:
        """The tasks right before ``node_id``, looking through gateways and events."""
        for flow in self.incoming.get(node_id, []):
            handoff = _ext(flow, "handoff")
            if handoff is not None and handoff.get("order") == "false":
                continue
            source = flow.get("sourceRef", "")
            if source in seen:
                continue
            seen.add(source)
            if source in self.task_of:
                yield source
            elif self._passes(source) and not self._is_gate(self.nodes[source]):
                yield from self._upstream(source, seen)

    def _downstream(self, node_id: str, seen: set[str]) -> Iterator[str]:
        """The tasks and exits right after ``node_id``, looking through gateways."""
        for flow in self.outgoing.get(node_id, []):
            target = flow.get("targetRef", "")
            if target in seen:
                continue
            seen.add(target)
            if target in self.task_of or target in self.exit_of:
                yield target
            elif self._passes(target):
                yield from self._downstream(target, seen)

    def _role_at(self, ref: str) -> str | None:
        if ref in self.role_of_node:
            return self.role_of_node[ref]
        oid = self.org_of_participant.get(ref)
        return self._staff(oid) if oid else None

    def _beside(self, ref: str, upstream: bool) -> str:
        """The node a parallel split (join) stands beside: the one flow into (out of) it."""
        node = self.nodes.get(ref)
        if node is None or _local(node) not in GATEWAYS:
            return ref
        flows = (self.incoming if upstream else self.outgoing).get(ref, [])
        if len(flows) != 1:
            return ref
        return self._beside(flows[0].get("sourceRef" if upstream else "targetRef", ""), upstream)

    def _handoff(self, flow: etree._Element, handoffs: dict[str, dict[str, Any]]) -> str | None:
        """Read a handoff from a message flow (or a sequence flow that carries one)."""
        ext = _ext(flow, "handoff")
        source = self._beside(flow.get("sourceRef", ""), upstream=True)
        target = self._beside(flow.get("targetRef", ""), upstream=False)
        label = flow.get("name")
        if label is None and flow.get("messageRef") in self.elements:
            label = self.elements[flow.get("messageRef", "")].get("name")
        channel, passes = _channel_and_passes(label)
        if ext is not None:
            channel, passes = ext.get("channel"), ext.get("passes")
        actors = self.roles.keys() | self.people.keys()
        sender = ext.get("from") if ext is not None and ext.get("from") in actors else self._role_at(source)
        receiver = ext.get("to") if ext is not None and ext.get("to") in actors else self._role_at(target)
        if sender is None or receiver is None:
            self.skip(flow)
            return None
        hid = (ext.get("id") if ext is not None else None) or self.handoff_ids.make(flow.get("id", ""), label)
        self.handoff_ids.taken.add(hid)
        entry: dict[str, Any] = {"from": sender, "to": receiver}
        if channel:
            entry["channel"] = channel
        if passes:
            entry["passes"] = passes
        # In a journey, flow nodes are steps, which a handoff cannot name.
        if source in self.task_of and not self.journey_mode:
            entry["from_task"] = self.task_of[source]
        if target in self.task_of and not self.journey_mode:
            entry["to_task"] = self.task_of[target]
        # A lifecycle export draws a task end at a pool when the role has no node in it.
        tasks = set(self.task_of.values())
        for end in ("from_task", "to_task"):
            named = ext.get(end) if ext is not None and self.exported else None
            if named in tasks and not self.journey_mode:
                entry.setdefault(end, named)
        handoffs[hid] = _described(flow, entry)
        return hid

    # -- the workflow ---------------------------------------------------------------------------

    def _workflow(self, collaboration: etree._Element | None) -> Imported:
        scope = collaboration if collaboration is not None else self.root
        named = _ext(scope, "workflow")
        title = (
            (named.get("title") if named is not None else None)
            or (collaboration.get("name") if collaboration is not None else None)
            or Path(self.name).stem
        )
        wid = (named.get("id") if named is not None else None) or _slug(title) or "imported"
        data: dict[str, Any] = {"format": 1, "id": wid, "title": title}
        self._roster(scope)
        journey = _ext(scope, "journey")
        self.journey_mode = journey is not None
        data["organizations"] = self.organizations
        if self.people:
            data["people"] = self.people
        data["roles"] = self.roles
        handoffs: dict[str, dict[str, Any]] = {}
        order_only: list[tuple[str, str]] = []
        for flow in self.messages:
            self.check_children(flow, {"documentation", "extensionElements"})
            source, target = flow.get("sourceRef", ""), flow.get("targetRef", "")
            if _ext(flow, "order") is not None:
                order_only.append((source, target))
                continue
            hid = self._handoff(flow, handoffs)
            ext = _ext(flow, "handoff")
            if hid is not None and ext is not None and ext.get("order") == "true":
                order_only.append((source, target))
        for flows in self.outgoing.values():
            for flow in flows:
                if _ext(flow, "handoff") is not None:
                    self._handoff(flow, handoffs)
        if journey is not None:
            data["journeys"] = {journey.get("id", "journey"): self._journey(journey, order_only)}
        else:
            data["phases"] = self._phases(scope, title, order_only)
        if handoffs:
            data["handoffs"] = handoffs
        return Imported(data, sorted(self.skipped, key=lambda s: s.line), self.notes)

    def _branch(self, node_id: str) -> str | None:
        """ "Only when Eligible?: yes" for a task entered by a named branch of a decision."""
        for flow in self.incoming.get(node_id, []):
            gateway = self.nodes.get(flow.get("sourceRef", ""))
            decision = gateway is not None and _local(gateway) in ("exclusiveGateway", "inclusiveGateway")
            if decision and gateway is not None and flow.get("name"):
                return f"Only when {gateway.get('name') or 'the decision'}: {flow.get('name')}"
        return None

    def _ends(self) -> str | None:
        """Where each organization's process starts and ends, in words: the named
        start and end events, which a phase has no field for."""
        lines = []
        for oid, org in self.organizations.items():
            own = [n for n in self.nodes.values() if self._org_of_node(n) == oid]
            starts = [n.get("name") for n in own if _local(n) == "startEvent" and n.get("name")]
            ends = [n.get("name") for n in own if _local(n) == "endEvent" and n.get("name")]
            if starts or ends:
                said = [f"starts at {' or '.join(repr(s) for s in starts)}"] if starts else []
                said += [f"ends at {' or '.join(repr(e) for e in ends)}"] if ends else []
                lines.append(f"{org['name']} {' and '.join(said)}.")
        return " ".join(lines) or None

    def _org_of_node(self, node: etree._Element) -> str | None:
        role = self.role_of_node.get(node.get("id", ""))
        return self.roles[role]["org"] if role in self.roles else None

    def _roster(self, scope: etree._Element) -> None:
        """Roles (and their organizations) an export names without a lane for them."""
        listed = f"{{{BPMN}}}extensionElements/{{{LIFECYCLE}}}"
        for org in scope.iterfind(listed + "organization"):
            oid = org.get("id", "")
            if _ID_OK.match(oid) and oid not in self.organizations:
                self.organizations[oid] = {"name": org.get("name") or oid, "kind": org.get("kind", "other")}
        for role in scope.iterfind(listed + "role"):
            rid, oid = role.get("id", ""), role.get("org", "")
            if _ID_OK.match(rid) and rid not in self.roles and oid in self.organizations:
                self.roles[rid] = {"org": oid, "title": role.get("title") or rid}
        for person in scope.iterfind(listed + "person"):
            if person.get("org", "") in self.organizations:
                self._person(person, person.get("org", ""))

    def _person(self, person: etree._Element, oid: str) -> bool:
        """Keep an ``lc:person`` of organization ``oid``; False when its id is unusable."""
        pid = person.get("id", "")
        if not _ID_OK.match(pid) or pid in self.roles:
            return False
        entry: dict[str, Any] = {"name": person.get("name") or pid, "org": oid}
        if person.get("official") == "false":
            entry["official"] = False
        self.people[pid] = entry
        return True

    def _in_document_order(self, ids: list[str]) -> list[str]:
        position = {node_id: i for i, node_id in enumerate(self.nodes)}
        return sorted(dict.fromkeys(ids), key=lambda n: position.get(n, len(position)))

    def _phases(
        self, scope: etree._Element, title: str, order_only: list[tuple[str, str]]
    ) -> dict[str, dict[str, Any]]:
        declared = {
            p.get("id", ""): p for p in scope.iterfind(f"{{{BPMN}}}extensionElements/{{{LIFECYCLE}}}phase")
        }
        phases: dict[str, dict[str, Any]] = {}
        for pid, phase in declared.items():
            phases[pid] = {
                "title": phase.get("title") or pid,
                "kind": phase.get("kind", "other"),
                "tasks": {},
            }
        fallback = _slug(title) or "imported"
        for node_id, tid in self.task_of.items():
            node = self.nodes[node_id]
            ext = _ext(node, "task")
            pid = ext.get("phase", "") if ext is not None else ""
            if pid not in phases:
                pid = fallback
                phases.setdefault(pid, {"title": title, "tasks": {}})
            task: dict[str, Any] = {"title": node.get("name") or tid, "owner": self.role_of_node[node_id]}
            if ext is not None:
                for field_name in ("owner", "responsible", "consulted", "informed"):
                    roles = _ids(ext.get(field_name))
                    kept = [r for r in roles if r in self.roles]
                    if len(kept) < len(roles):
                        gone = ", ".join(r for r in roles if r not in self.roles)
                        self.notes.append(f"task {tid!r}: {field_name} {gone} has no lane here, left out")
                    if kept:
                        task[field_name] = kept
            preds = list(self._upstream(node_id, set()))
            preds += [s for s, t in order_only if t == node_id and s in self.task_of]
            if preds:
                task["after"] = [self.task_of[p] for p in self._in_document_order(preds)]
            described = _described(node, task)
            branch = self._branch(node_id)
            if branch:
                described["notes"] = f"{described['notes']}\n\n{branch}" if "notes" in described else branch
            phases[pid]["tasks"][tid] = described
        if fallback in phases and not self.exported:
            ends = self._ends()
            if ends:
                tasks = phases[fallback].pop("tasks")
                phases[fallback].update(summary=ends, tasks=tasks)
        for node in self.nodes.values():
            if self._is_gate(node):
                gate_ext = _ext(node, "gate")
                pid = gate_ext.get("phase", "") if gate_ext is not None else fallback
                if pid in phases and "exit_gate" not in phases[pid]:
                    phases[pid]["exit_gate"] = _described(node, {"title": node.get("name") or "Exit gate"})
        return {pid: phase for pid, phase in phases.items() if phase["tasks"] or pid in declared}

    def _journey(self, journey: etree._Element, order_only: list[tuple[str, str]]) -> dict[str, Any]:
        steps: dict[str, dict[str, Any]] = {}
        targets: dict[str, list[str]] = defaultdict(list)
        for flow in self.messages:
            targets[flow.get("sourceRef", "")].append(flow.get("targetRef", ""))
        for node_id, sid in self.task_of.items():
            node = self.nodes[node_id]
            ext = _ext(node, "step")
            step: dict[str, Any] = {"title": node.get("name") or sid}
            stage = ext.get("stage") if ext is not None else "service-provision"
            if stage is not None:  # a status of a status journey has none
                step["stage"] = stage
            owner = ext.get("owner") if ext is not None else None
            step["owner"] = owner if owner in self.roles else self.role_of_node[node_id]
            following = list(self._downstream(node_id, set())) + [
                t for t in targets.get(node_id, []) if t in self.task_of or t in self.exit_of
            ]
            if following:
                names = {**self.task_of, **self.exit_of}
                step["next"] = [names[t] for t in self._in_document_order(following)]
            if ext is not None and ext.get("via"):
                step["via"] = ext.get("via")
            if ext is not None and ext.get("optional") == "true":
                step["optional"] = True
            if ext is not None and ext.get("moved_by"):
                step["moved_by"] = movers_from_text(ext.get("moved_by"))
            steps[sid] = _described(node, step)
        exits: dict[str, dict[str, Any]] = {}
        for node_id, eid in self.exit_of.items():
            node = self.nodes[node_id]
            kind = _ext(node, "exit")
            kind_name = kind.get("kind", "other") if kind is not None else "other"
            end: dict[str, Any] = {"title": node.get("name") or eid, "kind": kind_name}
            if kind is not None and kind.get("next"):
                end["next"] = kind.get("next", "").split()
            if kind is not None and kind.get("moved_by"):
                end["moved_by"] = movers_from_text(kind.get("moved_by"))
            exits[eid] = _described(node, end)
        start = journey.get("start") or next(iter(steps), "")
        entry: dict[str, Any] = {"title": journey.get("title") or "Journey", "start": start, "steps": steps}
        if journey.get("kind"):
            entry["kind"] = journey.get("kind")
        if exits:
            entry["exits"] = exits
        return entry


def import_bpmn(path: str | os.PathLike[str]) -> Imported:
    """Read the BPMN 2.0 file at ``path`` into a workflow's data.

    Parameters
    ----------
    path
        A ``.bpmn`` file: a collaboration of pools, or a single process.

    Returns
    -------
    Imported
        The workflow as plain data (write it with :func:`yaml.safe_dump`), every
        element left out with its id, kind and line, and notes on choices made.

    Raises
    ------
    LoadError
        When the file cannot be read, is over the size limit, is not
        well-formed XML or is not BPMN 2.0, with the line where that shows.
    """
    name = os.fspath(path)
    root = parse_bpmn(_read(name), name)
    return _Reader(root, name).read()


class _Dumper(yaml.SafeDumper):
    """Double-quotes a string with a character YAML would read back as a line break."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    awkward = any(ch in value for ch in "\x85\u2028\u2029\r")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if awkward else None)


_Dumper.add_representer(str, _str)


def workflow_yaml(imported: Imported, source: str) -> str:
    """The workflow file text of ``imported``: a header naming the BPMN file and every
    element left out, then the workflow in the order a facilitator writes one."""
    header = [f"# Imported from {Path(source).name} by lifecycle import bpmn."]
    if imported.skipped:
        header.append(f"# Left out (outside the BPMN subset lifecycle reads): {len(imported.skipped)}")
        header += [f"#   {item}" for item in imported.skipped]
    header += [f"# Note: {note}" for note in imported.notes]
    body = yaml.dump(imported.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body
