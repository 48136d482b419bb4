"""Each check of the prediction and ground-truth readers, reached by a
fixture that breaks only what that check looks at."""
import json

import h5py
import numpy as np
import pytest

from hg_plugin.evaluation.prediction_files import (PredictionFileError,
                                                   load_ground_truth,
                                                   load_predictions)


def write_json(tmp_path, data, name='preds.json'):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def preds_json(**changes):
    data = dict(preds=np.ones((2, 16, 2)).tolist(), dataset='mpii',
                coordinate_base=0)
    data.update(changes)
    return data


def test_a_valid_json_loads_one_based(tmp_path):
    preds = load_predictions(write_json(tmp_path, preds_json()), 2, 16,
                             dataset='mpii')
    np.testing.assert_array_equal(preds, np.full((2, 16, 2), 2.))
    # without a coordinate_base a json is 0-based, as --dump writes it
    data = preds_json()
    del data['coordinate_base']
    preds = load_predictions(write_json(tmp_path, data), 2, 16)
    np.testing.assert_array_equal(preds, np.full((2, 16, 2), 2.))


@pytest.mark.parametrize('name', ['p.mat', 'p.h5', 'p.hdf5'])
def test_two_people_are_not_read_as_a_transposed_file(tmp_path, name):
    # (N, K, 2) with N = 2 is people, not the (2, K, N) layout of
    # tompson.h5; (2, K, N) with N != 2 is turned around
    from scipy.io import savemat
    people = np.arange(2 * 16 * 2, dtype=np.float64).reshape(2, 16, 2) + 1
    for stored, n in ((people, 2),
                      (np.transpose(people[[0, 1, 0]], (2, 1, 0)), 3)):
        path = str(tmp_path / name)
        if name.endswith('.mat'):
            savemat(path, {'preds': stored})
        else:
            with h5py.File(path, 'w') as f:
                f['preds'] = stored
        got = load_predictions(path, n, 16)
        np.testing.assert_array_equal(got, people[[0, 1, 0][:n]])
    with pytest.raises(PredictionFileError, match=r"p\.\w+: 3 people; the "
                       'ground truth has 2958'):
        load_predictions(path, 2958, 16)


@pytest.mark.parametrize('data,message', [
    ('[1, 2]', r'expected a json object \(tools/test.py --dump\), got a '
     'list'),
    ('{"preds": [1', 'not a readable json file'),
    (preds_json(coordinate_base=2), "'coordinate_base' must be 0 or 1, "
     'got 2'),
    (preds_json(coordinate_base=True), "'coordinate_base' must be 0 or 1"),
    (preds_json(dataset='flic'), "predictions of 'flic', but the ground "
     'truth is mpii'),
])
def test_prediction_json_checks(tmp_path, data, message):
    path = tmp_path / 'preds.json'
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    with pytest.raises(PredictionFileError, match=message) as e:
        load_predictions(str(path), 2, 16, dataset='mpii')
    assert 'preds.json' in str(e.value)


def test_missing_and_unknown_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'nope\.mat does not exist'):
        load_ground_truth(str(tmp_path / 'nope.mat'))
    (tmp_path / 'preds.txt').write_text('1 2 3')
    with pytest.raises(PredictionFileError, match=r'preds\.txt: unknown '
                       r'file type; expected \.mat, \.h5 or \.json'):
        load_predictions(str(tmp_path / 'preds.txt'), 2, 16)


def mpii_gt_mat(tmp_path):
    from scipy.io import savemat
    path = str(tmp_path / 'gt.mat')
    pos = np.random.default_rng(0).uniform(10, 90, (16, 2, 3))
    boxes = np.zeros((2, 2, 3))
    boxes[1] = 30.
    savemat(path, dict(pos_gt_src=pos, jnt_missing=np.zeros((16, 3)),
                       headboxes_src=boxes))
    return path


def test_ground_truth_of_the_wrong_dataset(tmp_path):
    path = mpii_gt_mat(tmp_path)
    assert load_ground_truth(path, 'mpii').joints.shape == (3, 16, 2)
    with pytest.raises(PredictionFileError, match=r"gt\.mat: an MPII "
                       r"ground-truth \.mat \('pos_gt_src'\), not flic"):
        load_ground_truth(path, 'flic')


def test_a_hourglass_h5_needs_its_dataset_and_matching_normalize(tmp_path):
    path = str(tmp_path / 'valid.h5')
    with h5py.File(path, 'w') as f:
        f['part'] = np.random.default_rng(0).uniform(10, 90, (3, 11, 2))
        f['normalize'] = np.ones(3)
    assert load_ground_truth(path, 'flic').joints.shape == (3, 11, 2)
    with pytest.raises(PredictionFileError, match=r"valid\.h5: a hourglass "
                       r"\.h5 \('part'\) holds MPII or FLIC; say which"):
        load_ground_truth(path)
    with h5py.File(path, 'a') as f:
        del f['normalize']
        f['normalize'] = np.ones(4)
    with pytest.raises(PredictionFileError, match=r"valid\.h5: field "
                       r"'normalize' has shape \(4,\), expected \(3,\)"):
        load_ground_truth(path, 'flic')


@pytest.mark.parametrize('size,annotated,refused', [
    (0., True, True),  # an annotated person needs a positive size
    (-2., True, True),
    (0., False, False),  # a person with no annotated joint is not scored
    (np.nan, False, True),  # never a non-finite size
    (np.inf, False, True),
])
def test_h5_sizes_of_annotated_people(tmp_path, size, annotated, refused):
    path = str(tmp_path / 'valid.h5')
    part = np.random.default_rng(0).uniform(10, 90, (3, 11, 2))
    if not annotated:
        part[1] = 0
    with h5py.File(path, 'w') as f:
        f['part'] = part
        f['normalize'] = np.array([1., size, 1.])
    if not refused:
        gt = load_ground_truth(path, 'flic')
        assert gt.annotated.sum(-1).tolist() == [11, 0, 11]
        return
    with pytest.raises(PredictionFileError, match=r"valid\.h5: field "
                       r"'normalize' gives person 1 the size"):
        load_ground_truth(path, 'flic')


@pytest.mark.parametrize('field,shape', [
    ('pos_gt_src', (14, 2, 3)),  # not MPII's 16 joints
    ('jnt_missing', (16, 4)),  # another count of people
    ('headboxes_src', (2, 2, 2)),
])
def test_mpii_ground_truth_shapes(tmp_path, field, shape):
    from scipy.io import loadmat, savemat
    path = mpii_gt_mat(tmp_path)
    mat = loadmat(path)
    mat[field] = np.ones(shape)
    savemat(path, {k: v for k, v in mat.items() if not k.startswith('__')})
    with pytest.raises(PredictionFileError,
                       match=rf"gt\.mat: field '{field}' has shape"):
        load_ground_truth(path)


@pytest.mark.parametrize('value,refused', [
    (1e6, False), (-1e6, False),  # the bound itself is a position
    (1e6 * (1 + 1e-9), True), (np.nan, True), (np.inf, True),
])
def test_ground_truth_positions_name_the_person_and_joint(
        tmp_path, value, refused):
    from scipy.io import loadmat, savemat
    path = mpii_gt_mat(tmp_path)
    mat = loadmat(path)
    mat['pos_gt_src'][3, 1, 2] = value  # person 2, joint 3, y
    savemat(path, {k: v for k, v in mat.items() if not k.startswith('__')})
    if not refused:
        assert load_ground_truth(path).joints[2, 3, 1] == value
        return
    with pytest.raises(PredictionFileError, match=r"gt\.mat: field "
                       r"'pos_gt_src' gives person 2, joint 3 the position"):
        load_ground_truth(path)


def test_a_zero_head_box_is_named(tmp_path):
    from scipy.io import loadmat, savemat
    path = mpii_gt_mat(tmp_path)
    mat = loadmat(path)
    mat['headboxes_src'][:, :, 1] = 5.  # both corners at (5, 5)
    savemat(path, {k: v for k, v in mat.items() if not k.startswith('__')})
    with pytest.raises(PredictionFileError, match=r"gt\.mat: field "
                       r"'headboxes_src' gives person 1 the size 0\.0; "
                       r"expected a positive number"):
        load_ground_truth(path)


def test_hourglass_h5_ground_truth_fields(tmp_path):
    path = str(tmp_path / 'valid.h5')
    part = np.random.default_rng(0).uniform(10, 90, (3, 11, 2))
    with h5py.File(path, 'w') as f:
        f['part'] = part
    gt = load_ground_truth(path, 'flic')
    assert gt.dataset == 'flic' and gt.norm is None  # no 'normalize'
    with pytest.raises(PredictionFileError, match=r"valid\.h5: field 'part' "
                       r"has shape \(3, 11, 2\), expected \('N', 16, 2\)"):
        load_ground_truth(path, 'mpii')
    part[2, 4, 0] = np.inf
    with h5py.File(path, 'w') as f:
        f['part'] = part
    with pytest.raises(PredictionFileError, match=r"valid\.h5: field 'part' "
                       r"gives person 2, joint 4 the position \[inf, "):
        load_ground_truth(path, 'flic')
