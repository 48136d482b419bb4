"""Checks of constructor arguments, raising ``ValueError`` that names the
class, the argument and what was expected (configs reach the constructors
with whatever a user wrote)."""
import math
from numbers import Real
from typing import Any, Sequence, Tuple


def _fail(owner: str, name: str, expected: str, value: Any):
    raise ValueError(f'{owner}: {name} must be {expected}, got {value!r:.80}')


def check_int(owner: str, name: str, value: Any, low: int = 1) -> int:
    """An int (not a bool) of at least ``low``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        _fail(owner, name, f'an int >= {low}', value)
    return value


def check_number(owner: str, name: str, value: Any, low: float = -math.inf,
                 high: float = math.inf, low_open: bool = False) -> float:
    """A finite real number (not a bool) in ``[low, high]`` (``(low,
    high]`` with ``low_open``)."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and \
        math.isfinite(value) and value <= high and (
            value > low if low_open else value >= low)
    if not ok:
        bound = f"{'(' if low_open else '['}{low:g}, {high:g}]"
        _fail(owner, name, f'a finite number in {bound}', value)
    return float(value)


def check_bool(owner: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        _fail(owner, name, 'True or False', value)
    return value


def check_size(owner: str, name: str, value: Any) -> Tuple[int, int]:
    """A (w, h) pair of positive ints."""
    if not isinstance(value, Sequence) or isinstance(value, str) or \
            len(value) != 2 or not all(
                isinstance(v, int) and not isinstance(v, bool) and v > 0
                for v in value):
        _fail(owner, name, 'two positive ints (w, h)', value)
    return tuple(value)


def check_choice(owner: str, name: str, value: Any,
                 choices: Sequence) -> Any:
    if not isinstance(value, (str, type(None))) or value not in choices:
        _fail(owner, name, f'one of {list(choices)}', value)
    return value
