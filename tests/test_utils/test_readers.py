"""The file readers name the file (and what it is) when it is missing or
unreadable, and raise the caller's error type."""
import gzip

import numpy as np
import pytest

from hg_plugin.utils.io import read_h5, read_json, read_mat


class MyError(ValueError):
    pass


@pytest.mark.parametrize('read,name', [(read_json, 'a.json'),
                                       (read_json, 'a.json.gz'),
                                       (read_mat, 'a.mat'),
                                       (read_h5, 'a.h5')])
def test_a_missing_file_is_named_with_what_it_is(tmp_path, read, name):
    path = str(tmp_path / name)
    with pytest.raises(FileNotFoundError) as e:
        read(path)
    assert str(e.value) == f'{path} does not exist'
    with pytest.raises(FileNotFoundError) as e:
        read(path, MyError, 'ground truth')
    assert str(e.value) == f'ground truth {path} does not exist'


@pytest.mark.parametrize('read,name,kind,cause', [
    (read_json, 'a.json', 'json', 'JSONDecodeError: Expecting value'),
    (read_json, 'a.json.gz', 'json', 'BadGzipFile: Not a gzipped file'),
    (read_mat, 'a.mat', '.mat', 'ValueError: '),  # scipy's own words
    (read_h5, 'a.h5', '.h5', 'OSError: Unable to synchronously open file '
     '(file signature not found)'),
])
def test_an_unreadable_file_says_why_in_the_callers_error(
        tmp_path, read, name, kind, cause):
    path = tmp_path / name
    path.write_bytes(b'\x00\x01not what it claims' * 20)
    with pytest.raises(MyError) as e:
        read(str(path), MyError)
    assert str(e.value).startswith(
        f'{path}: not a readable {kind} file ({cause}'), str(e.value)


def test_readers_return_the_content(tmp_path):
    import h5py
    from scipy.io import savemat
    (tmp_path / 'a.json').write_text('{"a": [1, 2]}')
    with gzip.open(tmp_path / 'b.json.gz', 'wt') as f:
        f.write('[3]')
    assert read_json(str(tmp_path / 'a.json')) == {'a': [1, 2]}
    assert read_json(str(tmp_path / 'b.json.gz')) == [3]
    savemat(str(tmp_path / 'c.mat'), dict(x=np.arange(3.)))
    np.testing.assert_array_equal(read_mat(str(tmp_path / 'c.mat'))['x'],
                                  [[0., 1., 2.]])
    with h5py.File(tmp_path / 'd.h5', 'w') as f:
        f['x'] = np.arange(4)
        f.create_group('g')  # groups are not read
    got = read_h5(str(tmp_path / 'd.h5'))
    assert list(got) == ['x'] and got['x'].tolist() == [0, 1, 2, 3]


def test_checkpoints_load_where_asked(tmp_path):
    import torch

    from hg_plugin.utils.io import load_torch_file
    path = str(tmp_path / 'w.pth')
    torch.save({'w': torch.ones(2)}, path)
    assert load_torch_file(path)['w'].device.type == 'cpu'
    # the caller's map_location reaches torch ('meta': shapes only)
    assert load_torch_file(path, map_location='meta')['w'].device.type == \
        'meta'
