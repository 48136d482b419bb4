from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint as cp
from mmcv.cnn import build_norm_layer
from mmpose.models.backbones.base_backbone import BaseBackbone
from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType, OptMultiConfig
from torch import Tensor

from ...utils.checks import check_bool, check_int, check_ints, fail

# beyond it, more levels of 1x1 features for any input of 1024 px or less
MAX_ORDER = 8


class ResidualModule(nn.Module):
    """The pre-activation bottleneck residual module of the paper.

    BN-ReLU-conv1x1(C/2), BN-ReLU-conv3x3(C/2), BN-ReLU-conv1x1(C), added to
    an identity skip, or to a 1x1 convolution where the channels change
    (``Residual.lua`` of the original code). Unlike mmcv's ``ConvModule``
    stacks (post-activation), normalisation comes before each convolution,
    so the convolutions keep their biases as in the original Torch code.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels; must be even.
        norm_cfg (dict): Config of the normalisation layers.
            Defaults to ``dict(type='BN')``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 norm_cfg: ConfigType = dict(type='BN')) -> None:
        super().__init__()
        mid = out_channels // 2
        self.conv_block = nn.Sequential(
            build_norm_layer(norm_cfg, in_channels)[1], nn.ReLU(inplace=True),
            nn.Conv2d(in_channels, mid, 1),
            build_norm_layer(norm_cfg, mid)[1], nn.ReLU(inplace=True),
            nn.Conv2d(mid, mid, 3, padding=1),
            build_norm_layer(norm_cfg, mid)[1], nn.ReLU(inplace=True),
            nn.Conv2d(mid, out_channels, 1))
        self.skip = (
            nn.Identity() if in_channels == out_channels else nn.Conv2d(
                in_channels, out_channels, 1))

    def forward(self, x: Tensor) -> Tensor:
        return self.conv_block(x) + self.skip(x)


def _residuals(in_channels: int, out_channels: int, num: int,
               norm_cfg: ConfigType) -> nn.Sequential:
    """``num`` residual modules in a row (``-nModules`` of the original)."""
    return nn.Sequential(*[
        ResidualModule(in_channels if i == 0 else out_channels, out_channels,
                       norm_cfg) for i in range(num)
    ])


class Hourglass(nn.Module):
    """One hourglass of the given order, built recursively.

    The upper branch keeps the resolution (residual modules); the lower branch
    max-pools by 2, applies residual modules, an hourglass of order - 1 (or
    residual modules at the bottom), more residual modules and a
    nearest-neighbour upsampling; the two branches are added
    (``hourglass(n, f, inp)`` in ``hg.lua``).

    Any size: the pooling rounds up (a level of odd side keeps its last row
    and column) and the lower branch is upsampled to the upper branch's
    size, so every level of every input side works, down to 1x1. Where each
    side is even at every level (divisible by ``2 ** order``), this is the
    original's x2 pooling and x2 upsampling exactly.

    Args:
        order (int): Number of resolution levels below the input, e.g. 4
            takes 64x64 features down to 4x4.
        channels (int): Feature channels everywhere inside.
        num_residual_modules (int): Residual modules at each site.
        norm_cfg (dict): Config of the normalisation layers.
    """

    def __init__(self, order: int, channels: int, num_residual_modules: int,
                 norm_cfg: ConfigType) -> None:
        super().__init__()
        n = num_residual_modules
        self.up1 = _residuals(channels, channels, n, norm_cfg)
        self.low1 = _residuals(channels, channels, n, norm_cfg)
        self.low2 = (
            Hourglass(order - 1, channels, n, norm_cfg)
            if order > 1 else _residuals(channels, channels, n, norm_cfg))
        self.low3 = _residuals(channels, channels, n, norm_cfg)

    def forward(self, x: Tensor) -> Tensor:
        low = F.max_pool2d(x, 2, 2, ceil_mode=True)
        low = self.low3(self.low2(self.low1(low)))
        return self.up1(x) + F.interpolate(
            low, size=x.shape[-2:], mode='nearest')


class HourglassStack(nn.Module):
    """One stack: hourglass, residual module(s), 1x1 conv-BN-ReLU, heatmaps.

    For every stack but the last, ``remap`` returns the input of the next one:
    ``x + conv1x1(features) + conv1x1(heatmaps)``, so the predictions are fed
    back as in ``hg.lua``.
    """

    def __init__(self, order: int, channels: int, num_keypoints: int,
                 num_residual_modules: int, norm_cfg: ConfigType,
                 is_last: bool) -> None:
        super().__init__()
        self.hourglass = Hourglass(order, channels, num_residual_modules,
                                   norm_cfg)
        self.residuals = _residuals(channels, channels, num_residual_modules,
                                    norm_cfg)
        # ``lin`` of hg.lua: conv1x1 (with bias), BN, ReLU
        self.linear = nn.Sequential(
            nn.Conv2d(channels, channels, 1),
            build_norm_layer(norm_cfg, channels)[1], nn.ReLU(inplace=True))
        self.heatmap = nn.Conv2d(channels, num_keypoints, 1)
        self.is_last = is_last
        if not is_last:
            self.remap_features = nn.Conv2d(channels, channels, 1)
            self.remap_heatmaps = nn.Conv2d(num_keypoints, channels, 1)

    def forward(self, x: Tensor) -> Tuple[Tensor, Optional[Tensor]]:
        features = self.linear(self.residuals(self.hourglass(x)))
        heatmaps = self.heatmap(features)
        if self.is_last:
            return heatmaps, None
        return heatmaps, (x + self.remap_features(features) +
                          self.remap_heatmaps(heatmaps))


@MODELS.register_module()
class StackedHourglass(BaseBackbone):
    """The stacked hourglass network of Newell et al. (ECCV 2016).

    Unlike mmpose's ``HourglassNet`` (CornerNet's hourglass-52: a different
    residual block, strided convolutions instead of max pooling and no
    feedback of the predicted heatmaps), this is the network of the paper as
    the original code builds it (``hg.lua``, ``Residual.lua`` of
    anewell/pose-hg-train): a 7x7 stride-2 stem, a max pooling and three
    residual modules take a 256x256 image to 64x64 features; each stack is an
    hourglass of order 4 followed by a residual module, a 1x1 conv-BN-ReLU and
    a 1x1 convolution to ``num_keypoints`` heatmaps, which are fed back into
    the next stack. Inputs of any height and width that are multiples of 4
    work (192x256, 200x152, ...); the heatmaps are a quarter of the input's
    size (see ``Hourglass``).

    Args:
        num_stacks (int): Number of stacked hourglasses. Defaults to ``2``.
        num_keypoints (int): Heatmaps per stack. Defaults to ``16``.
        feat_channels (int): Feature channels (``-nFeats``); must be even.
            Defaults to ``256``.
        stem_channels (sequence[int]): Output channels of the stem's 7x7
            convolution and of its first two residual modules (the third
            gives ``feat_channels``); two values ``(c1, c2)`` mean
            ``(c1, c2, c2)``. Defaults to ``(64, 128, 128)``, ``hg.lua``'s;
            bearpaw/pytorch-pose builds ``(64, 128, 256)``. At a CPU-sized
            ``feat_channels`` the full-resolution stem is most of the work
            (64 features, 128x128 input: 3/4 of the multiply-adds), so the
            demo halves it.
        num_residual_modules (int): Residual modules at each site
            (``-nModules``). Defaults to ``1``.
        order (int): Levels of each hourglass, 1 to ``MAX_ORDER`` (8).
            Defaults to ``4``.
        norm_cfg (dict): Config of every normalisation layer.
            Defaults to ``dict(type='BN', requires_grad=True)``.
        with_cp (bool): Gradient checkpointing per stack: recompute the
            activations of each stack in the backward pass to save memory.
            Defaults to ``False``.
        channels_last (bool, optional): Run the convolutions in the
            ``channels_last`` memory format (NHWC): ``True`` always (the
            weights too), ``False`` never, ``None`` where it is faster: on
            a CPU (oneDNN; ``benchmarks/bench_model.py``) and under a GPU's
            autocast (tensor cores), not for a GPU's fp32. Only the input's
            layout decides, so the weights and the checkpoints stay NCHW;
            the heatmaps are returned contiguous (NCHW) either way.
            Defaults to ``None``.
        init_cfg (dict or list[dict], optional): Initialisation config.
            Defaults to ``None``: PyTorch's default initialisation, uniform
            in +-1/sqrt(fan_in) for convolutions, which is the original
            Torch code's (``nn.SpatialConvolution:reset``). A Kaiming
            (fan-out) initialisation makes the sums of the residual modules
            grow with depth and training starts far slower.

    Example:
        >>> import torch
        >>> model = StackedHourglass(num_stacks=2, num_keypoints=16)
        >>> outs = model(torch.rand(1, 3, 256, 256))
        >>> [tuple(o.shape) for o in outs]
        [(1, 16, 64, 64), (1, 16, 64, 64)]

    Paper: `Stacked Hourglass Networks for Human Pose Estimation
    <https://arxiv.org/abs/1603.06937>`_.
    """

    def __init__(self,
                 num_stacks: int = 2,
                 num_keypoints: int = 16,
                 feat_channels: int = 256,
                 stem_channels: Sequence[int] = (64, 128, 128),
                 num_residual_modules: int = 1,
                 order: int = 4,
                 norm_cfg: ConfigType = dict(type='BN', requires_grad=True),
                 with_cp: bool = False,
                 channels_last: Optional[bool] = None,
                 init_cfg: OptMultiConfig = None) -> None:
        name = 'StackedHourglass'
        for arg, value in (('num_stacks', num_stacks),
                           ('num_keypoints', num_keypoints),
                           ('num_residual_modules', num_residual_modules)):
            check_int(name, arg, value)
        check_int(name, 'order', order, high=MAX_ORDER)
        # the residual bottleneck halves the channels
        check_int(name, 'feat_channels', feat_channels, low=2, multiple_of=2)
        stem_channels = check_ints(name, 'stem_channels', stem_channels,
                                   (2, 3), low=2, multiple_of=2)
        if len(stem_channels) == 2:
            stem_channels += stem_channels[-1:]
        check_bool(name, 'with_cp', with_cp)
        if channels_last is not None:
            check_bool(name, 'channels_last', channels_last)
        if not isinstance(norm_cfg, dict) or 'type' not in norm_cfg:
            fail(name, 'norm_cfg', "a dict with a 'type'", norm_cfg)
        super().__init__(init_cfg=init_cfg)
        self.num_stacks = num_stacks
        self.num_keypoints = num_keypoints
        self.order = order
        self.with_cp = with_cp
        self.channels_last = channels_last
        c1, c2, c3 = stem_channels
        try:
            self.stem = nn.Sequential(
                nn.Conv2d(3, c1, 7, stride=2, padding=3),
                build_norm_layer(norm_cfg, c1)[1], nn.ReLU(inplace=True),
                ResidualModule(c1, c2, norm_cfg), nn.MaxPool2d(2, 2),
                ResidualModule(c2, c3, norm_cfg),
                ResidualModule(c3, feat_channels, norm_cfg))
            self.stacks = nn.ModuleList([
                HourglassStack(order, feat_channels, num_keypoints,
                               num_residual_modules, norm_cfg,
                               i == num_stacks - 1)
                for i in range(num_stacks)
            ])
        except (TypeError, KeyError, AssertionError) as e:
            # mmcv's build_norm_layer on a norm_cfg it cannot build
            raise ValueError(f'StackedHourglass: cannot build norm_cfg '
                             f'{norm_cfg!r}: {e}') from None
        if channels_last:
            # in-place initialisation and load_state_dict keep this layout
            self.to(memory_format=torch.channels_last)

    def _use_channels_last(self, x: Tensor) -> bool:
        if self.channels_last is not None:
            return self.channels_last
        if x.device.type == 'cpu':
            return True
        try:
            return torch.is_autocast_enabled(x.device.type)
        except TypeError:  # torch < 2.4: CUDA only, no argument
            return torch.is_autocast_enabled()

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Heatmaps of every stack.

        Args:
            x (Tensor): Images, shape (N, 3, H, W); H and W positive
                multiples of 4 (the stem's stride).

        Returns:
            tuple[Tensor]: ``num_stacks`` heatmaps, each (N, K, H/4, W/4).
        """
        h, w = x.shape[-2:]
        if not torch.jit.is_tracing() and (h % 4 or w % 4 or not h * w):
            raise ValueError(
                'StackedHourglass: input height and width must be positive '
                f'multiples of 4 (the stem halves them twice), got '
                f'{(int(h), int(w))}')
        nhwc = self._use_channels_last(x)
        if nhwc:
            x = x.contiguous(memory_format=torch.channels_last)
        x = self.stem(x)
        outs: List[Tensor] = []
        for stack in self.stacks:
            if self.with_cp and x.requires_grad:
                heatmaps, x = cp.checkpoint(stack, x, use_reentrant=False)
            else:
                heatmaps, x = stack(x)
            outs.append(heatmaps.contiguous() if nhwc else
                        heatmaps)
        return tuple(outs)
