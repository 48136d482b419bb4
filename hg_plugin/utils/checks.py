"""Checks of what users give the plugin, in one place: constructor
arguments (configs reach the constructors with whatever a user wrote) and
the numbers and names read from their files.

Every check returns the value it accepted and raises an error that names
where the value came from (``where``: a class, or a file and record), the
field and what was expected. ``error`` is the class raised: ``ValueError``
for arguments, or a subclass that says which input was bad
(``AnnotationError``, ``PredictionFileError``, ...).
"""
import math
from numbers import Real
from typing import Any, Mapping, NoReturn, Optional, Sequence, Tuple, Type

import numpy as np

Error = Type[Exception]


def fail(where: str, name: str, expected: str, value: Any,
         error: Error = ValueError) -> NoReturn:
    """Raise ``error('<where>: <name> must be <expected>, got <value>')``.
    """
    raise error(f'{where}: {name} must be {expected}, got {value!r:.80}')


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(
        value, (bool, np.bool_))


def check_int(where: str, name: str, value: Any, low: int = 1,
              high: Optional[int] = None, multiple_of: int = 1,
              error: Error = ValueError) -> int:
    """An int (not a bool) in ``[low, high]`` and a multiple of
    ``multiple_of``."""
    ok = _is_int(value) and value >= low and (
        high is None or value <= high) and value % multiple_of == 0
    if not ok:
        kind = 'an int' if multiple_of == 1 else \
            f'a multiple of {multiple_of}'
        bound = f' >= {low}' if high is None else f' in [{low}, {high}]'
        fail(where, name, kind + bound, value, error)
    return int(value)


def check_number(where: str, name: str, value: Any, low: float = -math.inf,
                 high: float = math.inf, low_open: bool = False,
                 error: Error = ValueError) -> float:
    """A finite real number (not a bool) in ``[low, high]`` (``(low,
    high]`` with ``low_open``)."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and \
        math.isfinite(value) and value <= high and (
            value > low if low_open else value >= low)
    if not ok:
        bound = _interval(low, high, low_open)
        fail(where, name, f'a finite number in {bound}', value, error)
    return float(value)


def _interval(low: float, high: float, low_open: bool) -> str:
    return f"{'(' if low_open else '['}{low:g}, {high:g}]"


def check_bool(where: str, name: str, value: Any,
               error: Error = ValueError) -> bool:
    """``True`` or ``False`` (not 0 or 1)."""
    if not isinstance(value, bool):
        fail(where, name, 'True or False', value, error)
    return value


def check_choice(where: str, name: str, value: Any, choices: Sequence,
                 error: Error = ValueError) -> Any:
    """One of ``choices`` (strings or ``None``)."""
    if not isinstance(value, (str, type(None))) or value not in choices:
        fail(where, name, f'one of {list(choices)}', value, error)
    return value


def check_ints(where: str, name: str, value: Any, lengths: Sequence[int],
               low: int = 1, multiple_of: int = 1,
               error: Error = ValueError) -> Tuple[int, ...]:
    """A list or tuple of ``lengths`` ints, each as :func:`check_int`."""
    ok = isinstance(value, (list, tuple)) and len(value) in lengths and all(
        _is_int(v) and v >= low and v % multiple_of == 0 for v in value)
    if not ok:
        count = ' or '.join(str(n) for n in lengths)
        each = 'an int' if multiple_of == 1 else \
            f'a multiple of {multiple_of}'
        fail(where, name, f'{count} values, each {each} >= {low}',
             value, error)
    return tuple(int(v) for v in value)


def check_size(where: str, name: str, value: Any,
               error: Error = ValueError) -> Tuple[int, int]:
    """A ``(w, h)`` pair of positive ints."""
    if not isinstance(value, Sequence) or isinstance(value, str) or \
            len(value) != 2 or not all(_is_int(v) and v > 0 for v in value):
        fail(where, name, 'two positive ints (w, h)', value, error)
    return tuple(int(v) for v in value)


def check_field(data: Any, key: str, where: str,
                error: Error = ValueError) -> Any:
    """``data[key]`` of a dict, a MATLAB struct or an h5 file's datasets,
    or ``error("<where>: missing field '<key>'")``."""
    try:
        return data[key]
    except (KeyError, IndexError, TypeError, ValueError):
        raise error(f"{where}: missing field '{key}'") from None


def check_fields(data: Any, keys: Sequence[str], where: str,
                 error: Error = ValueError) -> None:
    """Every one of ``keys`` is in the dict ``data``."""
    if not isinstance(data, Mapping):
        raise error(f'{where} is a {type(data).__name__}, expected a dict')
    for key in keys:
        check_field(data, key, where, error)


def check_file_name(where: str, field: str, value: Any,
                    error: Error = ValueError) -> str:
    """A non-empty file name: a string, bytes (h5 files) or a one-element
    array of either (MATLAB files)."""
    v = np.ravel(value)[0] if isinstance(value, np.ndarray) and \
        value.size else value
    if isinstance(v, bytes):
        try:
            v = v.decode()
        except UnicodeDecodeError:
            v = None
    if not isinstance(v, str) or not v.strip():
        raise error(f"{where}: field '{field}' must be a file name, got "
                    f'{value!r:.60}')
    return v


def _holds_bool(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype == bool
    return isinstance(value, (list, tuple)) and any(
        _holds_bool(v) for v in value)


def check_array(where: str, field: str, value: Any,
                shape: Sequence[Optional[int]], low: float = -math.inf,
                high: float = math.inf, low_open: bool = False,
                finite: bool = True, error: Error = ValueError
                ) -> np.ndarray:
    """``value`` as a float64 array of ``shape`` (``None``: any length)
    whose every element is finite (NaN allowed where ``finite`` is
    ``False``) and in ``[low, high]`` (``(low, high]`` with ``low_open``).

    The error names the field, and for a bad element its index and value:
    ``"<where>: field 'joints' has nan at (4, 0); expected a finite number
    in [-1e+06, 1e+06]"``.
    """
    label = f"field '{field}'"
    if _holds_bool(value):
        raise error(f'{where}: {label} holds a boolean, expected numbers')
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise error(f'{where}: {label} is not numeric') from None
    if arr.ndim != len(shape) or any(
            want is not None and got != want
            for got, want in zip(arr.shape, shape)):
        want = tuple('N' if w is None else w for w in shape)
        raise error(f'{where}: {label} has shape {arr.shape}, expected '
                    f'{want}')
    # comparisons with NaN are False: NaN is outside every interval
    inside = (arr > low if low_open else arr >= low) & (arr <= high)
    bad = ~(inside & np.isfinite(arr)) if finite else \
        ~(inside | np.isnan(arr))
    if bad.any():
        i = tuple(int(v) for v in np.argwhere(bad)[0])
        raise error(f'{where}: {label} has {float(arr[i])!r} at {i}; '
                    'expected a '
                    f'finite number in {_interval(low, high, low_open)}')
    return arr
