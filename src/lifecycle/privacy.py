"""Keeping members' identities out of the tracking database.

Members are tracked by an opaque key that the partners map to a person in their
own systems; the audit log can never be edited, so a name or an identifier that
slips into it stays there. Two checks guard the door:

- :func:`member_key_problem` refuses keys that are not opaque: a name
  (``JaneDoe``), a Social Security number (``123-45-6789``), a phone number, a
  date (of birth), an e-mail address, or anything with spaces or odd characters.
- :func:`personal_data_hints` reads free text (evidence, an escalation subject,
  a reason) and names what looks like a person's name (a title such as "Mrs"
  before a name) or an identifier (SSN, phone number, e-mail address), so the
  command can warn before the text is written for good. Dates are left alone
  there: evidence is full of contract and meeting dates.

The rule for keys, as the docs state it: 1 to 64 characters from letters,
digits and ``- _ . :``; at least one digit; at most one word of three or more
letters (hexadecimal runs such as ``cafe`` do not count); not shaped like an
SSN, a phone number or a date.
"""

from __future__ import annotations

import re

__all__ = ["MAX_MEMBER_KEY", "member_key_problem", "personal_data_hints"]

MAX_MEMBER_KEY = 64
"""The longest member key, in characters."""

_KEY_CHARS = re.compile(r"[A-Za-z0-9._:-]+")
_WORD = re.compile(r"[A-Za-z]{3,}")
_HEX = re.compile(r"[A-Fa-f]+")
_SSN = re.compile(r"(?<!\d)\d{3}[-. ]?\d{2}[-. ]?\d{4}(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}(?!\d)")
_DATE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d{2}[-./]?(?:0[1-9]|1[0-2])[-./]?(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])[-./](?:19|20)?\d{2})(?!\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+")


def member_key_problem(key: str) -> str | None:
    """Why ``key`` is not an opaque member key, or None when it is.

    Examples
    --------
    >>> member_key_problem("mbr-00417") is None
    True
    >>> member_key_problem("JaneDoe")
    'has no digit, so it reads like a name; use the opaque key from your referral system'
    >>> member_key_problem("123-45-6789")
    'is shaped like a Social Security number; use an opaque key, never an identifier'
    """
    if not key:
        return "is empty"
    if len(key) > MAX_MEMBER_KEY:
        return f"is {len(key)} characters long; the limit is {MAX_MEMBER_KEY}"
    if not _KEY_CHARS.fullmatch(key):
        return "may hold only letters, digits and - _ . : (no spaces, line breaks or other characters)"
    if not any(c.isdigit() for c in key):
        return "has no digit, so it reads like a name; use the opaque key from your referral system"
    # Hex digits spell words by chance ("cafe", "bead"); UUIDs and hashes are opaque.
    if sum(1 for word in _WORD.findall(key) if not _HEX.fullmatch(word)) > 1:
        return "holds several words, so it may be a name; use the opaque key from your referral system"
    for pattern, what in ((_SSN, "a Social Security number"), (_PHONE, "a phone number"), (_DATE, "a date")):
        if pattern.fullmatch(key.strip("-_.:")):
            return f"is shaped like {what}; use an opaque key, never an identifier"
    return None


def personal_data_hints(text: str) -> list[str]:
    """What in ``text`` looks like a person's name or an identifier.

    Examples
    --------
    >>> personal_data_hints("Mrs Smith invoice")
    ["a person's name ('Mrs Smith')"]
    >>> personal_data_hints("claims file CF-2026-014 reconciled")
    []
    """
    found: list[str] = []
    for pattern, what in (
        (_HONORIFIC, "a person's name"),
        (_EMAIL, "an e-mail address"),
        (_SSN, "a Social Security number"),
        (_PHONE, "a phone number"),
    ):
        match = pattern.search(text)
        if match is not None:
            found.append(f"{what} ({match.group(0)!r})")
    return found
