"""The converters' functions in this process (the tools' tests run them in
a child process, where mutation testing cannot see them): hand-made
records with hand-computed results, and the real hourglass files."""
import json
import os.path as osp
import re

import h5py
import numpy as np
import pytest

from hg_plugin.converters.annotations import (MAX_SCALE,
                                              flic_examples_to_records,
                                              flic_hg_h5_to_records,
                                              head_sizes_to_headboxes,
                                              load_flic_examples, load_hg_h5,
                                              load_mpii_gt_mat,
                                              mpii_hg_h5_to_records,
                                              mpii_release_to_records)
from hg_plugin.datasets import AnnotationError


def hourglass_h5(n: int, k: int) -> dict:
    part = np.arange(n * k * 2, dtype=np.float64).reshape(n, k, 2) + 10
    part[0, 1] = 0  # not annotated
    return dict(part=part,
                center=np.array([[100., 200.], [300., 400.]])[:n],
                scale=np.array([2.5, 1.25])[:n],
                normalize=np.array([40., 50.])[:n],
                imgname=np.array([b'a.jpg', b'b.jpg'])[:n])


def test_mpii_h5_records_undo_the_hourglass_crop():
    # the file's centre is 15 x s below and its scale 1.25 x the dataset's
    recs = mpii_hg_h5_to_records(hourglass_h5(2, 16), 'v.h5')
    assert [r['image'] for r in recs] == ['a.jpg', 'b.jpg']
    assert [r['scale'] for r in recs] == [2., 1.]
    assert recs[0]['center'] == [100., 200. - 15 * 2.]
    assert recs[1]['center'] == [300., 400. - 15 * 1.]
    assert recs[0]['joints'][0] == [9., 10.]  # 0-based
    assert recs[1]['joints'][15] == [10. + 62 - 1, 10. + 63 - 1]
    assert recs[0]['joints_vis'] == [1, 0] + [1] * 14
    assert recs[1]['joints_vis'] == [1] * 16


def test_flic_h5_records_keep_the_crop_and_the_torso():
    recs = flic_hg_h5_to_records(hourglass_h5(2, 11), 'f.h5')
    assert recs[0]['center'] == [99., 199.]  # 0-based
    assert [r['scale'] for r in recs] == [2.5, 1.25]
    assert [r['torso_size'] for r in recs] == [40., 50.]
    assert recs[0]['joints_vis'] == [1, 0] + [1] * 9
    assert recs[1]['joints'][10] == [10. + 42 - 1, 10. + 43 - 1]


@pytest.mark.parametrize('field,value,message', [
    ('part', None, "'part'"),
    ('part', np.zeros((2, 16, 3)), "'part'"),
    ('center', np.zeros((2, 3)), "'center'"),
    ('center', np.zeros((1, 2)), "'center'"),
    ('scale', np.array([2.5, 0.]), "'scale'"),
    ('scale', np.array([2.5, -1.]), "'scale'"),
    ('scale', np.array([2.5, MAX_SCALE * 2]), "'scale'"),
    ('imgname', None, "'imgname'"),
    ('imgname', np.array([b'a.jpg']), "'imgname'"),
    ('imgname', 'ab', "'imgname'"),
    ('imgname', np.array([b'a.jpg', b'']), "'imgname'"),
])
@pytest.mark.parametrize('dataset', ['mpii', 'flic'])
def test_bad_h5_fields_are_refused_naming_file_and_field(
        dataset, field, value, message):
    k = 16 if dataset == 'mpii' else 11
    h5 = hourglass_h5(2, k)
    if value is None:
        del h5[field]
    else:
        h5[field] = value if field != 'part' else value[:, :k]
    to_records = (mpii_hg_h5_to_records
                  if dataset == 'mpii' else flic_hg_h5_to_records)
    with pytest.raises(AnnotationError, match=message) as e:
        to_records(h5, 'in.h5')
    assert str(e.value).startswith('in.h5')


@pytest.mark.parametrize('torso', [None, [40., 0.], [40., -2.], [40.]])
def test_flic_torso_sizes_must_be_positive_one_per_person(torso):
    h5 = hourglass_h5(2, 11)
    if torso is None:
        del h5['normalize']
    else:
        h5['normalize'] = np.array(torso)
    with pytest.raises(AnnotationError, match="in.h5.*'normalize'"):
        flic_hg_h5_to_records(h5, 'in.h5')


def release(tmp_path, joints_of_val):
    """A two-person ``mpii_annotations.json``: one training person, then the
    validation people with the given (16, 2) joints, 1-based."""
    people = [dict(isValidation=0, img_paths='t.jpg', objpos=[50, 60],
                   scale_provided=1.5,
                   joint_self=[[5., 6., 1.]] * 16)]
    for i, j in enumerate(joints_of_val):
        people.append(dict(
            isValidation=1, img_paths=f'v{i}.jpg', objpos=[70, 80],
            scale_provided=2.,
            joint_self=[[x, y, 0.] for x, y in j]))
    path = tmp_path / 'mpii_annotations.json'
    path.write_text(json.dumps(people))
    return str(path)


def gt_mat(joints, missing):
    """``detections_our_format.mat``'s arrays: (16, 2, N) and (16, N)."""
    return dict(pos_gt_src=np.transpose(np.array(joints), (1, 2, 0)),
                jnt_missing=np.array(missing, np.float64).T)


@pytest.mark.parametrize('offset,off_joints,fits', [
    (0.009, 16, True),  # within 1e-2 px: the same annotation
    (0.5, 4, True),  # 12 of 16 agree: the same person
    (0.5, 5, False),  # 11 of 16: another person
])
def test_validation_people_must_match_the_ground_truth_order(
        tmp_path, offset, off_joints, fits):
    gt = 100. + np.arange(32, dtype=np.float64).reshape(16, 2)
    mine = gt.copy()
    mine[:off_joints] += offset
    missing = np.zeros(16)
    missing[15] = 1  # a joint the .mat leaves out: not compared, taken
    path = release(tmp_path, [mine])
    mat = gt_mat([gt], [missing])
    if not fits:
        with pytest.raises(AnnotationError,
                           match='person 0 .*v0.jpg.* order differs'):
            mpii_release_to_records(path, mat, 'gt.mat')
        return
    train, val = mpii_release_to_records(path, mat, 'gt.mat')
    assert train[0]['joints'][0] == [4., 5.] and train[0]['scale'] == 1.5
    # the .mat's joints (0-based) and annotation flags replace the json's
    np.testing.assert_allclose(val[0]['joints'], gt - 1)
    assert val[0]['joints_vis'] == [1] * 15 + [0]


def test_the_ground_truth_must_list_as_many_validation_people(tmp_path):
    gt = 100. + np.arange(32, dtype=np.float64).reshape(16, 2)
    path = release(tmp_path, [gt])
    with pytest.raises(AnnotationError,
                       match='1 validation people, but gt.mat has 2'):
        mpii_release_to_records(path, gt_mat([gt, gt], np.zeros((2, 16))),
                                'gt.mat')


def test_real_files_in_this_process(shared_data):
    # what the tools' tests check of the real files, without a child
    # process
    flic = osp.join(shared_data, 'flic', 'valid.h5')
    recs = flic_hg_h5_to_records(load_hg_h5(flic), flic)
    with h5py.File(flic) as f:
        assert len(recs) == len(f['part']) == 1016
        np.testing.assert_allclose(recs[5]['joints'], f['part'][5] - 1,
                                   atol=1e-4)
        assert recs[5]['torso_size'] == pytest.approx(f['normalize'][5])
        assert recs[5]['image'] == f['imgname'][5].decode().strip('\0')
    mpii = osp.join(shared_data, 'mpii')
    mat = load_mpii_gt_mat(osp.join(mpii, 'detections_our_format.mat'))
    assert mat['pos_gt_src'].shape == (16, 2, 2958)
    h5 = osp.join(mpii, 'valid.h5')
    recs = mpii_hg_h5_to_records(load_hg_h5(h5), h5)
    assert len(recs) == 2958
    ref = mat['pos_gt_src'][:, :, 7] - 1
    annotated = mat['jnt_missing'][:, 7] == 0
    # valid.h5 keeps whole pixels of the same people
    np.testing.assert_allclose(np.array(recs[7]['joints'])[annotated],
                               ref[annotated], atol=1)


def test_release_joints_are_missing_only_at_the_origin(tmp_path):
    # mpii_annotations.json marks a joint not annotated by (0, 0); a joint
    # on an image edge (x or y 0) is annotated
    joints = [[5., 6., 1.]] * 16
    joints[2], joints[3], joints[4] = [0., 0., 0.], [0., 7., 0.], [8., 0., 1.]
    path = tmp_path / 'mpii_annotations.json'
    path.write_text(json.dumps([dict(
        isValidation=0, img_paths='t.jpg', objpos=[50, 60],
        scale_provided=1.5, joint_self=joints)]))
    train, val = mpii_release_to_records(str(path))
    assert val == []
    assert train[0]['joints_vis'] == [1, 1, 0] + [1] * 13
    assert train[0]['joints'][3] == [-1., 6.]
    assert train[0]['center'] == [50., 60.]


@pytest.mark.parametrize('field', ['joint_self', 'isValidation', 'img_paths',
                                   'objpos', 'scale_provided'])
def test_a_release_person_without_a_field_is_named(tmp_path, field):
    path = release(tmp_path, [np.zeros((16, 2))])
    people = json.loads(open(path).read())
    del people[1][field]
    with open(path, 'w') as f:
        json.dump(people, f)
    with pytest.raises(AnnotationError,
                       match=rf"^{re.escape(path)}: person 1.*'{field}'"):
        mpii_release_to_records(path)


def test_the_ground_truth_joints_keep_four_decimals_and_integer_flags(
        tmp_path):
    # detections_our_format.mat's coordinates are 1-based with fractions:
    # 123.456789 -> 122.4568
    gt = 100.456789 + np.arange(32, dtype=np.float64).reshape(16, 2)
    path = release(tmp_path, [gt])
    _, val = mpii_release_to_records(path, gt_mat([gt], [np.zeros(16)]),
                                     'gt.mat')
    assert val[0]['joints'][0] == [99.4568, 100.4568]
    assert val[0]['joints'][15] == [129.4568, 130.4568]
    assert all(type(v) is int for v in val[0]['joints_vis'])


def test_messages_name_the_files_and_their_defaults(tmp_path):
    gt = 100. + np.arange(32, dtype=np.float64).reshape(16, 2)
    path = release(tmp_path, [gt])
    two = gt_mat([gt, gt], np.zeros((2, 16)))
    with pytest.raises(AnnotationError, match=rf'^{re.escape(path)}: 1 '
                       r'validation people, but ground-truth \.mat has 2'):
        mpii_release_to_records(path, two)
    h5 = hourglass_h5(2, 16)
    del h5['part']
    with pytest.raises(AnnotationError, match=r"^MPII \.h5.*'part'"):
        mpii_hg_h5_to_records(h5)
    h5 = hourglass_h5(2, 11)
    del h5['part']
    with pytest.raises(AnnotationError, match=r"^FLIC \.h5.*'part'"):
        flic_hg_h5_to_records(h5)
    with pytest.raises(AnnotationError, match=r"^MPII \.h5.*'normalize'"):
        head_sizes_to_headboxes(np.array([1., -1.]))


def test_head_sizes_become_square_boxes_of_that_pckh_size():
    # PCKh's head size is 0.6 x the head box's diagonal (MPII's evaluation
    # code): a square of side 10 has head size 0.6 * 10 * sqrt(2)
    boxes = head_sizes_to_headboxes(0.6 * np.sqrt(2) * np.array([10., 5.]))
    np.testing.assert_allclose(boxes, [[[0, 0], [0, 0]], [[10, 5], [10, 5]]])


@pytest.mark.parametrize('to_records,k', [(mpii_hg_h5_to_records, 11),
                                          (flic_hg_h5_to_records, 16)])
def test_h5_files_of_the_other_joint_count_are_refused(to_records, k):
    with pytest.raises(AnnotationError, match=r"^in\.h5.*'part'"):
        to_records(hourglass_h5(2, k), 'in.h5')


def test_one_person_whose_image_name_is_not_an_array_is_refused():
    h5 = hourglass_h5(1, 16)
    h5['imgname'] = 'a.jpg'
    with pytest.raises(AnnotationError, match=r"^in\.h5.*'imgname'"):
        mpii_hg_h5_to_records(h5, 'in.h5')


# FLIC's 29 labels (lsho, lelb, lwri, rsho, relb, rwri, lhip, lkne, lank,
# rhip, rkne, rank, leye, reye, lear, rear, nose, ...): the rows of the
# plugin's 11 joints
FLIC_ROWS = [0, 1, 2, 3, 4, 5, 6, 9, 12, 13, 16]


def flic_example(name='m-1.jpg', train=1., **fields):
    """One example of FLIC's examples.mat: label j at (10.123456 + j,
    100 + 2j), 1-based; a 720 x 480 frame; torso box x 200-300, y 100-350.
    """
    dtype = [('filepath', 'O'), ('coords', 'O'), ('imgdims', 'O'),
             ('torsobox', 'O'), ('istrain', 'O'), ('istest', 'O')]
    ex = np.zeros((1, 1), dtype=dtype)
    j = np.arange(29, dtype=np.float64)
    ex[0, 0] = (name, np.stack([10.123456 + j, 100 + 2 * j]),
                np.array([[480., 720., 3.]]),
                np.array([[200., 100., 300., 350.]]), train, 1 - train)
    for key, value in fields.items():
        ex[0, 0][key] = value
    return ex[0]


def test_flic_examples_become_the_hourglass_crop_by_hand():
    coords = np.stack([10.123456 + np.arange(29), 100. + 2 * np.arange(29)])
    coords[:, 19] = np.nan  # 'mear', not one of the 11: allowed
    rec, = flic_examples_to_records(flic_example(coords=coords), 'train')
    assert rec['image'] == 'm-1.jpg'
    # x: the torso box's middle (200 + 300) / 2, y: the frame's 480 / 2;
    # both 0-based
    assert rec['center'] == [249., 239.]
    assert rec['scale'] == pytest.approx(2.2)  # 0.9167 x 480 / 200
    # 0-based, four decimals: 10.123456 - 1 -> 9.1235
    np.testing.assert_allclose(
        rec['joints'], [[9.1235 + j, 99. + 2 * j] for j in FLIC_ROWS],
        rtol=0, atol=1e-9)
    assert rec['joints_vis'] == [1] * 11
    assert all(type(v) is int for v in rec['joints_vis'])
    # rsho (13.12.., 106) to lhip (16.12.., 112): sqrt(3^2 + 6^2)
    assert rec['torso_size'] == pytest.approx(np.sqrt(45.))
    assert flic_examples_to_records(flic_example(), 'test') == []


@pytest.mark.parametrize('field,value', [
    ('istrain', np.array([[1., 0.]])), ('istrain', 'yes'),
    ('coords', np.zeros((2, 28))), ('imgdims', np.array([[0., 720., 3.]])),
    ('imgdims', np.array([[-480., 720., 3.]])), ('torsobox', np.zeros(3)),
    ('filepath', np.array([[1.]])), ('filepath', ''),
])
def test_bad_flic_example_fields_are_named(field, value):
    ex = flic_example(**{field: value})
    with pytest.raises(AnnotationError,
                       match=rf"^f\.mat: example 0: field '{field}'"):
        flic_examples_to_records(ex, 'train', 'f.mat')
    with pytest.raises(AnnotationError,
                       match=rf"^examples\.mat: example 0: field '{field}'"):
        flic_examples_to_records(ex, 'train')


def test_an_examples_mat_without_examples_is_named(tmp_path):
    from scipy.io import savemat
    path = str(tmp_path / 'examples.mat')
    savemat(path, {'other': np.zeros(2)})
    with pytest.raises(AnnotationError,
                       match=rf"^{re.escape(path)}: missing field 'examples'"):
        load_flic_examples(path)
