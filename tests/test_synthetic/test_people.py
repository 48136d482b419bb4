import json
import os.path as osp

import numpy as np
from scipy.io import loadmat

from hg_plugin.datasets import CheckedMpiiDataset, FlicDataset
from hg_plugin.synthetic import generate_split, make_person


def test_same_seed_same_data_other_seed_other_data():
    a = make_person(np.random.default_rng([3, 7]), (128, 128))
    b = make_person(np.random.default_rng([3, 7]), (128, 128))
    c = make_person(np.random.default_rng([4, 7]), (128, 128))
    np.testing.assert_array_equal(a['img'], b['img'])
    np.testing.assert_array_equal(a['joints'], b['joints'])
    assert not np.array_equal(a['joints'], c['joints'])


def test_people_are_human_like():
    for i in range(50):
        p = make_person(np.random.default_rng([0, i]), (160, 160))
        j = p['joints']
        height = p['scale'] * 200
        # limbs keep their length ratios (upper arm 0.17, thigh 0.24)
        upper_arm = np.linalg.norm(j[12] - j[11]) / height
        thigh = np.linalg.norm(j[2] - j[1]) / height
        assert 0.14 < upper_arm < 0.2 and 0.2 < thigh < 0.28
        # faces the camera: the person's left shoulder is on its left side
        # (image right) relative to the torso axis
        up = j[7] - j[6]
        side = np.cross(np.append(up, 0), np.append(j[13] - j[12], 0))[2]
        assert side > 0
        assert (p['headbox'][1] > p['headbox'][0]).all()


def test_out_of_frame_joints_are_not_annotated():
    found = 0
    for i in range(200):
        p = make_person(np.random.default_rng([1, i]), (128, 128))
        inside = ((p['joints'] >= 0) & (p['joints'] <= 127)).all(-1)
        np.testing.assert_array_equal(p['annotated'], inside)
        found += (~inside).any()
    assert found > 0  # the generator does produce them


def test_written_formats_load_as_the_real_datasets(synthetic_root):
    mpii = CheckedMpiiDataset(
        ann_file=osp.join(synthetic_root, 'annotations', 'mpii_val.json'),
        headbox_file=osp.join(synthetic_root, 'annotations',
                              'mpii_gt_val.mat'),
        data_prefix=dict(img=osp.join(synthetic_root, 'images')),
        test_mode=True)
    assert len(mpii) == 8
    info = mpii.get_data_info(0)
    gt = loadmat(osp.join(synthetic_root, 'annotations', 'mpii_gt_val.mat'))
    assert gt['pos_gt_src'].shape == (16, 2, 8)
    annotated = gt['jnt_missing'][:, 0] == 0
    # the .mat is 1-based, the json 0-based
    np.testing.assert_allclose(info['keypoints'][0][annotated] + 1,
                               gt['pos_gt_src'][annotated, :, 0], atol=1e-2)
    flic = FlicDataset(
        ann_file=osp.join(synthetic_root, 'annotations', 'flic_valid.json'),
        data_prefix=dict(img=osp.join(synthetic_root, 'images')),
        test_mode=True)
    assert len(flic) == 8 and flic.get_data_info(0)['keypoints'].shape == (
        1, 11, 2)
    with open(osp.join(synthetic_root, 'annotations',
                       'mpii_train.json')) as f:
        assert len(json.load(f)) == 24


def test_generation_is_deterministic_on_disk(tmp_path):
    for d in ('a', 'b'):
        generate_split(str(tmp_path / d), 'val', 3, seed=5, size=(96, 96),
                       progress=False)
    for name in ('annotations/mpii_val.json', 'images/000000002.jpg'):
        assert (tmp_path / 'a' / name).read_bytes() == (
            tmp_path / 'b' / name).read_bytes()


def test_flic_records_frame_the_upper_body_as_the_real_files(
        synthetic_root, shared_data):
    # the hourglass FLIC files: torso (r_shoulder - l_hip) over the crop's
    # side, and the crop centre above the mean of shoulders and hips, as
    # medians over the 1016 validation people; the synthetic records use
    # those medians for every person
    import h5py
    with h5py.File(osp.join(shared_data, 'flic', 'valid.h5'), 'r') as f:
        side = 200 * f['scale'][:]
        part, center = f['part'][:], f['center'][:]
        torso = f['normalize'][:]
    ratio = np.median(torso / side)
    above = np.median((part[:, [0, 3, 6, 7]].mean(1) - center)[:, 1] / side)
    assert abs(ratio - 0.368) < 5e-4 and abs(above - 0.038) < 5e-4
    with open(osp.join(synthetic_root, 'annotations',
                       'flic_valid.json')) as f:
        records = json.load(f)
    for r in records:
        j = np.array(r['joints'])
        side = 200 * r['scale']
        assert np.isclose(r['torso_size'], np.linalg.norm(j[3] - j[6]),
                          atol=0.01)  # joints written to 3 decimals
        assert np.isclose(r['torso_size'] / side, ratio, atol=5e-4)
        np.testing.assert_allclose(
            j[[0, 3, 6, 7]].mean(0) - r['center'], [0, above * side],
            atol=5e-4 * side)
