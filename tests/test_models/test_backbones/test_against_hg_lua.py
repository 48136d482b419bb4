"""The backbone and the head's loss against an independent statement of the
original: ``hg.lua`` and ``Residual.lua`` (anewell/pose-hg-train,
src/models) restated in plain ``torch.nn.functional`` calls on the
backbone's own tensors, read by name. No plugin module is reused, so a wrong
operation in the right place (bilinear instead of nearest upsampling, a
missing ReLU, a swapped branch) changes outputs or gradients."""
import pytest
import torch
import torch.nn.functional as F

from hg_plugin.models import MultiStageHeatmapHead, StackedHourglass


class Tensors(dict):
    """The backbone's state dict, remembering which tensors were read."""

    def __init__(self, state: dict, training: bool = False) -> None:
        super().__init__(state)
        self.read = set()
        self.training = training

    def __getitem__(self, key: str) -> torch.Tensor:
        self.read.add(key)
        return super().__getitem__(key)


def bn(x, p, m):  # nn.SpatialBatchNormalization
    if p.training:  # the batch's own statistics
        return F.batch_norm(x, None, None, p[m + 'weight'], p[m + 'bias'],
                            True, 0., 1e-5)
    return F.batch_norm(x, p[m + 'running_mean'], p[m + 'running_var'],
                        p[m + 'weight'], p[m + 'bias'], False, 0., 1e-5)


def conv(x, p, m, stride=1, padding=0):  # nnlib.SpatialConvolution
    return F.conv2d(x, p[m + 'weight'], p[m + 'bias'], stride, padding)


def upsample_nearest(x):  # nn.SpatialUpSamplingNearest(2)
    return x.repeat_interleave(2, dim=-1).repeat_interleave(2, dim=-2)


def residual(x, p, m, num_in, num_out):
    """Residual.lua: convBlock (BN-ReLU-conv1x1 to numOut/2, BN-ReLU-
    conv3x3, BN-ReLU-conv1x1 to numOut) plus skipLayer (identity where
    numIn == numOut, else a 1x1 convolution), CAddTable."""
    y = conv(F.relu(bn(x, p, m + 'conv_block.0.')), p, m + 'conv_block.2.')
    y = conv(F.relu(bn(y, p, m + 'conv_block.3.')), p, m + 'conv_block.5.',
             padding=1)
    y = conv(F.relu(bn(y, p, m + 'conv_block.6.')), p, m + 'conv_block.8.')
    skip = x if num_in == num_out else conv(x, p, m + 'skip.')
    return y + skip


def hourglass(n, f, inp, p, m, modules):
    """hg.lua's ``hourglass(n, f, inp)``."""
    up1 = inp
    for i in range(modules):
        up1 = residual(up1, p, f'{m}up1.{i}.', f, f)
    low1 = F.max_pool2d(inp, 2, 2)
    for i in range(modules):
        low1 = residual(low1, p, f'{m}low1.{i}.', f, f)
    if n > 1:
        low2 = hourglass(n - 1, f, low1, p, m + 'low2.', modules)
    else:
        low2 = low1
        for i in range(modules):
            low2 = residual(low2, p, f'{m}low2.{i}.', f, f)
    low3 = low2
    for i in range(modules):
        low3 = residual(low3, p, f'{m}low3.{i}.', f, f)
    return up1 + upsample_nearest(low3)


def create_model(x, p, stacks, feats, order, modules, stem):
    """hg.lua's ``createModel``, with the stem's channels as arguments
    (hg.lua: 64, 128, 128; bearpaw/pytorch-pose: 64, 128, 256)."""
    c1, c2, c3 = stem
    cnv1 = F.relu(bn(conv(x, p, 'stem.0.', 2, 3), p, 'stem.1.'))
    r1 = residual(cnv1, p, 'stem.3.', c1, c2)
    pool = F.max_pool2d(r1, 2, 2)
    r4 = residual(pool, p, 'stem.5.', c2, c3)
    inter = residual(r4, p, 'stem.6.', c3, feats)
    out = []
    for i in range(stacks):
        m = f'stacks.{i}.'
        ll = hourglass(order, feats, inter, p, m + 'hourglass.', modules)
        for j in range(modules):
            ll = residual(ll, p, f'{m}residuals.{j}.', feats, feats)
        ll = F.relu(bn(conv(ll, p, m + 'linear.0.'), p, m + 'linear.1.'))
        tmp_out = conv(ll, p, m + 'heatmap.')
        out.append(tmp_out)
        if i < stacks - 1:
            inter = inter + conv(ll, p, m + 'remap_features.') + conv(
                tmp_out, p, m + 'remap_heatmaps.')
    return out


def randomised(model: torch.nn.Module, seed: int) -> torch.nn.Module:
    """Random weights, and random BN statistics and affine parameters, so
    that every normalisation does something."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith('running_var'):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            elif name.endswith(('running_mean', 'bias')):
                t.copy_(torch.randn(t.shape, generator=g) * 0.1)
            elif t.dtype.is_floating_point:
                fan_in = t[0].numel() if t.ndim > 1 else 1
                t.copy_(torch.randn(t.shape, generator=g) / fan_in**0.5 *
                        (1 if t.ndim > 1 else 0.2) + (t.ndim == 1))
    model.eval()  # mmpose's BaseBackbone.train() returns None
    return model


SETTINGS = [
    # stacks, feats, order, modules, stem
    (1, 16, 2, 1, (8, 12, 12)),
    (3, 16, 2, 1, (8, 12, 12)),
    (2, 12, 2, 2, (8, 12, 12)),
    (3, 16, 3, 2, (8, 10, 10)),
    (2, 16, 2, 1, (8, 12, 16)),  # the bearpaw stem
    (2, 16, 2, 2, (8, 16, 8)),
]


@pytest.mark.parametrize('stacks,feats,order,modules,stem', SETTINGS)
def test_outputs_and_gradients_equal_hg_lua(stacks, feats, order, modules,
                                            stem):
    model = randomised(StackedHourglass(
        num_stacks=stacks, num_keypoints=5, feat_channels=feats,
        stem_channels=stem, num_residual_modules=modules, order=order,
        channels_last=False), seed=stacks * 10 + modules)
    x = torch.randn(2, 3, 4 * 2**order * 2, 4 * 2**order, generator=(
        torch.Generator().manual_seed(1)))
    params = dict(model.named_parameters())
    ref_tensors = {k: v.detach().clone().requires_grad_(k in params)
                   for k, v in model.state_dict().items()}
    p = Tensors(ref_tensors)
    ref = create_model(x, p, stacks, feats, order, modules, stem)
    outs = model(x)
    assert len(outs) == stacks
    # every tensor of the backbone has its place in hg.lua
    unused = {k for k in ref_tensors if not k.endswith(
        'num_batches_tracked')} - p.read
    assert not unused
    for a, b in zip(outs, ref):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)
    w = [torch.randn(o.shape, generator=torch.Generator().manual_seed(i))
         for i, o in enumerate(ref)]
    sum((o * wi).sum() for o, wi in zip(outs, w)).backward()
    sum((o * wi).sum() for o, wi in zip(ref, w)).backward()
    assert set(params) <= set(ref_tensors)
    for name, param in params.items():
        g_ref = ref_tensors[name].grad
        scale = g_ref.abs().max().clamp_min(1e-12)
        assert (param.grad - g_ref).abs().max() / scale < 1e-4, name


def test_training_mode_batch_statistics_equal_hg_lua():
    # in training, each BN normalises with the batch's own statistics
    # NCHW: batch statistics of the tiny bottom level would amplify the
    # other layout's rounding (the layouts agree: test_stacked_hourglass)
    model = randomised(StackedHourglass(
        num_stacks=2, num_keypoints=4, feat_channels=16,
        stem_channels=(8, 12), order=2, channels_last=False), seed=3)
    model.train()
    x = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(2))
    p = Tensors({k: v.detach().clone() for k, v in
                 model.state_dict().items()}, training=True)
    ref = create_model(x, p, 2, 16, 2, 1, (8, 12, 12))
    for a, b in zip(model(x), ref):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('loss_weights', [None, [0.5, 2.0, 1.0]])
def test_head_loss_is_the_weighted_mse_of_every_stack(loss_weights):
    # mmpose's KeypointMSELoss(use_target_weight=True) per stack:
    # mean over (N, K, H, W) of (pred - gt)^2 * weight; summed over stacks
    from mmengine.structures import InstanceData, PixelData
    from mmpose.structures import PoseDataSample
    g = torch.Generator().manual_seed(0)
    loss = dict(type='KeypointMSELoss', use_target_weight=True)
    head = MultiStageHeatmapHead(
        num_stages=3, loss=loss if loss_weights is None else
        [dict(loss, loss_weight=c) for c in loss_weights])
    feats = [torch.randn(2, 4, 8, 8, generator=g) for _ in range(3)]
    gt = torch.rand(2, 4, 8, 8, generator=g)
    w = torch.tensor([[1., 0., 2., 0.5], [0., 1., 1., 3.]])
    samples = []
    for i in range(2):
        s = PoseDataSample()
        s.gt_fields = PixelData(heatmaps=gt[i])
        s.gt_instance_labels = InstanceData(keypoint_weights=w[i:i + 1])
        samples.append(s)
    loss = head.loss(feats, samples)['loss_kpt']
    lw = loss_weights or [1., 1., 1.]
    ref = sum(c * ((f - gt)**2 * w[..., None, None]).mean()
              for c, f in zip(lw, feats))
    torch.testing.assert_close(loss, ref, rtol=1e-6, atol=1e-7)
