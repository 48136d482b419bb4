import numpy as np
import pytest
import torch
from mmpose.codecs import MSRAHeatmap

from hg_plugin.codecs import GaussianHeatmap

IN, HM = (256, 256), (64, 64)


def random_keypoints(rng, n=16, low=8., high=248.):
    return rng.uniform(low, high, (1, n, 2)).astype(np.float32)


def test_encode_peak_sigma_and_weights():
    codec = GaussianHeatmap(IN, HM, sigma=1.75)
    kpts = np.array([[[40., 80.], [100., 100.]]], np.float32)  # -> (10, 20)
    enc = codec.encode(kpts, np.ones((1, 2)))
    hm = enc['heatmaps']
    assert hm.shape == (2, 64, 64) and hm.dtype == np.float32
    assert hm[0, 20, 10] == 1.0 and np.unravel_index(
        hm[0].argmax(), hm[0].shape) == (20, 10)
    # one pixel away: exp(-1 / (2 sigma^2)); outside 3 sigma: 0
    assert hm[0, 20, 11] == pytest.approx(np.exp(-1 / (2 * 1.75**2)))
    assert hm[0, 20, 16] == 0 and hm[0, 20, 15] > 0
    np.testing.assert_array_equal(enc['keypoint_weights'], [[1, 1]])


def test_unannotated_and_out_of_frame_joints_get_zero():
    codec = GaussianHeatmap(IN, HM, sigma=2.)
    kpts = np.array([[[50., 50.], [60., 60.], [-6., 100.], [100., 257.]]],
                    np.float32)
    enc = codec.encode(kpts, np.array([[1, 0, 1, 1]]))
    np.testing.assert_array_equal(enc['keypoint_weights'], [[1, 0, 0, 0]])
    assert enc['heatmaps'][0].max() == 1
    assert not enc['heatmaps'][1:].any()


def test_nan_keypoints_and_visibility_give_zero_heatmaps():
    # a NaN visibility is not >= 0.5: the joint is not drawn, whether its
    # position is a number or NaN
    codec = GaussianHeatmap(IN, HM, sigma=2.)
    kpts = np.array([[[50., 50.], [60., 60.], [np.nan, np.nan]]], np.float32)
    enc = codec.encode(kpts, np.array([[1., np.nan, np.nan]], np.float32))
    assert enc['heatmaps'][0].max() == 1
    assert not enc['heatmaps'][1:].any()


@pytest.mark.parametrize('drop_out_of_frame', [True, False])
def test_nan_infinite_and_huge_positions_give_zero_heatmaps(
        drop_out_of_frame):
    # the encode computes each joint's window from its position: whatever
    # a position is (NaN, infinite, far outside), the window must be empty
    codec = GaussianHeatmap(
        IN, HM, sigma=2., drop_out_of_frame=drop_out_of_frame)
    big = np.float32(1e30)
    kpts = np.array([[[50., 50.], [np.nan, 40.], [40., np.nan],
                      [np.inf, 40.], [40., -np.inf], [big, 40.], [40., -big],
                      [-big, big], [1e5, 40.], [40., -1e5]]], np.float32)
    enc = codec.encode(kpts, np.ones((1, 10), np.float32))
    assert enc['heatmaps'][0].max() == 1
    assert not enc['heatmaps'][1:].any()
    np.testing.assert_array_equal(enc['keypoint_weights'][0, 1:], 0)


@pytest.mark.parametrize('sigma,input_size,heatmap_size', [
    (1., IN, HM), (2., IN, HM), (3., IN, HM), (2., (192, 256), (48, 64))])
def test_same_as_mmpose_msra_heatmap(sigma, input_size, heatmap_size):
    rng = np.random.default_rng(int(sigma))
    ours = GaussianHeatmap(input_size, heatmap_size, sigma=sigma,
                           drop_out_of_frame=False)
    msra = MSRAHeatmap(input_size, heatmap_size, sigma=sigma)
    W, H = heatmap_size
    for _ in range(20):
        kpts = random_keypoints(rng, low=-20, high=275)
        vis = (rng.random((1, 16)) > 0.2).astype(np.float32)
        a, b = ours.encode(kpts, vis), msra.encode(kpts, vis)
        # equal up to float32 rounding (exp(a) * exp(b) vs exp(a + b))
        np.testing.assert_allclose(a['heatmaps'], b['heatmaps'], rtol=1e-6,
                                   atol=1e-7)
        np.testing.assert_array_equal(a['heatmaps'] > 0, b['heatmaps'] > 0)
        np.testing.assert_array_equal(a['keypoint_weights'],
                                      b['keypoint_weights'])
        # decode: same argmax + quarter shift; at the border mmpose's rule
        # differs from the original code's (GaussianHeatmap's docstring), so
        # compare where the maximum is more than one pixel inside
        hm = a['heatmaps'] + rng.random(a['heatmaps'].shape).astype(
            np.float32) * 0.05
        ka, sa = ours.decode(hm)
        kb, sb = msra.decode(hm)
        peak = np.stack(np.unravel_index(hm.reshape(16, -1).argmax(1),
                                         (H, W)), -1)
        away = ((peak > 1) & (peak < [H - 1, W - 1])).all(-1)
        assert away.sum() >= 4
        np.testing.assert_allclose(ka[0, away], kb[0, away], atol=1e-5)
        np.testing.assert_allclose(sa, sb)


def along_axis(positions: np.ndarray, axis: int) -> np.ndarray:
    """One person whose joints lie at ``positions`` along x (axis 0) or y
    (axis 1), at the picture's middle (128) in the other."""
    kpts = np.full((1, len(positions), 2), 128., np.float32)
    kpts[0, :, axis] = positions
    return kpts


@pytest.mark.parametrize('sigma', [1., 2., 3., 1.75, 13 / 6])
def test_frame_rule_at_every_border_position(sigma):
    # heatmap positions -12 .. 76 in half pixels: the edge of mmpose's rule
    # (some of the 3-sigma window inside) and of the paper's (the rounded
    # position inside), in x and in y
    msra = MSRAHeatmap(IN, HM, sigma=sigma)
    mmpose_rule = GaussianHeatmap(IN, HM, sigma=sigma,
                                  drop_out_of_frame=False)
    paper_rule = GaussianHeatmap(IN, HM, sigma=sigma)
    steps = np.arange(-12, 76.5, 0.5, dtype=np.float32) * 4
    for axis in (0, 1):
        kpts = along_axis(steps, axis)
        a, b = mmpose_rule.encode(kpts), msra.encode(kpts)
        np.testing.assert_array_equal(a['keypoint_weights'],
                                      b['keypoint_weights'])
        if sigma * 3 == int(sigma * 3):  # else mmpose's window is off
            np.testing.assert_allclose(a['heatmaps'], b['heatmaps'],
                                       rtol=1e-6, atol=1e-7)
        c = paper_rule.encode(kpts)
        mu = np.floor(steps / 4 + 0.5)
        inside = (mu >= 0) & (mu <= 63)
        np.testing.assert_array_equal(c['keypoint_weights'][0], inside)
        assert not c['heatmaps'][~inside].any()
        peak = c['heatmaps'][inside].reshape(inside.sum(), -1).argmax(1)
        np.testing.assert_array_equal(
            np.unravel_index(peak, HM)[1 - axis], mu[inside])


@pytest.mark.parametrize('drop_out_of_frame', [True, False])
@pytest.mark.parametrize('sigma', [0.3, 1.75, 3.])
def test_encode_is_the_truncated_gaussian_pixel_by_pixel(
        sigma, drop_out_of_frame):
    # the encode gathers precomputed rows; here every pixel is computed
    # from the definition: exp(-d^2 / 2 sigma^2) within the square 3-sigma
    # window around the rounded centre, the maximum over two people, zero
    # for a dropped joint (non-square map, centres in and around the frame)
    W, H = 48, 64
    codec = GaussianHeatmap((192, 256), (W, H), sigma=sigma,
                            drop_out_of_frame=drop_out_of_frame)
    rng = np.random.default_rng(7)
    kpts = (rng.uniform(-0.15, 1.15, (2, 16, 2)) * [192, 256]).astype(
        np.float32)
    vis = (rng.random((2, 16)) > 0.2).astype(np.float32)
    enc = codec.encode(kpts, vis)
    c = kpts / 4 + 0.5
    if drop_out_of_frame:
        c = np.floor(c)
        inside = ((c >= 0) & (c <= [W - 1, H - 1])).all(-1)
    else:  # mmpose: cast (toward 0); some of the window inside
        c = c.astype(np.int64)
        r = 3 * sigma
        inside = (((c - r).astype(np.int64) < [W, H]) &
                  ((c + r + 1).astype(np.int64) >= 0)).all(-1)
    np.testing.assert_array_equal(enc['keypoint_weights'], vis * inside)
    x = np.arange(W)[None, None, None, :] - c[..., 0, None, None]
    y = np.arange(H)[None, None, :, None] - c[..., 1, None, None]
    g = np.exp(-(x**2 + y**2) / (2 * sigma**2))
    g[(np.abs(x) > 3 * sigma) | (np.abs(y) > 3 * sigma)] = 0
    g[~(inside & (vis >= 0.5))] = 0
    np.testing.assert_allclose(enc['heatmaps'], g.max(0), rtol=1e-6,
                               atol=1e-7)
    assert enc['heatmaps'].any()


@pytest.mark.parametrize('drop_out_of_frame', [True, False])
@pytest.mark.parametrize('input_size,heatmap_size', [
    (IN, HM), ((100, 70), (33, 29))])
def test_rounding_at_every_half_pixel_to_the_last_float32(
        input_size, heatmap_size, drop_out_of_frame):
    # at each half-pixel tie and the float32 numbers on either side of it,
    # the centre and the weight are those of the original's and mmpose's
    # float32 arithmetic (x * (1 / scale) + 0.5, floor or mmpose's cast),
    # where float32 rounding of x / scale moves a tie by one float32 step
    codec = GaussianHeatmap(input_size, heatmap_size, sigma=1.,
                            drop_out_of_frame=drop_out_of_frame)
    for axis in (0, 1):
        size = heatmap_size[axis]
        inv = np.float32(1) / np.float32(input_size[axis] / size)
        ties = ((np.arange(-3, size + 3) - 0.5) / inv).astype(np.float32)
        x = np.concatenate([
            np.nextafter(ties, -np.inf), ties,
            np.nextafter(ties, np.inf)]).astype(np.float32)
        kpts = np.full((1, len(x), 2), input_size[axis] / 2, np.float32)
        kpts[0, :, axis] = x
        enc = codec.encode(kpts)
        mu = x * inv + np.float32(0.5)
        c = np.floor(mu) if drop_out_of_frame else np.trunc(mu)
        if drop_out_of_frame:
            inside = (c >= 0) & (c <= size - 1)
        else:
            inside = (np.trunc(c - 3) < size) & (np.trunc(c + 4) >= 0)
        np.testing.assert_array_equal(enc['keypoint_weights'][0], inside)
        hm = enc['heatmaps'][inside]
        peak = np.unravel_index(hm.reshape(len(hm), -1).argmax(1),
                                heatmap_size[::-1])[1 - axis]
        on = (c[inside] >= 0) & (c[inside] < size)  # peak in the frame
        np.testing.assert_array_equal(peak[on], c[inside][on])
        # the float32 steps do move the centre
        assert len(np.unique(c.reshape(3, -1), axis=0)) > 1


def test_mmpose_gaussian_is_off_centre_where_3_sigma_is_not_whole():
    # mmpose's generate_gaussian_heatmaps starts its patch at
    # trunc(mu - 3 sigma) and centres the Gaussian (6 sigma + 1) // 2
    # further: with sigma 1.75 the peak lands one pixel up and left
    kpts = np.array([[[80., 80.]]], np.float32)  # heatmap (20, 20)
    msra = MSRAHeatmap(IN, HM, sigma=1.75).encode(kpts)['heatmaps'][0]
    ours = GaussianHeatmap(IN, HM, sigma=1.75).encode(kpts)['heatmaps'][0]
    assert np.unravel_index(msra.argmax(), HM) == (19, 19)
    assert msra.max() == pytest.approx(1.0)
    assert np.unravel_index(ours.argmax(), HM) == (20, 20)
    assert ours[20, 20] == 1.0


def test_dark_decode_same_as_mmpose():
    rng = np.random.default_rng(5)
    ours = GaussianHeatmap(IN, HM, sigma=2., subpixel_center=True,
                           drop_out_of_frame=False, refine='dark')
    msra = MSRAHeatmap(IN, HM, sigma=2., unbiased=True)
    kpts = random_keypoints(rng)
    a, b = ours.encode(kpts), msra.encode(kpts)
    np.testing.assert_allclose(a['heatmaps'], b['heatmaps'], atol=1e-6)
    ka, _ = ours.decode(a['heatmaps'])
    kb, _ = msra.decode(b['heatmaps'])
    np.testing.assert_allclose(ka, kb, atol=1e-3)


def test_quarter_shift_halves_the_error_of_the_argmax():
    # Gaussians at the true sub-pixel positions (not at the rounded pixel,
    # where both neighbours are equal and no shift can show): the quarter
    # shift moves each estimate toward the truth, axis by axis
    rng = np.random.default_rng(0)
    truth = random_keypoints(rng, n=400, low=16, high=240)
    hm = GaussianHeatmap(IN, HM, sigma=2., subpixel_center=True).encode(
        truth)['heatmaps']
    plain, _ = GaussianHeatmap(IN, HM, refine='none').decode(hm)
    quarter, _ = GaussianHeatmap(IN, HM, refine='quarter').decode(hm)
    err_plain = np.abs(plain[0] - truth[0]) / 4  # heatmap pixels
    err_quarter = np.abs(quarter[0] - truth[0]) / 4
    # the argmax is off by up to half a pixel, uniformly: 0.25 on average;
    # shifted a quarter toward the truth: 0.125
    assert err_plain.mean() == pytest.approx(0.25, abs=0.02)
    assert err_quarter.mean() == pytest.approx(0.125, abs=0.02)
    moved = quarter[0] - plain[0]
    np.testing.assert_array_equal(np.abs(moved), 1.)  # a quarter of 4 px
    off = np.abs(truth[0] - plain[0]) > 0.2  # clearly off the pixel centre
    np.testing.assert_array_equal(np.sign(moved[off]),
                                  np.sign((truth[0] - plain[0])[off]))


def test_dark_round_trip_is_sub_pixel():
    rng = np.random.default_rng(0)
    codec = GaussianHeatmap(IN, HM, sigma=2., unbiased=True)
    kpts = random_keypoints(rng, n=200, low=16, high=240)
    decoded, scores = codec.decode(codec.encode(kpts)['heatmaps'])
    assert np.abs(decoded - kpts).max() < 0.05 * 4
    assert (scores > 0.5).all()


def test_quarter_shift_moves_toward_higher_neighbour():
    codec = GaussianHeatmap(IN, HM)
    hm = np.zeros((2, 64, 64), np.float32)
    hm[0, 10, 20], hm[0, 10, 21], hm[0, 11, 20] = 1., .5, .3
    hm[1, 30, 0], hm[1, 30, 1] = 1., .5  # at the border: no x shift
    kpts, scores = codec.decode(hm)
    np.testing.assert_allclose(kpts[0], [[20.25 * 4, 10.25 * 4],
                                         [0, 30 * 4]])
    np.testing.assert_allclose(scores, [[1., 1.]])


def test_border_peak_is_not_shifted_by_a_neighbour_heatmap():
    # the batched decode reads a peak's four neighbours by flat index: on
    # the border they lie in the next row or heatmap, here -inf, whose
    # difference is infinite; the shift must be 0, not inf * 0 = NaN
    codec = GaussianHeatmap(IN, HM)
    hm = np.zeros((1, 3, 64, 64), np.float32)
    hm[0, 0, 63, 5] = -np.inf  # flat: just above (5, 0) of heatmap 1
    hm[0, 1, 0, 5] = 1.
    hm[0, 1, 20, 63] = -np.inf  # flat: just left of (0, 21)
    hm[0, 2, 21, 0] = 1.
    kpts, scores = codec.batch_decode(torch.from_numpy(hm))
    np.testing.assert_array_equal(kpts[0, 0, 1:], [[5 * 4, 0], [0, 21 * 4]])
    np.testing.assert_array_equal(scores[0, 0, 1:], [1, 1])


def original_postprocess(hm: np.ndarray, refine: str) -> tuple:
    """The original code's decoding (``getPreds`` and ``postprocess`` in
    anewell/pose-hg-train src/util/pose.lua), one heatmap at a time, in
    0-based heatmap pixels: the first maximum in row-major order, shifted a
    quarter pixel toward the higher neighbour in x and in y where it is
    off the border (1 < pX < res, 1 < pY < res, 1-based); mmpose's -1 where
    no value is positive."""
    K, H, W = hm.shape
    out, scores = np.zeros((K, 2), np.float32), np.zeros(K, np.float32)
    for k in range(K):
        y, x = divmod(int(np.argmax(hm[k])), W)
        scores[k] = hm[k, y, x]
        px, py = float(x), float(y)
        if refine == 'quarter' and 0 < x < W - 1 and 0 < y < H - 1:
            px += 0.25 * np.sign(hm[k, y, x + 1] - hm[k, y, x - 1])
            py += 0.25 * np.sign(hm[k, y + 1, x] - hm[k, y - 1, x])
        out[k] = (px, py) if scores[k] > 0 else (-1, -1)
    return out, scores


@pytest.mark.parametrize('refine', ['quarter', 'none'])
def test_decode_equals_the_original_postprocess(refine):
    # every entry point (decode, batch_decode, decode_tensor) against the
    # original's rule, restated above one heatmap at a time
    rng = np.random.default_rng(1)
    codec = GaussianHeatmap((256, 192), (64, 48), sigma=2., refine=refine)
    hms = rng.random((5, 16, 48, 64)).astype(np.float32)
    hms[0, 0] = 0  # no positive value: -1 * scale_factor
    hms[0, 1] = -rng.random((48, 64))
    for k, (y, x) in enumerate([(0, 5), (47, 5), (7, 0), (7, 63), (0, 0)]):
        hms[1, k, y, x] = 2.  # maxima on every border
    hms[2, 3] = 0.5  # ties everywhere: the first maximum, (0, 0)
    hms[3, :, 10, 10] = 3.
    hms[3, :, 10, 11] = hms[3, :, 9, 10] = 2.  # equal neighbours in y: no
    hms[3, :, 10, 9] = hms[3, :, 11, 10] = 2.  # shift in y, none in x
    scale = np.array([4., 4.], np.float32)
    kpts, scores = codec.decode_tensor(torch.from_numpy(hms))
    bk, bs = codec.batch_decode(torch.from_numpy(hms))
    assert bk.shape == (5, 1, 16, 2) and bs.shape == (5, 1, 16)
    for i in range(5):
        ref, ref_scores = original_postprocess(hms[i], refine)
        np.testing.assert_array_equal(kpts[i].numpy(), ref * scale)
        np.testing.assert_array_equal(scores[i].numpy(), ref_scores)
        k1, s1 = codec.decode(hms[i])
        np.testing.assert_array_equal(k1[0], ref * scale)
        np.testing.assert_array_equal(bk[i, 0], ref * scale)
        np.testing.assert_array_equal(bs[i, 0], ref_scores)
    # hand-computed: the border maxima are not shifted
    np.testing.assert_array_equal(
        bk[1, 0, :5], [[20, 0], [20, 188], [0, 28], [252, 28], [0, 0]])


def test_invalid_arguments():
    with pytest.raises(ValueError, match=r'sigma must be a finite number '
                       r'in \[0.01, 1000\]'):
        GaussianHeatmap(IN, HM, sigma=0)
    with pytest.raises(ValueError, match="refine must be one of \\['quarter'"):
        GaussianHeatmap(IN, HM, refine='udp')
    with pytest.raises(ValueError, match='blur_kernel_size must be a '
                       'positive odd'):
        GaussianHeatmap(IN, HM, blur_kernel_size=4)
    with pytest.raises(ValueError, match=r'keypoints must be \(N, K, 2\)'):
        GaussianHeatmap(IN, HM).encode(np.zeros((16, 2)))
    with pytest.raises(ValueError, match=r'^GaussianHeatmap\.encode: '
                       r'keypoints_visible must be \(1, 16\), got \(16,\)$'):
        GaussianHeatmap(IN, HM).encode(np.zeros((1, 16, 2)), np.ones(16))


def skewed_peaks(rng, positions, H=64, W=64):
    """Rotated, elongated Gaussians (a cross term in the Hessian, which
    round Gaussians lack) of different heights, one per heatmap, with their
    maxima at ``positions`` (x, y) in heatmap pixels."""
    yy, xx = np.mgrid[:H, :W].astype(np.float64)
    hms = []
    for x, y in positions:
        cx, cy = x + rng.uniform(-0.4, 0.4), y + rng.uniform(-0.4, 0.4)
        a = rng.uniform(0, np.pi)
        u = (xx - cx) * np.cos(a) + (yy - cy) * np.sin(a)
        v = -(xx - cx) * np.sin(a) + (yy - cy) * np.cos(a)
        s1, s2 = rng.uniform(1.2, 3.), rng.uniform(1.2, 3.)
        hm = rng.uniform(0.2, 1.) * np.exp(-u**2 / (2 * s1**2) -
                                           v**2 / (2 * s2**2))
        hm[int(y), int(x)] = hm.max() * 1.01  # the maximum at (x, y)
        hms.append(hm)
    return np.stack(hms).astype(np.float32)


def test_dark_refinement_equals_mmpose_on_skewed_peaks_and_borders():
    # mmpose's refine_keypoints_dark, one heatmap at a time, is the
    # reference: its Hessian's cross term, its determinant, and its rule
    # of refining only where 1 < x < W - 2 and 1 < y < H - 2
    rng = np.random.default_rng(7)
    edges = (1, 2, 3, 60, 61, 62)
    positions = [(e, 30) for e in edges] + [(30, e) for e in edges]
    positions += [(rng.integers(4, 60), rng.integers(4, 60))
                  for _ in range(12)]
    hm = skewed_peaks(rng, positions)
    ours = GaussianHeatmap(IN, HM, sigma=2., unbiased=True)
    msra = MSRAHeatmap(IN, HM, sigma=2., unbiased=True)
    ka, sa = ours.decode(hm)
    kb, sb = msra.decode(hm)
    np.testing.assert_allclose(ka, kb, atol=2e-3)
    np.testing.assert_allclose(sa, sb)
    # the refinement moved the inner peaks, and not those on the edge rule
    moved = np.abs(ka[0] / 4 - np.array(positions)).max(-1) > 1e-3
    inner = [(1 < x < 62) and (1 < y < 62) for x, y in positions]
    np.testing.assert_array_equal(moved, inner)


@pytest.mark.parametrize('refine', ['quarter', 'dark'])
def test_peaks_in_the_corners_decode_to_the_corners(refine):
    # the neighbours of a corner lie outside the heatmap: read clamped and
    # ignored, never out of the tensor
    codec = GaussianHeatmap(IN, HM, refine=refine)
    hm = np.zeros((4, 64, 64), np.float32)
    corners = [(0, 0), (63, 0), (0, 63), (63, 63)]
    for k, (x, y) in enumerate(corners):
        hm[k, y, x] = 1.
        inward_x, inward_y = (1 if x == 0 else 62), (1 if y == 0 else 62)
        hm[k, inward_y, x] = hm[k, y, inward_x] = .5
    kpts, scores = codec.decode(hm)
    np.testing.assert_array_equal(kpts[0], np.array(corners) * 4.)
    np.testing.assert_array_equal(scores[0], 1.)


def test_quarter_shift_at_the_second_pixel_from_the_border():
    # the original's rule is 1 < pX < res in 1-based pixels: x = 1 and
    # y = 1 (0-based) are shifted, x = 0 is not (mmpose's refine_keypoints
    # would leave x = 1 too)
    codec = GaussianHeatmap(IN, HM)
    hm = np.zeros((2, 64, 64), np.float32)
    hm[0, 20, 1], hm[0, 20, 2], hm[0, 20, 0] = 1., .5, .2
    hm[1, 1, 20], hm[1, 0, 20], hm[1, 2, 20] = 1., .5, .2
    kpts, _ = codec.decode(hm)
    np.testing.assert_allclose(kpts[0], [[1.25 * 4, 20 * 4],
                                         [20 * 4, 0.75 * 4]])


def test_subpixel_centres_on_the_frame_edge_are_drawn():
    # drop_out_of_frame with sub-pixel centres: a position from 0 to W - 1
    # heatmap pixels inclusive is drawn, a hair beyond is not, in x and y
    codec = GaussianHeatmap(IN, HM, sigma=2., subpixel_center=True)
    edge = np.array([0., 252., -0.04, 252.04], np.float32)  # 63 px = 252
    for axis in (0, 1):
        kpts = along_axis(edge, axis)
        out = codec.encode(kpts)
        np.testing.assert_array_equal(out['keypoint_weights'],
                                      [[1, 1, 0, 0]])
        assert out['heatmaps'][:2].max() == pytest.approx(1., abs=1e-3)
        assert not out['heatmaps'][2:].any()


def test_encode_weights_are_float32_and_a_third_column_is_ignored():
    codec = GaussianHeatmap(IN, HM, sigma=2.)
    rng = np.random.default_rng(2)
    kpts = random_keypoints(rng, n=4)
    assert codec.encode(kpts)['keypoint_weights'].dtype == np.float32
    out = codec.encode(kpts, np.array([[1, 0, 1, 1]]))  # int visibility
    assert out['keypoint_weights'].dtype == np.float32
    np.testing.assert_array_equal(out['keypoint_weights'], [[1, 0, 1, 1]])
    # (x, y, score) keypoints: the score is not a coordinate
    with_scores = np.concatenate([kpts, np.full((1, 4, 1), 1e6)], -1)
    np.testing.assert_array_equal(
        codec.encode(with_scores)['heatmaps'], codec.encode(kpts)['heatmaps'])


def test_half_visible_joints_are_drawn_as_mmpose_draws_them():
    # mmpose skips a joint whose visibility is below 0.5: 0.5 is drawn
    rng = np.random.default_rng(4)
    kpts = random_keypoints(rng, n=3)
    visible = np.array([[0.5, 0.49, 1.]], np.float32)
    ours = GaussianHeatmap(IN, HM, sigma=2., drop_out_of_frame=False)
    a = ours.encode(kpts, visible)
    b = MSRAHeatmap(IN, HM, sigma=2.).encode(kpts, visible)
    np.testing.assert_allclose(a['heatmaps'], b['heatmaps'], atol=1e-7)
    assert a['heatmaps'][0].max() == pytest.approx(1.)
    assert not a['heatmaps'][1].any()


@pytest.mark.parametrize('sigma', [1., 2., 3.])
def test_unbiased_frame_rule_at_every_border_position(sigma):
    # sub-pixel centres without dropping: MSRAHeatmap(unbiased=True)'s
    # rule (some of the window inside), quarter pixels from -14 to 78
    msra = MSRAHeatmap(IN, HM, sigma=sigma, unbiased=True)
    ours = GaussianHeatmap(IN, HM, sigma=sigma, unbiased=True,
                           drop_out_of_frame=False)
    steps = np.arange(-14, 78.25, 0.25, dtype=np.float32) * 4
    for axis in (0, 1):
        kpts = along_axis(steps, axis)
        a, b = ours.encode(kpts), msra.encode(kpts)
        np.testing.assert_array_equal(a['keypoint_weights'],
                                      b['keypoint_weights'])
        assert 0 < b['keypoint_weights'].sum() < len(steps)


@pytest.mark.parametrize('kwargs,field', [
    (dict(unbiased='yes'), 'unbiased'),
    (dict(blur_kernel_size=2.5), 'blur_kernel_size'),
    (dict(drop_out_of_frame=1), 'drop_out_of_frame'),
    (dict(subpixel_center='no'), 'subpixel_center'),
    (dict(input_size=(256, 0)), 'input_size'),
    (dict(heatmap_size=(64, -1)), 'heatmap_size'),
])
def test_each_bad_argument_is_named(kwargs, field):
    args = dict(input_size=IN, heatmap_size=HM)
    args.update(kwargs)
    with pytest.raises(ValueError, match=f'^GaussianHeatmap: {field} '):
        GaussianHeatmap(**args)
    with pytest.raises(ValueError, match='^GaussianHeatmap: blur_kernel'):
        GaussianHeatmap(IN, HM, blur_kernel_size=4)
    with pytest.raises(ValueError, match=r'^GaussianHeatmap\.encode: '):
        GaussianHeatmap(IN, HM).encode(np.zeros((16, 2)))
    with pytest.raises(ValueError, match=r'^GaussianHeatmap: heatmaps'):
        GaussianHeatmap(IN, HM).decode_tensor(np.zeros((64, 64)))


def test_default_sigma_is_that_of_mmposes_hourglass_configs():
    # mmpose's hourglass52 configs: MSRAHeatmap(256 -> 64, sigma=2)
    assert GaussianHeatmap(IN, HM).sigma == 2.
