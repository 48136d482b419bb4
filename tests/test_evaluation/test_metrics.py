import json
import os.path as osp
import re

import numpy as np
import pytest
from mmengine.evaluator import Evaluator

import hg_plugin  # noqa: F401
from hg_plugin.evaluation.functional import pckh_table
from hg_plugin.evaluation.prediction_files import (load_ground_truth,
                                                   load_predictions)

FLIC_JOINTS = ['l_shoulder', 'l_elbow', 'l_wrist', 'r_shoulder', 'r_elbow',
               'r_wrist', 'l_hip', 'r_hip', 'l_eye', 'r_eye', 'nose']
MPII_JOINTS = ['right_ankle', 'right_knee', 'right_hip', 'left_hip',
               'left_knee', 'left_ankle', 'pelvis', 'thorax', 'upper_neck',
               'head_top', 'right_wrist', 'right_elbow', 'right_shoulder',
               'left_shoulder', 'left_elbow', 'left_wrist']


def samples(pred, gt, mask, norm_key, norm):
    return [
        dict(
            pred_instances=dict(keypoints=pred[i:i + 1]),
            gt_instances={
                'keypoints': gt[i:i + 1],
                'keypoints_visible': mask[i:i + 1].astype(np.float32),
                norm_key: np.array([norm[i]]),
            }) for i in range(len(pred))
    ]


def evaluate(metric: dict, data: list, batch: int = 64) -> dict:
    evaluator = Evaluator(metric)
    for i in range(0, len(data), batch):
        evaluator.process(data[i:i + batch])
    return evaluator.evaluate(len(data))


@pytest.fixture(scope='module')
def mpii_s8(shared_data):
    mpii = osp.join(shared_data, 'mpii')
    gt = load_ground_truth(osp.join(mpii, 'detections_our_format.mat'))
    preds = load_predictions(
        osp.join(mpii, 'preds', 'bearpaw-hg_s8_b1.mat'), 2958, 16)
    return gt, preds


def test_pckh_metric_equals_the_tool(mpii_s8):
    gt, preds = mpii_s8
    m = evaluate(dict(type='PCKhMetric'),
                 samples(preds, gt.joints, gt.annotated, 'head_size',
                         gt.norm))
    ref = pckh_table(preds, gt.joints, gt.annotated, gt.norm)
    assert round(m['PCKh/Mean'], 2) == 88.64
    assert round(m['PCKh/Wrist'], 2) == 85.32
    assert m['PCKh/Mean'] == pytest.approx(ref['PCKh@0.5']['Mean'])
    assert m['PCKh@0.1/Mean'] == pytest.approx(ref['PCKh@0.1']['Mean'])
    assert m['PCKh/AUC'] == pytest.approx(ref['AUC'])
    assert m['PCKh@0.5/right_wrist'] == pytest.approx(
        ref['PCKh@0.5']['per_joint'][10])


def test_matches_mmpose_mpii_pck_accuracy_weighted_mean(mpii_s8):
    # mmpose adds 1 to predictions (0-based -> 1-based); give both metrics
    # 0-based predictions and 1-based ground truth
    gt, preds = mpii_s8
    data = samples(preds - 1, gt.joints, gt.annotated, 'head_size', gt.norm)
    ours = evaluate(dict(type='PCKhMetric', pred_offset=1.), data)
    theirs = evaluate(dict(type='MpiiPCKAccuracy'), data)
    assert ours['PCKh/Mean (joint-weighted)'] == pytest.approx(
        theirs['PCK'], abs=1e-4)
    assert round(theirs['PCK'], 2) == 89.09
    assert ours['PCKh@0.1/Mean (joint-weighted)'] == pytest.approx(
        theirs['PCK@0.1'], abs=1e-3)
    for group in ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee',
                  'Ankle'):
        assert ours[f'PCKh/{group}'] == pytest.approx(
            theirs[f'{group} PCK'], abs=1e-4)


def test_pckh_metric_needs_head_size():
    data = [dict(pred_instances=dict(keypoints=np.zeros((1, 16, 2))),
                 gt_instances=dict(keypoints=np.zeros((1, 16, 2)),
                                   keypoints_visible=np.ones((1, 16))),
                 img_path='mpii/images/015601864.jpg')]
    with pytest.raises(KeyError, match=r"PCKhMetric: data sample 0 \(mpii/"
                       r"images/015601864\.jpg\) has no gt_instances\['head_"
                       r"size'\]; give MpiiDataset a headbox_file"):
        evaluate(dict(type='PCKhMetric'), data)


@pytest.fixture(scope='module')
def flic_gt(shared_data):
    return load_ground_truth(osp.join(shared_data, 'flic', 'valid.h5'), 'flic')


def torso(gt):
    return np.linalg.norm(gt.joints[:, 3] - gt.joints[:, 6], axis=-1)


def test_torso_pck_of_ground_truth_is_100(flic_gt):
    m = evaluate(dict(type='TorsoPCKMetric'),
                 samples(flic_gt.joints, flic_gt.joints, flic_gt.annotated,
                         'torso_size', torso(flic_gt)))
    assert m['PCK@0.2/Mean'] == 100. and m['PCK@0.2/Wrist'] == 100.
    assert len(flic_gt.joints) == 1016


def test_torso_pck_hand_computed_perturbation(flic_gt):
    # left wrists of the first 508 people moved 0.19 torso (correct), of
    # the others 0.21 torso (wrong); right elbows of every 4th person moved
    # 0.25 torso up (wrong)
    gt = flic_gt.joints
    size = torso(flic_gt)
    pred = gt.copy()
    pred[:508, 2, 0] += 0.19 * size[:508]
    pred[508:, 2, 0] += 0.21 * size[508:]
    pred[::4, 4, 1] -= 0.25 * size[::4]
    m = evaluate(dict(type='TorsoPCKMetric'),
                 samples(pred, gt, flic_gt.annotated, 'torso_size', size))
    assert m['PCK@0.2/l_wrist'] == pytest.approx(50.)
    assert m['PCK@0.2/Wrist'] == pytest.approx(75.)
    assert m['PCK@0.2/r_elbow'] == pytest.approx(75.)
    assert m['PCK@0.2/Elbow'] == pytest.approx(87.5)
    assert m['PCK@0.2/Mean'] == pytest.approx((9 * 100 + 50 + 75) / 11)
    # MODEC's torso (l_shoulder 0 to r_hip 7) normalises the same moves:
    # a wrist is correct where its move is below 0.2 of that torso
    modec = np.linalg.norm(gt[:, 0] - gt[:, 7], axis=-1)
    moved = np.where(np.arange(len(gt)) < 508, 0.19, 0.21) * size
    expected = 100 * np.mean(moved < 0.2 * modec)
    assert 5 < expected < 95  # the normalisers disagree on some people
    m2 = evaluate(dict(type='TorsoPCKMetric',
                       torso=('l_shoulder', 'r_hip')),
                  samples(pred, gt, flic_gt.annotated, 'torso_size', size))
    assert m2['PCK@0.2/l_wrist'] == pytest.approx(expected)


def test_torso_pck_invalid_options():
    from hg_plugin.evaluation import TorsoPCKMetric
    with pytest.raises(ValueError) as e:
        TorsoPCKMetric(torso=('neck', 'l_hip'))
    assert str(e.value) == (
        f'TorsoPCKMetric: torso must name two of {tuple(FLIC_JOINTS)} or be '
        '"dataset", got (\'neck\', \'l_hip\')')
    with pytest.raises(ValueError, match=r'^TorsoPCKMetric: thr must be a '
                       r'finite number in \(0, 1\]'):
        TorsoPCKMetric(thr=0)


def test_no_prefix_warning_and_the_keys_stay(logged):
    # mmengine warns "The prefix is not set in metric class ..." for a
    # metric without a default prefix; the keys are the protocols' own
    from mmpose.registry import METRICS
    for cfg in (dict(type='PCKhMetric'), dict(type='TorsoPCKMetric'),
                dict(type='KeypointPredictionDump', out_file='x.json')):
        metric = METRICS.build(cfg)
        assert metric.prefix == ''
    assert 'prefix is not set' not in logged.text
    # the warning is heard where it is given: mmpose's PCKAccuracy has no
    # default prefix
    METRICS.build(dict(type='PCKAccuracy'))
    assert 'prefix is not set in metric class PCKAccuracy' in logged.text
    gt = np.random.default_rng(0).uniform(10, 90, (3, 16, 2))
    m = evaluate(dict(type='PCKhMetric'),
                 samples(gt, gt, np.ones((3, 16), bool), 'head_size',
                         np.full(3, 10.)))
    assert {'PCKh/Mean', 'PCKh@0.1/Mean', 'PCKh@0.5/head_top',
            'PCKh/AUC'} <= set(m)


def test_torso_pck_auc_and_the_samples_own_torso(flic_gt):
    # every joint moved 0.295 torso in x: wrong at 0.2, right from the
    # curve's threshold 0.30 on, so the curve is 0 up to 0.29 and 100 from
    # 0.30 to 0.50: trapezoids (0.5 + 20) / 0.5 = 41
    gt = flic_gt.joints
    size = torso(flic_gt)
    pred = gt.copy()
    pred[..., 0] += 0.295 * size[:, None]
    m = evaluate(dict(type='TorsoPCKMetric'),
                 samples(pred, gt, flic_gt.annotated, 'torso_size', size))
    assert m['PCK@0.2/Mean'] == 0.
    assert m['PCK@0.2/AUC'] == pytest.approx(41.)
    # torso='dataset' reads each sample's torso_size: twice the torso
    # halves the errors (0.1475: right at 0.2)
    data = samples(pred, gt, flic_gt.annotated, 'torso_size', size)
    for d, s in zip(data, size):
        d['torso_size'] = np.array([2 * s])
    m = evaluate(dict(type='TorsoPCKMetric', torso='dataset'), data)
    assert m['PCK@0.2/Mean'] == 100.


def test_prediction_dump_writes_people_in_id_order(tmp_path, logged):
    out = str(tmp_path / 'preds.json')
    evaluator = Evaluator(dict(type='KeypointPredictionDump', out_file=out))
    evaluator.dataset_meta = dict(dataset_name='mpii')
    kpts = np.arange(3 * 16 * 2, dtype=np.float32).reshape(3, 1, 16, 2)
    scores = np.linspace(0, 1, 48, dtype=np.float32).reshape(3, 1, 16)
    data = [
        dict(id=np.array([9]), img_path='c.jpg',
             pred_instances=dict(keypoints=kpts[0],
                                 keypoint_scores=scores[0])),
        dict(id=4, img_path='b.jpg',
             pred_instances=dict(keypoints=kpts[1],
                                 keypoint_scores=scores[1])),
        dict(pred_instances=dict(keypoints=kpts[2],
                                 keypoint_scores=scores[2])),
    ]
    evaluator.process(data)
    assert evaluator.evaluate(3) == {}
    assert f'predictions of 3 people written to {out}' in logged.text
    with open(out) as f:
        got = json.load(f)
    assert got['dataset'] == 'mpii' and got['coordinate_base'] == 0
    assert got['ids'] == [-1, 4, 9]  # no id: -1
    assert got['img_paths'] == ['', 'b.jpg', 'c.jpg']
    np.testing.assert_array_equal(got['preds'], kpts[[2, 1, 0], 0])
    np.testing.assert_allclose(got['scores'], scores[[2, 1, 0], 0])
    with pytest.raises(ValueError, match=r"^KeypointPredictionDump: out_file "
                       r"must end in \.json, got 'preds\.pkl'"):
        Evaluator(dict(type='KeypointPredictionDump', out_file='preds.pkl'))


@pytest.mark.parametrize('metric,norm_key,key', [
    ('PCKhMetric', 'head_size', 'PCKh@0.5/right_ankle'),
    ('TorsoPCKMetric', 'torso_size', 'PCK@0.2/l_shoulder'),
])
def test_half_visible_joints_count_as_annotated(metric, norm_key, key):
    # visibility >= 0.5 is annotated (mmpose's codecs draw such a joint):
    # the first joint, 100 px off, is wrong at 0.5 and absent at 0.49
    k = 16 if metric == 'PCKhMetric' else 11
    gt = np.tile(np.arange(k, dtype=np.float64)[:, None] * 20, (1, 1, 2))
    pred = gt.copy()
    pred[0, 0] += 100
    for vis, expected in ((0.5, 0.), (0.49, None)):
        mask = np.ones((1, k))
        mask[0, 0] = vis
        data = samples(pred, gt, mask, norm_key, np.array([60.]))
        if metric == 'TorsoPCKMetric':
            data[0]['torso_size'] = np.array([60.])
            m = evaluate(dict(type=metric, torso='dataset'), data)
        else:
            m = evaluate(dict(type=metric), data)
        if expected is None:
            assert np.isnan(m[key])
        else:
            assert m[key] == expected


def test_format_table_by_hand():
    from hg_plugin.evaluation.metrics.table import format_table
    table = {'PCKh@0.5': {'Head': 96.5, 'Mean (joint-weighted)': 90.,
                          'per_joint': [100., 12.5]},
             'x': {'Head': 1., 'Mean (joint-weighted)': 2.,
                   'per_joint': [3., 4.]}}
    # columns: max(len, 6) + 1 wide, right-aligned; rows: the longest
    # name + 1, left-aligned; two decimals
    assert format_table(table, ['r_ankle', 'neck']) == (
        '            Head Mean(w) r_ankle   neck\n'
        'PCKh@0.5   96.50   90.00  100.00  12.50\n'
        'x           1.00    2.00    3.00   4.00')


@pytest.mark.parametrize('offset,ok', [(1000., True), (-1000., True),
                                       (1000.5, False), (-1000.5, False),
                                       (-2000., False)])
def test_pckh_prediction_offset_bounds(offset, ok):
    from hg_plugin.evaluation import PCKhMetric
    if ok:
        assert PCKhMetric(pred_offset=offset).pred_offset == offset
        return
    with pytest.raises(ValueError, match='^PCKhMetric: pred_offset '):
        PCKhMetric(pred_offset=offset)


@pytest.mark.parametrize('metric, joints, norm_key, keys', [
    # FLIC: the groups of the paper's table (and Shoulder, Hip, Eye, Nose),
    # every joint, the two means and the AUC, all at the one threshold
    ('TorsoPCKMetric', FLIC_JOINTS, 'torso_size',
     ['PCK@0.2/' + k for k in [
         'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Eye', 'Nose', 'Mean',
         'Mean (joint-weighted)', 'AUC', *FLIC_JOINTS]]),
    # MPII: the groups and means at 0.5, every joint at 0.5, the means at
    # 0.1 and the AUC
    ('PCKhMetric', MPII_JOINTS, 'head_size',
     ['PCKh/' + k for k in [
         'Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'Mean',
         'Mean (joint-weighted)', 'AUC']] +
     ['PCKh@0.1/Mean', 'PCKh@0.1/Mean (joint-weighted)'] +
     ['PCKh@0.5/' + j for j in MPII_JOINTS]),
])
def test_the_keys_and_the_logged_table(metric, joints, norm_key, keys,
                                       logged):
    gt = np.random.default_rng(0).uniform(10, 90, (3, len(joints), 2))
    m = evaluate(dict(type=metric),
                 samples(gt, gt, np.ones(gt.shape[:2], bool), norm_key,
                         np.full(3, 10.)))
    assert sorted(m) == sorted(keys)
    # every joint right from a threshold above 0 (an error must be below
    # it): the curve 0 at 0, then 100 at the 50 thresholds up to 0.5, so
    # the trapezoids' area (0.5 + 49) over 0.5 is 99
    auc = next(k for k in keys if k.endswith('/AUC'))
    assert m.pop(auc) == pytest.approx(99.)
    assert all(v == 100. for v in m.values())
    title = {'TorsoPCKMetric': 'Torso PCK', 'PCKhMetric': 'PCKh'}[metric]
    assert f'{title} over 3 people\n' in logged.text
    assert all(j in logged.text for j in joints)
    # each threshold's row, 100 in every column: the groups, two means and
    # every joint (FLIC 6 + 2 + 11, MPII 7 + 2 + 16)
    rows, columns = {'TorsoPCKMetric': (['PCK@0.2'], 19),
                     'PCKhMetric': (['PCKh@0.5', 'PCKh@0.1'], 25)}[metric]
    for row in rows:
        assert re.search(rf'\n{re.escape(row)}( +100\.00){{{columns}}}\n',
                         logged.text + '\n'), row


@pytest.mark.parametrize('cfg', [
    dict(type='PCKhMetric'), dict(type='TorsoPCKMetric'),
    dict(type='KeypointPredictionDump', out_file='x.json')])
def test_prefix_and_collect_device_reach_mmengine(cfg):
    from mmpose.registry import METRICS
    metric = METRICS.build(dict(cfg, prefix='val', collect_device='gpu'))
    assert metric.prefix == 'val' and metric.collect_device == 'gpu'
