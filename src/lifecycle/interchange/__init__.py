"""Interchange with other tools: event logs (CSV, XES), conformance replay, FHIR and BPMN."""
