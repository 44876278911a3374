"""Member keys must be opaque, and free text that looks personal is named."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecycle.privacy import member_key_problem, personal_data_hints


@pytest.mark.parametrize("key", ["mbr-00417", "M-4f9a2c", "REF-2026-0001", "case:88", "a1", "x_9.2"])
def test_opaque_keys_are_accepted(key):
    assert member_key_problem(key) is None


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("JaneDoe", "reads like a name"),
        ("jane.doe7", "may be a name"),
        ("123-45-6789", "Social Security number"),
        ("123456789", "Social Security number"),
        ("555-123-4567", "phone number"),
        ("1-555-123-4567", "phone number"),
        ("2024-03-01", "a date"),
        ("19850301", "a date"),
        ("mbr-1\n", "no spaces, line breaks"),
        (" mbr-1", "no spaces, line breaks"),
        ("jane@example.org", "only letters, digits"),
        ("", "is empty"),
        ("k" * 64 + "1", "the limit is 64"),
    ],
)
def test_keys_that_identify_someone_are_refused_with_the_reason(key, reason):
    problem = member_key_problem(key)
    assert problem is not None and reason in problem


@given(st.uuids())
def test_a_uuid_is_always_an_opaque_key(value: uuid.UUID):
    assert member_key_problem(str(value)) is None
    assert member_key_problem(value.hex) is None


@given(st.from_regex(r"\d{3}-\d{2}-\d{4}", fullmatch=True))
def test_every_ssn_shape_is_refused(key: str):
    assert member_key_problem(key) is not None


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Mrs Smith invoice", "a person's name ('Mrs Smith')"),
        ("call back on 555-123-4567", "a phone number ('555-123-4567')"),
        ("sent to jane.doe@example.org", "an e-mail address ('jane.doe@example.org')"),
        ("SSN 123-45-6789 on the form", "a Social Security number ('123-45-6789')"),
    ],
)
def test_free_text_that_looks_personal_is_named(text, named):
    assert named in personal_data_hints(text)


@pytest.mark.parametrize(
    "text", ["credentialing file CR-2026-014", "contract signed 2026-03-01", "see ticket [/note] in folder"]
)
def test_ordinary_evidence_raises_no_warning(text):
    assert personal_data_hints(text) == []
