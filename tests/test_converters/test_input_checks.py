"""Each input check of the dataset converters, reached by a fixture that
breaks only what that check looks at (the fuzzed tests cover the rest)."""
import copy
import gzip
import json

import numpy as np
import pytest
from scipy.io import savemat

from hg_plugin.converters.annotations import (flic_examples_to_records,
                                              load_flic_examples, load_hg_h5,
                                              load_mpii_gt_mat,
                                              mpii_release_to_records)
from hg_plugin.datasets import AnnotationError
from tests.test_fuzz.test_entry_points import examples, people


def release(tmp_path, content):
    path = tmp_path / 'mpii_annotations.json.gz'
    with gzip.open(path, 'wt') as f:
        json.dump(content, f)
    return str(path)


def test_missing_files_are_named(tmp_path):
    for load in (load_mpii_gt_mat, mpii_release_to_records, load_hg_h5,
                 load_flic_examples):
        with pytest.raises(FileNotFoundError, match=r'nope\.x does not '
                           'exist'):
            load(str(tmp_path / 'nope.x'))


def test_an_unreadable_ground_truth_mat(tmp_path):
    path = tmp_path / 'gt.mat'
    path.write_bytes(b'MATLAB 5.0 MAT-file' + bytes(200))
    with pytest.raises(AnnotationError, match=r'gt\.mat: not a readable '
                       r'\.mat file'):
        load_mpii_gt_mat(str(path))


@pytest.mark.parametrize('change,message', [
    (lambda p: {'people': p}, 'expected a list of people, got a dict'),
    (lambda p: p[:1] + [7], r'person 1 is a int, expected a dict'),
    (lambda p: [dict(p[0], isValidation=2)] + p[1:],
     r"person 0: field 'isValidation' must be 0 or 1, got 2"),
])
def test_release_checks(tmp_path, change, message):
    assert mpii_release_to_records(release(tmp_path, people()))
    path = release(tmp_path, change(copy.deepcopy(people())))
    with pytest.raises(AnnotationError, match=message) as e:
        mpii_release_to_records(path)
    assert 'mpii_annotations.json.gz' in str(e.value)


def ground_truth(val_people):
    pos = np.stack([np.asarray(p['joint_self'])[:, :2]
                    for p in val_people], -1)
    return dict(pos_gt_src=pos, jnt_missing=np.zeros((16, len(val_people))),
                headboxes_src=np.ones((2, 2, len(val_people))))


def test_ground_truth_must_match_the_validation_people(tmp_path):
    ppl = people()
    val = [p for p in ppl if p['isValidation']]
    path = release(tmp_path, ppl)
    train, got = mpii_release_to_records(path, ground_truth(val), 'gt.mat')
    assert len(got) == len(val)
    with pytest.raises(AnnotationError, match=r'1 validation people, but '
                       r'gt\.mat has 2'):
        mpii_release_to_records(path, ground_truth(val * 2), 'gt.mat')
    other = copy.deepcopy(val)
    other[0]['joint_self'] = (np.asarray(other[0]['joint_self']) +
                              [5, 5, 0]).tolist()
    with pytest.raises(AnnotationError, match=r'validation person 0 '
                       r'\(000000000\.jpg\) does not match person 0 of '
                       r'gt\.mat: the person order differs'):
        mpii_release_to_records(path, ground_truth(other), 'gt.mat')


def test_flic_examples_split_and_missing_joint(tmp_path):
    ex = examples()[0]
    assert flic_examples_to_records(ex, 'train')
    with pytest.raises(ValueError, match="split must be 'train' or 'test', "
                       "got 'val'"):
        flic_examples_to_records(ex, 'val')
    ex[0]['coords'] = ex[0]['coords'].copy()
    ex[0]['coords'][0, 3] = np.nan  # r_shoulder, one of the 11
    with pytest.raises(AnnotationError, match=r"example 0: field 'coords' "
                       'has NaN in one of the 11 joints'):
        flic_examples_to_records(ex, 'test')
    path = str(tmp_path / 'examples.mat')
    savemat(path, {'examples': examples()})
    assert len(load_flic_examples(path)) == len(examples()[0])


@pytest.mark.parametrize('field,value,message', [
    ('objpos', [1.], r"person 1: field 'objpos'"),
    ('scale_provided', 0., r"person 1: field 'scale_provided'"),
    ('scale_provided', -1.5, r"person 1: field 'scale_provided'"),
    ('scale_provided', 1e6, r"person 1: field 'scale_provided'"),
    ('joint_self', [[1., 2.]] * 16, r"person 1: field 'joint_self'"),
    ('img_paths', '', r"person 1: field 'img_paths'"),
    ('img_paths', None, r"person 1: missing field 'img_paths'"),
    ('isValidation', None, r"person 1: missing field 'isValidation'"),
])
def test_release_fields_are_named(tmp_path, field, value, message):
    ppl = people()
    if value is None:
        del ppl[1][field]
    else:
        ppl[1][field] = value
    with pytest.raises(AnnotationError, match=message) as e:
        mpii_release_to_records(release(tmp_path, ppl))
    assert str(e.value).startswith(str(tmp_path))


@pytest.mark.parametrize('field,value', [
    ('pos_gt_src', None), ('pos_gt_src', np.zeros((16, 3, 2))),
    ('jnt_missing', None), ('jnt_missing', np.zeros((16, 3))),
    ('headboxes_src', None), ('headboxes_src', np.zeros((2, 2, 3))),
])
def test_ground_truth_mat_fields_are_named(tmp_path, field, value):
    mat = dict(pos_gt_src=np.ones((16, 2, 2)), jnt_missing=np.zeros((16, 2)),
               headboxes_src=np.ones((2, 2, 2)),
               dataset_joints=np.array(['rank']))
    path = str(tmp_path / 'gt.mat')
    savemat(path, mat)
    loaded = load_mpii_gt_mat(path)
    assert loaded['headboxes_src'].shape == (2, 2, 2)
    if value is None:
        del mat[field]
    else:
        mat[field] = value
    savemat(path, mat)
    with pytest.raises(AnnotationError, match=f"gt.mat.*'{field}'"):
        load_mpii_gt_mat(path)


@pytest.mark.parametrize('layout', ['rows', 'plain'])
def test_flic_examples_must_be_one_row_of_structs(tmp_path, layout):
    ex = examples()
    bad = (np.concatenate([ex, ex]) if layout == 'rows' else
           np.zeros((1, 3)))
    path = str(tmp_path / 'examples.mat')
    savemat(path, {'examples': bad})
    with pytest.raises(AnnotationError, match=r"examples\.mat: field "
                       "'examples' must be a 1 x N struct array"):
        load_flic_examples(path)
