"""Arrow arrays as NumPy arrays and back, through their buffers.

pyarrow's own bridges (``Array.to_numpy``, ``pa.array(ndarray)``) import
pandas whenever it is installed, to check for pandas types: some 55 MB and a
third of a second on the first event batch, for a conversion that is a view of
one buffer. These helpers read and make the buffers directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["flags", "integers", "mask"]

_WIDTHS: dict[int, type[np.signedinteger[Any]]] = {
    8: np.int8,
    16: np.int16,
    32: np.int32,
    64: np.int64,
}


def integers(values: pa.Array, fill: int = -1) -> npt.NDArray[np.signedinteger[Any]]:
    """A signed integer (or timestamp) array's values, ``fill`` where null.

    A read-only view of the array's buffer when it has no nulls.

    Examples
    --------
    >>> integers(pa.array([3, None, 5], pa.int32())).tolist()
    [3, -1, 5]
    """
    dtype = _WIDTHS[values.type.bit_width]
    width = values.type.bit_width // 8
    raw = np.frombuffer(values.buffers()[1], dtype=dtype, count=len(values), offset=values.offset * width)
    if not values.null_count:
        return raw
    # Not Array.fill_null: its Python scalar goes through the pandas check too.
    return np.where(flags(pc.is_valid(values)), raw, np.asarray(fill, dtype=dtype))


def flags(values: pa.BooleanArray) -> npt.NDArray[np.bool_]:
    """A boolean array without nulls as a NumPy bool array.

    Examples
    --------
    >>> flags(pa.array([True, False, True])).tolist()
    [True, False, True]
    """
    bits = np.frombuffer(values.buffers()[1], dtype=np.uint8)
    unpacked = np.unpackbits(bits, count=values.offset + len(values), bitorder="little")
    result: npt.NDArray[np.bool_] = unpacked[values.offset :].astype(bool)
    return result


def mask(keep: npt.NDArray[np.bool_]) -> pa.BooleanArray:
    """A NumPy bool array as an Arrow boolean array, e.g. for ``Array.filter``.

    Examples
    --------
    >>> pa.array(["a", "b", "c"]).filter(mask(np.array([True, False, True]))).to_pylist()
    ['a', 'c']
    """
    packed = pa.py_buffer(np.packbits(keep, bitorder="little"))
    return pa.Array.from_buffers(pa.bool_(), len(keep), [None, packed])
