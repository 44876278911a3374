"""Words in messages: counts with the right plural, and did-you-mean hints.

Every message lifecycle prints counts things or suggests a near miss; both are
written here once so "1 errors" or a hint worded three ways cannot creep back.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "count", "did_you_mean"]

_IRREGULAR = {"person": "people", "duty": "duties", "entry": "entries", "policy": "policies"}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is one.

    Examples
    --------
    >>> count(1, "error")
    '1 error'
    >>> count(3, "person")
    '3 people'
    >>> count(0, "finding")
    '0 findings'
    >>> count(2, "more duty")
    '2 more duties'
    """
    if n == 1:
        return f"{n} {noun}"
    if plural is None:
        head, _, last = noun.rpartition(" ")
        plural = f"{head} {_IRREGULAR.get(last, last + 's')}".lstrip()
    return f"{n} {plural}"


def closest(word: str, candidates: Iterable[object]) -> str | None:
    """The candidate closest to ``word``, if any is close enough to be a typo."""
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[object], *, prefix: str = "") -> str | None:
    """A ``did you mean 'x'?`` hint when a candidate is close to ``word``.

    Examples
    --------
    >>> did_you_mean("plan-pco", ["plan-poc", "cbo-poc"])
    "did you mean 'plan-poc'?"
    >>> did_you_mean("jlee", ["jlee2"], prefix="person:")
    "did you mean 'person:jlee2'?"
    >>> did_you_mean("zzz", ["plan-poc"]) is None
    True
    """
    match = closest(word, candidates)
    return f"did you mean {prefix + match!r}?" if match is not None else None
