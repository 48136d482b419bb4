import numpy as np
import pytest

from hg_plugin.datasets.transforms import RandomChannelScale


@pytest.mark.parametrize('dtype', [np.uint8, np.float32])
def test_random_channel_scale_multiplies_each_channel(dtype):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (16, 12, 3)).astype(dtype)
    np.random.seed(3)
    np.random.rand()  # the draw against prob
    gains = np.random.uniform(0.6, 1.4, size=3)
    np.random.seed(3)
    out = RandomChannelScale((0.6, 1.4)).transform(dict(img=img))['img']
    assert out.dtype == img.dtype and out.shape == img.shape
    want = np.clip(img.astype(np.float32) * gains, 0, 255).astype(dtype)
    np.testing.assert_array_equal(out, want)
    # a white pixel stays white where the gain is > 1, a gain < 1 darkens
    white = np.full((1, 1, 3), 255, dtype)
    np.random.seed(3)
    w = RandomChannelScale((0.6, 1.4)).transform(dict(img=white))['img']
    np.testing.assert_array_equal(
        w[0, 0], np.where(gains >= 1, 255, (255 * gains).astype(dtype)))


def test_random_channel_scale_arguments():
    with pytest.raises(ValueError, match=r'^RandomChannelScale: scale_range '
                       r'must be 0 <= low <= high, got \(1\.4, 0\.6\)$'):
        RandomChannelScale((1.4, 0.6))
    img = np.full((2, 2, 3), 100, np.uint8)
    out = RandomChannelScale(prob=0.).transform(dict(img=img))['img']
    assert out is img


@pytest.mark.parametrize('scale_range', [(0., 1.4), (1., 1.)])
def test_random_channel_scale_edge_ranges(scale_range):
    # a zero gain (black) and a fixed gain are both ranges
    img = np.full((2, 2, 3), 100, np.uint8)
    out = RandomChannelScale(scale_range).transform(dict(img=img))['img']
    if scale_range == (1., 1.):
        np.testing.assert_array_equal(out, img)
    assert out.max() <= 140
