import numpy as np
import pytest

from hg_plugin.evaluation.functional import (auc, flic_table,
                                             normalized_errors, pck_per_joint,
                                             pckh_table, torso_sizes)


def test_strictly_below_threshold():
    gt = np.zeros((1, 2, 2))
    pred = np.array([[[5., 0.], [4.99, 0.]]])
    err = normalized_errors(pred, gt, np.array([10.]))
    np.testing.assert_allclose(pck_per_joint(err, np.ones((1, 2)), [0.5]),
                               [[0., 100.]])


def test_unannotated_joints_do_not_count_and_nan_is_wrong():
    gt = np.zeros((3, 1, 2))
    pred = np.array([[[1., 0.]], [[np.nan, 0.]], [[100., 0.]]])
    err = normalized_errors(pred, gt, np.ones(3) * 10)
    mask = np.array([[True], [True], [False]])
    np.testing.assert_allclose(pck_per_joint(err, mask, [0.5]), [[50.]])


def test_hand_computed_pckh_table():
    # 2 people, 16 joints; person 0 perfect, person 1 off by 6 px on the
    # right joints (0, 1, 2, 10, 11, 12) with head size 10 -> wrong at 0.5
    gt = np.zeros((2, 16, 2))
    pred = gt.copy()
    pred[1, [0, 1, 2, 10, 11, 12], 0] = 6.
    mask = np.ones((2, 16), bool)
    mask[0, 9] = False  # head top of person 0 not annotated
    t = pckh_table(pred, gt, mask, np.array([10., 10.]))['PCKh@0.5']
    assert t['Ankle'] == t['Knee'] == t['Hip'] == 75.
    assert t['Wrist'] == t['Elbow'] == t['Shoulder'] == 75.
    assert t['Head'] == 100.
    # Mean of 14 joints: 6 at 50, 8 at 100
    assert t['Mean'] == pytest.approx((6 * 50 + 8 * 100) / 14)
    # weighted by count: head_top has 1 person, the other 13 joints 2
    assert t['Mean (joint-weighted)'] == pytest.approx(
        (6 * 50 * 2 + 7 * 100 * 2 + 100 * 1) / 27)


def test_auc_of_perfect_and_linear_curves():
    t = np.linspace(0, 0.5, 51)
    assert auc(np.full(51, 100.)) == pytest.approx(100.)
    assert auc(t / 0.5 * 100) == pytest.approx(50.)


def test_flic_table_groups():
    # FLIC's order: l_sho l_elb l_wri r_sho r_elb r_wri l_hip r_hip l_eye
    # r_eye nose; torso 50, threshold 0.2: 10 px
    gt = np.random.default_rng(0).uniform(0, 100, (4, 11, 2))
    pred = gt.copy()
    pred[:, 1, 0] += 20  # l_elbow wrong for all 4 people
    pred[:2, 5, 1] += 20  # r_wrist wrong for 2
    pred[0, 10, 0] -= 11  # nose wrong for 1
    t = flic_table(pred, gt, np.ones((4, 11), bool), np.full(4, 50.))
    at = t['PCK@0.2']
    assert at['Elbow'] == (0 + 100) / 2
    assert at['Wrist'] == (100 + 50) / 2
    assert at['Nose'] == 75 and at['Eye'] == at['Shoulder'] == 100
    assert at['Mean'] == pytest.approx((0 + 50 + 75 + 8 * 100) / 11)
    # perfect predictions: PCK is 0 at threshold 0 (strictly below) and 100
    # above: the trapezoid over 0-0.5 loses half of the first 0.01
    perfect = flic_table(gt, gt, np.ones((4, 11), bool), np.full(4, 50.))
    assert perfect['AUC'] == pytest.approx(99.)


def test_only_x_and_y_count():
    # a score column on the predictions and a visibility column on the
    # ground truth (mmpose's (x, y, v) keypoints) are not coordinates
    gt = np.array([[[0., 0., 2.], [30., 40., 1.]]])
    pred = np.array([[[3., 4., 0.9], [30., 40., 0.1]]])
    np.testing.assert_allclose(normalized_errors(pred, gt, np.array([10.])),
                               [[0.5, 0.]])
    np.testing.assert_allclose(torso_sizes(gt, (0, 1)), [50.])


def test_a_joint_never_annotated_is_nan_without_a_warning():
    import warnings
    err = np.array([[0.1, 0.1], [0.7, 0.1]])
    mask = np.array([[True, False], [True, False]])
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        pck = pck_per_joint(err, mask, [0.5])
    assert pck[0, 0] == 50. and np.isnan(pck[0, 1])


def test_auc_over_other_thresholds_and_the_curve():
    # a perfect curve is 100 over any range, not only one starting at 0
    t = np.linspace(0.1, 0.5, 41)
    assert auc(np.full(41, 100.), t) == pytest.approx(100.)
    # 0 up to 0.19, 100 from 0.2: one trapezoid of 0.01 x 50, then 0.3 x
    # 100, over the range's 0.4
    curve = np.where(t < 0.2 - 1e-9, 0., 100.)
    assert auc(curve, t) == pytest.approx((0.01 * 50 + 0.3 * 100) / 0.4)
    # the Mean's curve over 0, 0.01, ..., 0.5: 0 at 0 (strictly below), then
    # 100 for perfect predictions
    gt = np.zeros((2, 16, 2))
    table = pckh_table(gt, gt, np.ones((2, 16), bool), np.ones(2))
    assert table['curve'] == [0.] + [100.] * 50
