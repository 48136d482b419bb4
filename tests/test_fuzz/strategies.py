"""Mutations of valid inputs for the property-based tests: a field
dropped, renamed, retyped, put out of range, made NaN/inf, empty, huge, of
the wrong shape or dtype; files truncated, with flipped bytes, random
bytes, or another container."""
import copy
import traceback
from typing import Any, Callable, List, Sequence, Tuple, Type

import numpy as np
from hypothesis import strategies as st

# values a field can be replaced by: other types, specials, extremes
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e300, -1e300, 1e-300, float('nan'),
                     float('inf')]),
    st.text(max_size=6), st.just(''), st.just([]), st.just({}),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4),
    st.just([[1.0, 2.0]] * 40), st.just([['a', 'b']] * 2),
    st.just([1, [2, 3]]), st.just({'x': 1}))


def _paths(obj: Any, prefix: Tuple = ()) -> List[Tuple]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, prefix + (k, ))
    elif isinstance(obj, list) and len(obj) <= 40:
        for i, v in enumerate(obj):
            out += _paths(v, prefix + (i, ))
    return out


def _parent(obj: Any, path: Tuple):
    for key in path[:-1]:
        obj = obj[key]
    return obj


@st.composite
def mutated(draw, valid: Any, max_mutations: int = 3) -> Any:
    """``valid`` (a json-like object) with 1..max mutations."""
    obj = copy.deepcopy(valid)
    for _ in range(draw(st.integers(1, max_mutations))):
        paths = _paths(obj)
        if not paths:
            return copy.deepcopy(draw(ODD_VALUES))
        path = draw(st.sampled_from(paths))
        parent, key = _parent(obj, path), path[-1]
        op = draw(st.sampled_from(
            ['drop', 'rename', 'replace', 'scale', 'truncate', 'extend']))
        value = parent[key]
        if op == 'drop':
            del parent[key]
        elif op == 'rename' and isinstance(parent, dict):
            parent[str(key) + draw(st.sampled_from(['_', 'x', ' ']))] = \
                parent.pop(key)
        elif op == 'scale' and isinstance(value, (int, float)) and \
                not isinstance(value, bool):
            parent[key] = value * draw(st.sampled_from(
                [-1, 0, 1e9, 1e-9, 1e300, float('nan')]))
        elif op == 'truncate' and isinstance(value, list) and value:
            parent[key] = value[:draw(st.integers(0, len(value) - 1))]
        elif op == 'extend' and isinstance(value, list):
            parent[key] = value + [copy.deepcopy(value[0]) if value else 0]
        else:  # a copy: st.just values are shared between examples
            parent[key] = copy.deepcopy(draw(ODD_VALUES))
    return obj


@st.composite
def damaged_bytes(draw, data: bytes) -> bytes:
    """``data`` truncated, with flipped bytes, or replaced by random
    bytes."""
    kind = draw(st.sampled_from(['truncate', 'flip', 'random', 'empty']))
    if kind == 'truncate':
        return data[:draw(st.integers(0, max(0, len(data) - 1)))]
    if kind == 'flip':
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(out) - 1))
            out[i] ^= draw(st.integers(1, 255))
        return bytes(out)
    if kind == 'random':
        return draw(st.binary(min_size=1, max_size=2048))
    return b''


@st.composite
def mutated_arrays(draw, valid: dict) -> dict:
    """A dict of numpy arrays (a .mat or .h5 content) with a field
    dropped, renamed, or given another shape, dtype or values."""
    out = {k: np.array(v, copy=True) for k, v in valid.items()}
    for _ in range(draw(st.integers(1, 2))):
        if not out:
            break
        key = draw(st.sampled_from(sorted(out)))
        op = draw(st.sampled_from(
            ['drop', 'rename', 'shape', 'nan', 'inf', 'huge', 'negative',
             'zero', 'empty', 'strings', 'ints', 'scalar', 'transpose']))
        arr = out[key]
        numeric = arr.dtype.kind in 'fiub'
        if op == 'drop':
            del out[key]
        elif op == 'rename':
            out[key + '_x'] = out.pop(key)
        elif op == 'shape':
            n = arr.size
            out[key] = np.resize(arr, (max(1, n // 2) + draw(
                st.integers(0, 3)), ))
        elif op in ('nan', 'inf', 'huge', 'negative', 'zero') and numeric \
                and arr.size:
            arr = arr.astype(np.float64)
            flat = arr.reshape(-1)
            i = draw(st.integers(0, flat.size - 1))
            flat[i] = dict(nan=np.nan, inf=np.inf, huge=1e300,
                           negative=-5., zero=0.)[op]
            out[key] = arr
        elif op == 'empty':
            out[key] = np.zeros((0, ) + arr.shape[1:], arr.dtype)
        elif op == 'strings':
            count = arr.shape[0] if arr.ndim else 1
            out[key] = np.array(['x'] * max(1, count), dtype='S3')
        elif op == 'ints' and numeric:
            out[key] = arr.astype(np.int64)
        elif op == 'scalar':
            out[key] = np.array(3.)
        elif op == 'transpose' and arr.ndim > 1:
            out[key] = arr.T
    return out


def outcome(call: Callable[[], Any], name: str,
            documented: Sequence[Type[Exception]]) -> Tuple[bool, Any]:
    """Run ``call``: ``(True, result)``, or ``(False, error)`` where the
    error is a documented one whose message names ``name``; anything else
    (a bare KeyError, IndexError, TypeError from deep inside) fails."""
    try:
        return True, call()
    except tuple(documented) as e:
        assert name in str(e), f'{type(e).__name__} without {name!r}: {e}'
        return False, e
    except Exception as e:  # the defect a property test is for
        raise AssertionError(
            f'undocumented {type(e).__name__}: {e}\n' +
            ''.join(traceback.format_exception(e)[-4:])) from None
