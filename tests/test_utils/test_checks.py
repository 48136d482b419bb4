"""The plugin's one validation layer, check by check: what it accepts at
the edges, what it refuses, and the exact message and error class."""
import math
import re

import numpy as np
import pytest

from hg_plugin.utils import checks


class Custom(ValueError):
    pass


def refused(fn, *args, message: str, **kwargs):
    """``fn(*args, **kwargs)`` raises exactly ``message``, of the class
    given as ``error`` (``ValueError`` by default)."""
    error = kwargs.get('error', ValueError)
    with pytest.raises(error) as e:
        fn(*args, **kwargs)
    assert type(e.value) is error
    assert str(e.value) == message, str(e.value)


def test_fail_names_where_what_and_the_value():
    refused(checks.fail, 'Owner', 'size', 'a size', [1, 2],
            message='Owner: size must be a size, got [1, 2]')
    refused(checks.fail, 'Owner', 'x', 'short', 'y' * 200, error=Custom,
            message="Owner: x must be short, got '" + 'y' * 79)


def test_check_int():
    assert checks.check_int('A', 'n', 1) == 1
    assert type(checks.check_int('A', 'n', np.int64(3))) is int
    assert checks.check_int('A', 'n', 0, low=0) == 0
    assert checks.check_int('A', 'n', 8, high=8) == 8
    assert checks.check_int('A', 'n', 6, multiple_of=2) == 6
    refused(checks.check_int, 'A', 'n', 0,
            message='A: n must be an int >= 1, got 0')
    refused(checks.check_int, 'A', 'n', 9, high=8,
            message='A: n must be an int in [1, 8], got 9')
    refused(checks.check_int, 'A', 'n', 7, low=2, multiple_of=2,
            message='A: n must be a multiple of 2 >= 2, got 7')
    for bad in (True, np.bool_(True), 1.0, '1', None):
        refused(checks.check_int, 'A', 'n', bad, error=Custom,
                message=f'A: n must be an int >= 1, got {bad!r}')


def test_check_number():
    assert checks.check_number('A', 'x', 0) == 0.0
    assert type(checks.check_number('A', 'x', np.float32(2))) is float
    assert checks.check_number('A', 'x', 1, low=0, high=1) == 1.
    assert checks.check_number('A', 'x', 0, low=0) == 0.
    refused(checks.check_number, 'A', 'x', 0, low=0, low_open=True,
            message='A: x must be a finite number in (0, inf], got 0')
    refused(checks.check_number, 'A', 'x', 1.5, low=0, high=1,
            message='A: x must be a finite number in [0, 1], got 1.5')
    refused(checks.check_number, 'A', 'x', -1, low=0, high=1e3,
            message='A: x must be a finite number in [0, 1000], got -1')
    for bad in (math.nan, math.inf, -math.inf, True, '1', None):
        refused(checks.check_number, 'A', 'x', bad, error=Custom,
                message=f'A: x must be a finite number in [-inf, inf], '
                f'got {bad!r}')


def test_check_bool_and_choice():
    assert checks.check_bool('A', 'b', False) is False
    refused(checks.check_bool, 'A', 'b', 1, error=Custom,
            message='A: b must be True or False, got 1')
    assert checks.check_choice('A', 'c', 'x', ('x', 'y')) == 'x'
    assert checks.check_choice('A', 'c', None, (None, 'y')) is None
    refused(checks.check_choice, 'A', 'c', 'z', ('x', 'y'), error=Custom,
            message="A: c must be one of ['x', 'y'], got 'z'")
    refused(checks.check_choice, 'A', 'c', 1, (1, 'y'),
            message="A: c must be one of [1, 'y'], got 1")


def test_check_ints_and_size():
    assert checks.check_ints('A', 's', [2, 4], (2, 3)) == (2, 4)
    assert checks.check_ints('A', 's', (2, 4, 6), (2, 3), low=2,
                             multiple_of=2) == (2, 4, 6)
    for bad in ([2], [2, 4, 6, 8], (2, 3), (0, 2), '24', [2, True]):
        refused(checks.check_ints, 'A', 's', bad, (2, 3), low=2,
                multiple_of=2, error=Custom,
                message='A: s must be 2 or 3 values, each a multiple of 2 '
                f'>= 2, got {bad!r}')
    refused(checks.check_ints, 'A', 's', [0], (1, ),
            message='A: s must be 1 values, each an int >= 1, got [0]')
    assert checks.check_size('A', 'size', [1, 1]) == (1, 1)
    assert checks.check_size('A', 'size', (np.int64(4), 3)) == (4, 3)
    for bad in ((0, 4), (4, -1), (4, 1.0), (4, ), (1, 2, 3), 'ab',
                (True, 4), None):
        refused(checks.check_size, 'A', 'size', bad, error=Custom,
                message='A: size must be two positive ints (w, h), got '
                f'{bad!r}')


def test_check_field_and_fields():
    assert checks.check_field({'a': 1}, 'a', 'f.json') == 1
    for data in ({}, [], None, np.zeros(2)):
        refused(checks.check_field, data, 'a', 'f.json', error=Custom,
                message="f.json: missing field 'a'")
    checks.check_fields({'a': 1, 'b': 2}, ('a', 'b'), 'r')
    refused(checks.check_fields, {'a': 1}, ('a', 'b'), 'f: record 3',
            error=Custom, message="f: record 3: missing field 'b'")
    refused(checks.check_fields, [1], ('a', ), 'f: record 3',
            message='f: record 3 is a list, expected a dict')


def test_check_file_name():
    assert checks.check_file_name('w', 'image', 'a.jpg') == 'a.jpg'
    assert checks.check_file_name('w', 'image', b'a.jpg') == 'a.jpg'
    assert checks.check_file_name('w', 'f', np.array(['b.jpg'])) == 'b.jpg'
    for bad in ('', '  ', b'\xff', 3, None, np.array([])):
        refused(checks.check_file_name, 'w', 'image', bad, error=Custom,
                message=f"w: field 'image' must be a file name, got "
                f'{bad!r:.60}')


def test_check_array_values_and_shapes():
    arr = checks.check_array('w', 'joints', [[1, 2], [3, 4]], (2, 2))
    assert arr.dtype == np.float64 and arr.tolist() == [[1, 2], [3, 4]]
    assert checks.check_array('w', 'j', np.ones((5, 2)), (None, 2)).shape \
        == (5, 2)
    assert checks.check_array('w', 'v', [0, 1], (2, ), low=0,
                              high=1).tolist() == [0, 1]
    assert np.isnan(checks.check_array('w', 'c', [np.nan, 1], (2, ),
                                       finite=False)[0])
    refused(checks.check_array, 'w', 'j', [[1, 2]], (2, 2), error=Custom,
            message="w: field 'j' has shape (1, 2), expected (2, 2)")
    refused(checks.check_array, 'w', 'j', [1, 2], (None, 2),
            message="w: field 'j' has shape (2,), expected ('N', 2)")
    refused(checks.check_array, 'w', 'j', [[1, 'a']], (1, 2),
            message="w: field 'j' is not numeric")
    refused(checks.check_array, 'w', 'j', [1, True], (2, ),
            message="w: field 'j' holds a boolean, expected numbers")
    refused(checks.check_array, 'w', 'j', np.array([True]), (1, ),
            message="w: field 'j' holds a boolean, expected numbers")
    refused(checks.check_array, 'w', 'j', [[1, 2], [3, np.nan]], (2, 2),
            message="w: field 'j' has nan at (1, 1); expected a finite "
            'number in [-inf, inf]')
    refused(checks.check_array, 'w', 'v', [0, 1, 2], (3, ), low=0, high=1,
            message="w: field 'v' has 2.0 at (2,); expected a finite "
            'number in [0, 1]')
    refused(checks.check_array, 'w', 's', [1, 0], (2, ), low=0,
            low_open=True, error=Custom,
            message="w: field 's' has 0.0 at (1,); expected a finite "
            'number in (0, inf]')
    # unbounded is still finite
    refused(checks.check_array, 'w', 's', [1, -np.inf], (2, ),
            message="w: field 's' has -inf at (1,); expected a finite "
            'number in [-inf, inf]')
    assert checks.check_array('w', 's', [np.inf, np.nan], (2, ),
                              finite=False)[0] == np.inf
    refused(checks.check_array, 'w', 's', [np.inf], (1, ), finite=False,
            high=5, message="w: field 's' has inf at (0,); expected a "
            'finite number in [-inf, 5]')
    refused(checks.check_array, 'w', 's', 5.0, (), high=1,
            message="w: field 's' has 5.0 at (); expected a finite number "
            'in [-inf, 1]')


def test_messages_fit_on_a_line():
    with pytest.raises(ValueError) as e:
        checks.check_int('A', 'n', list(range(1000)))
    assert len(str(e.value)) < 140
    assert re.match(r'A: n must be an int >= 1, got \[0, 1, 2', str(e.value))
