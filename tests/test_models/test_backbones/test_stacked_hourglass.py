import pytest
import torch

from hg_plugin.models import StackedHourglass


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


@pytest.mark.parametrize('kwargs,message', [
    (dict(num_stacks=0), 'num_stacks must be a positive int'),
    (dict(num_keypoints=-1), 'num_keypoints must be a positive int'),
    (dict(order=1.5), 'order must be a positive int'),
    (dict(feat_channels=33), 'feat_channels must be even'),
    (dict(num_residual_modules=True), 'num_residual_modules'),
    (dict(norm_cfg='BN'), "norm_cfg must be a dict with a 'type'"),
    (dict(stem_channels=(32, 63)), 'stem_channels must be two or three'),
    (dict(stem_channels=(32, )), 'stem_channels must be two or three'),
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


def test_input_size_must_fit_the_hourglass():
    model = StackedHourglass(num_stacks=1, num_keypoints=4, feat_channels=16)
    with pytest.raises(ValueError, match='divisible by 64'):
        model(torch.rand(1, 3, 100, 128))
