import pytest
import torch
import torch.nn.functional as F

from hg_plugin.models import StackedHourglass
from hg_plugin.models.backbones.stacked_hourglass import Hourglass


def n_params(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize('stacks,keypoints,original', [
    (1, 11, 3_425_163),
    (2, 16, 6_570_400),
    (8, 16, 25_434_112),
])
def test_parameter_count_equals_original_torch_code(stacks, keypoints,
                                                    original):
    # counts of anewell/pose-hg-train's hg.lua (convolutions with biases)
    model = StackedHourglass(num_stacks=stacks, num_keypoints=keypoints)
    assert abs(n_params(model) - original) / original < 0.005
    assert n_params(model) == original


@pytest.mark.parametrize('stacks', [1, 2, 8])
def test_output_one_heatmap_per_stack(stacks):
    model = StackedHourglass(num_stacks=stacks, num_keypoints=16,
                             feat_channels=32 if stacks == 8 else 64)
    model.eval()  # mmpose's BaseBackbone.train() returns None
    with torch.no_grad():
        outs = model(torch.rand(2, 3, 128, 128))
    assert isinstance(outs, tuple) and len(outs) == stacks
    assert all(o.shape == (2, 16, 32, 32) for o in outs)


def test_non_square_input():
    model = StackedHourglass(num_stacks=2, num_keypoints=16)
    model.eval()
    with torch.no_grad():
        outs = model(torch.rand(1, 3, 256, 192))
    assert [tuple(o.shape) for o in outs] == [(1, 16, 64, 48)] * 2


def test_every_parameter_gets_a_gradient():
    model = StackedHourglass(num_stacks=2, num_keypoints=5, feat_channels=32)
    model.init_weights()
    outs = model(torch.rand(2, 3, 64, 64))
    sum(o.square().mean() for o in outs).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name
    assert all(torch.isfinite(o).all() for o in outs)


def test_predictions_are_fed_back():
    # stack 2's input depends on stack 1's heatmaps through remap_heatmaps
    model = StackedHourglass(num_stacks=2, num_keypoints=4,
                             feat_channels=16)
    model.eval()
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        before = model(x)[1].clone()
        model.stacks[0].remap_heatmaps.weight.add_(1.)
        after = model(x)[1]
    assert not torch.allclose(before, after)
    assert not hasattr(model.stacks[1], 'remap_heatmaps')  # last stack


def test_with_cp_same_outputs_and_gradients():
    torch.manual_seed(0)
    plain = StackedHourglass(num_stacks=2, num_keypoints=4, feat_channels=16)
    ckpt = StackedHourglass(num_stacks=2, num_keypoints=4, feat_channels=16,
                            with_cp=True)
    ckpt.load_state_dict(plain.state_dict())
    x = torch.rand(2, 3, 64, 64)
    outs_p, outs_c = plain(x), ckpt(x)
    for a, b in zip(outs_p, outs_c):
        torch.testing.assert_close(a, b)
    sum(o.sum() for o in outs_p).backward()
    sum(o.sum() for o in outs_c).backward()
    for (name, a), b in zip(plain.named_parameters(), ckpt.parameters()):
        torch.testing.assert_close(a.grad, b.grad, msg=name)


@pytest.mark.parametrize('layout', [True, None])
def test_channels_last_same_outputs_and_gradients(layout):
    # True: weights and activations NHWC; None (the default): on a CPU,
    # the activations NHWC, the weights as they are
    torch.manual_seed(0)
    plain = StackedHourglass(num_stacks=2, num_keypoints=4, feat_channels=16,
                             channels_last=False)
    fast = StackedHourglass(num_stacks=2, num_keypoints=4, feat_channels=16,
                            channels_last=layout)
    fast.load_state_dict(plain.state_dict())  # keeps fast's layout
    # eval: batch statistics of the 1x1 bottom level would amplify the
    # rounding differences of the two layouts' convolution algorithms
    plain.eval()
    fast.eval()
    conv = fast.stem[0].weight
    assert conv.is_contiguous(memory_format=torch.channels_last) == (
        layout is True)
    x = torch.rand(2, 3, 64, 64)
    assert fast._use_channels_last(x)  # on a CPU
    stem_out = fast.stem(x.contiguous(memory_format=torch.channels_last))
    assert stem_out.is_contiguous(memory_format=torch.channels_last)
    outs_p, outs_f = plain(x), fast(x)
    for a, b in zip(outs_p, outs_f):
        assert b.is_contiguous()
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
    sum(o.square().sum() for o in outs_p).backward()
    sum(o.square().sum() for o in outs_f).backward()
    for (name, a), b in zip(plain.named_parameters(), fast.parameters()):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-3, atol=1e-5,
                                   msg=name)


def test_norm_cfg_reaches_every_nested_module():
    model = StackedHourglass(num_stacks=2, num_keypoints=4, feat_channels=16,
                             norm_cfg=dict(type='GN', num_groups=4))
    norms = [m for m in model.modules()
             if isinstance(m, (torch.nn.GroupNorm, torch.nn.BatchNorm2d))]
    assert norms and all(isinstance(m, torch.nn.GroupNorm) for m in norms)


# the wording of hg_plugin/utils/checks.py, the plugin's one validation
# layer (the backbone's own checks said 'a positive int' and 'even')
@pytest.mark.parametrize('kwargs,message', [
    (dict(num_stacks=0), 'num_stacks must be an int >= 1, got 0'),
    (dict(num_keypoints=-1), 'num_keypoints must be an int >= 1, got -1'),
    (dict(order=1.5), r'order must be an int in \[1, 8\], got 1.5'),
    (dict(order=9), r'order must be an int in \[1, 8\], got 9'),
    (dict(feat_channels=33), 'feat_channels must be a multiple of 2 >= 2'),
    (dict(num_residual_modules=True), 'num_residual_modules must be an int'),
    (dict(norm_cfg='BN'), "norm_cfg must be a dict with a 'type'"),
    (dict(stem_channels=(32, 63)), 'stem_channels must be 2 or 3 values, '
     'each a multiple of 2'),
    (dict(stem_channels=(32, )), 'stem_channels must be 2 or 3 values'),
    (dict(with_cp=1), 'with_cp must be True or False, got 1'),
])
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        StackedHourglass(**kwargs)


def test_stem_channels():
    model = StackedHourglass(num_stacks=1, num_keypoints=4, feat_channels=16,
                             stem_channels=(8, 12))
    assert model.stem[0].out_channels == 8
    convs = [m for m in model.stem.modules()
             if isinstance(m, torch.nn.Conv2d)]
    assert {c.out_channels for c in convs} == {8, 6, 12, 16}
    outs = model(torch.rand(2, 3, 64, 64))
    assert outs[0].shape == (2, 4, 16, 16)


def original_hourglass_forward(self, x):
    """hg.lua's level: x2 max pooling (floor) and x2 nearest upsampling,
    the plugin's previous release, for inputs divisible by 4 * 2 ** order.
    """
    low = self.low3(self.low2(self.low1(F.max_pool2d(x, 2, 2))))
    return self.up1(x) + F.interpolate(low, scale_factor=2, mode='nearest')


@pytest.mark.parametrize('size', [(64, 64), (128, 192)])
def test_sizes_divisible_by_the_depth_are_bit_identical(size, monkeypatch):
    torch.manual_seed(0)
    model = StackedHourglass(num_stacks=2, num_keypoints=4, feat_channels=16,
                             channels_last=False)
    x = torch.rand(2, 3, *size)
    outs = model(x)
    sum((o * o).sum() for o in outs).backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()}
    model.zero_grad()
    monkeypatch.setattr(Hourglass, 'forward', original_hourglass_forward)
    ref = model(x)
    sum((o * o).sum() for o in ref).backward()
    for a, b in zip(outs, ref):
        assert torch.equal(a, b)
    for name, p in model.named_parameters():
        assert torch.equal(grads[name], p.grad), name


@pytest.mark.parametrize('h,w', [(96, 96), (256, 192), (200, 152),
                                 (384, 288), (4, 8), (68, 36)])
def test_any_multiple_of_four(h, w):
    # 96: the 24x24 features pool to 12, 6, 3 and 1x1 at the bottom; 200:
    # 50, 25 (odd), 13, 7, 4; 4x8: 1x2 features, every level 1x1
    model = StackedHourglass(num_stacks=2, num_keypoints=3, feat_channels=8,
                             stem_channels=(4, 8))
    x = torch.rand(2, 3, h, w, requires_grad=True)
    outs = model(x)
    assert [tuple(o.shape) for o in outs] == [(2, 3, h // 4, w // 4)] * 2
    sum(o.sum() for o in outs).backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0


def test_every_level_reaches_every_pixel_of_an_odd_size():
    # a change at the last column of a 25-wide level must reach the
    # bottom and come back: rounding up, the pooling keeps it
    hg = Hourglass(order=2, channels=4, num_residual_modules=1,
                   norm_cfg=dict(type='BN')).eval()
    x = torch.rand(1, 4, 25, 25)
    y = x.clone()
    y[..., -1] += 10
    low_x = hg.low2(hg.low1(F.max_pool2d(x, 2, 2, ceil_mode=True)))
    low_y = hg.low2(hg.low1(F.max_pool2d(y, 2, 2, ceil_mode=True)))
    assert low_x.shape[-1] == 13 and not torch.equal(low_x, low_y)
    assert hg(x).shape == x.shape


@pytest.mark.parametrize('h,w', [(100, 130), (0, 64), (2, 64)])
def test_sizes_that_cannot_work_are_named(h, w):
    model = StackedHourglass(num_stacks=1, num_keypoints=4, feat_channels=16)
    with pytest.raises(ValueError, match=r'input height and width must be '
                       rf'positive multiples of 4 .*got \({h}, {w}\)'):
        model(torch.rand(1, 3, h, w))
