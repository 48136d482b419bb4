"""Converters on the real annotation files, and the converted datasets."""
import json
import os.path as osp
import subprocess
import sys

import h5py
import numpy as np
import pytest
from mmengine.evaluator import Evaluator
from scipy.io import loadmat, savemat

from hg_plugin.converters.annotations import flic_examples_to_records
from hg_plugin.datasets import CheckedMpiiDataset, FlicDataset
from hg_plugin.evaluation.prediction_files import load_predictions
from tests.conftest import ROOT

# FLIC's README: lsho lelb lwri rsho relb rwri lhip (lkne lank) rhip (rkne
# rank) leye reye (lear rear) nose ...: the 11 joints of the hourglass files
HOURGLASS_11_OF_29 = (0, 1, 2, 3, 4, 5, 6, 9, 12, 13, 16)


def convert(script: str, *args) -> str:
    proc = subprocess.run(
        [sys.executable,
         osp.join(ROOT, 'tools', 'dataset_converters', script), *args],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope='module')
def mpii_converted(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp('mpii')
    mpii = osp.join(shared_data, 'mpii')
    convert('mpii_to_mmpose.py', osp.join(mpii, 'mpii_annotations.json.gz'),
            str(out), '--gt-mat', osp.join(mpii, 'detections_our_format.mat'))
    return str(out)


def mpii_dataset(root: str, split: str) -> CheckedMpiiDataset:
    return CheckedMpiiDataset(
        ann_file=osp.join(root, f'mpii_{split}.json'),
        headbox_file=osp.join(root, 'mpii_gt_val.mat')
        if split == 'val' else None,
        data_prefix=dict(img='images/'),
        test_mode=split == 'val',
        missing_image='ignore')


@pytest.mark.slow  # runs the tool in a child process
def test_mpii_release_converts_to_mmpose_datasets(mpii_converted,
                                                  shared_data):
    train = mpii_dataset(mpii_converted, 'train')
    val = mpii_dataset(mpii_converted, 'val')
    assert len(val) == 2958
    # people without any annotated joint are dropped by mmpose in training
    with open(osp.join(mpii_converted, 'mpii_train.json')) as f:
        assert len(json.load(f)) == 22246
    assert len(train) > 22000
    gt = loadmat(osp.join(shared_data, 'mpii', 'detections_our_format.mat'))
    boxes = gt['headboxes_src'].transpose(2, 0, 1)
    head = 0.6 * np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=-1)
    sizes = np.array([val.get_data_info(i)['head_size'].item()
                      for i in range(len(val))])
    np.testing.assert_allclose(sizes, head, rtol=1e-6)
    # same person order as the .mat, 0-based joints
    kpts = np.stack([val.get_data_info(i)['keypoints'][0]
                     for i in range(len(val))])
    ref = gt['pos_gt_src'].transpose(2, 0, 1) - 1
    annotated = gt['jnt_missing'].T == 0
    np.testing.assert_allclose(kpts[annotated], ref[annotated], atol=1e-3)
    # the hourglass valid.h5 lists the same people (centre and scale)
    with h5py.File(osp.join(shared_data, 'mpii', 'valid.h5')) as f:
        center, scale = f['center'][()], f['scale'][()]
    c0 = np.stack([val.get_data_info(i)['bbox_center'][0]
                   for i in range(len(val))])
    s0 = np.array([val.get_data_info(i)['bbox_scale'][0, 0]
                   for i in range(len(val))])
    np.testing.assert_allclose(s0 * 1.25 / 200, scale, rtol=2e-3)
    np.testing.assert_allclose(c0 + 1, center, atol=0.5)


@pytest.mark.slow  # runs the tool in a child process
@pytest.mark.parametrize('preds,expected_mean', [(None, 100.),
                                                 ('bearpaw-hg_s8_b1.mat',
                                                  88.64)])
def test_pckh_on_converted_validation_set(mpii_converted, shared_data,
                                          preds, expected_mean):
    val = mpii_dataset(mpii_converted, 'val')
    infos = [val.get_data_info(i) for i in range(len(val))]
    if preds is None:
        pred = np.stack([info['keypoints'][0] for info in infos])
    else:  # published files are 1-based; the dataset is 0-based
        pred = load_predictions(
            osp.join(shared_data, 'mpii', 'preds', preds), 2958, 16) - 1
    evaluator = Evaluator(dict(type='PCKhMetric'))
    evaluator.process([
        dict(pred_instances=dict(keypoints=pred[i:i + 1]),
             gt_instances=dict(keypoints=info['keypoints'],
                               keypoints_visible=info['keypoints_visible'],
                               head_size=info['head_size']))
        for i, info in enumerate(infos)
    ])
    m = evaluator.evaluate(len(infos))
    assert round(m['PCKh/Mean'], 2) == expected_mean
    if preds:
        assert [round(m[f'PCKh/{g}'], 2) for g in (
            'Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle')
        ] == [96.79, 95.19, 90.08, 85.32, 87.48, 84.26, 80.73]


@pytest.mark.slow  # runs the tool in a child process
@pytest.mark.parametrize('name,count', [('valid.h5', 1016),
                                        ('train.h5', 3987),
                                        ('valid_personcentric.h5', 1016)])
def test_flic_h5_converts(shared_data, tmp_path, name, count):
    out = str(tmp_path / 'flic.json')
    convert('hg_h5_to_json.py', 'flic', osp.join(shared_data, 'flic', name),
            out)
    ds = FlicDataset(ann_file=out, data_prefix=dict(img='images/'),
                     test_mode=True, missing_image='ignore')
    assert len(ds) == count
    info = ds.get_data_info(0)
    with h5py.File(osp.join(shared_data, 'flic', name)) as f:
        np.testing.assert_allclose(info['keypoints'][0], f['part'][0] - 1,
                                   atol=1e-3)
        assert info['torso_size'] == pytest.approx(f['normalize'][0])
    assert ds.metainfo['num_keypoints'] == 11
    assert ds.metainfo['flip_indices'] == [3, 4, 5, 0, 1, 2, 7, 6, 9, 8, 10]


@pytest.mark.slow  # runs the tool in a child process
def test_mpii_h5_converts_with_head_sizes(shared_data, tmp_path):
    out, boxes = str(tmp_path / 'v.json'), str(tmp_path / 'hb.mat')
    convert('hg_h5_to_json.py', 'mpii',
            osp.join(shared_data, 'mpii', 'valid.h5'),
            out, '--headbox-out', boxes)
    ds = CheckedMpiiDataset(ann_file=out, headbox_file=boxes,
                            test_mode=True, missing_image='ignore')
    assert len(ds) == 2958
    with h5py.File(osp.join(shared_data, 'mpii', 'valid.h5')) as f:
        norm = f['normalize'][()]
    sizes = [ds.get_data_info(i)['head_size'].item() for i in (0, 1, 2957)]
    np.testing.assert_allclose(sizes, norm[[0, 1, 2957]], rtol=1e-6)


@pytest.mark.slow  # runs the tool in a child process
def test_flic_examples_mat_gives_the_h5_records(tmp_path):
    # A two-person examples.mat in FLIC's layout (29 labels, torso box):
    # the 11 hourglass joints come out in order, 0-based.
    rng = np.random.default_rng(0)
    dtype = [('filepath', 'O'), ('coords', 'O'), ('imgdims', 'O'),
             ('torsobox', 'O'), ('istrain', 'O'), ('istest', 'O')]
    ex = np.zeros((1, 2), dtype=dtype)
    for i in range(2):
        ex[0, i] = (f'movie-{i:08d}.jpg', rng.uniform(1, 400, (2, 29)),
                    np.array([[480., 720., 3.]]),
                    np.array([[200., 100., 300., 300.]]), float(i == 0),
                    float(i == 1))
    path = str(tmp_path / 'examples.mat')
    savemat(path, {'examples': ex})
    convert('flic_to_json.py', path, str(tmp_path))
    with open(tmp_path / 'flic_valid.json') as f:
        (rec, ) = json.load(f)
    coords = ex[0, 1]['coords']
    np.testing.assert_allclose(rec['joints'],
                               coords.T[list(HOURGLASS_11_OF_29)] - 1,
                               atol=1e-3)
    assert rec['center'] == [249., 239.] and rec['scale'] == pytest.approx(
        2.2)
    assert rec['torso_size'] == pytest.approx(
        np.linalg.norm(coords[:, 3] - coords[:, 6]))
    assert len(flic_examples_to_records(
        loadmat(path)['examples'][0], 'train')) == 1
