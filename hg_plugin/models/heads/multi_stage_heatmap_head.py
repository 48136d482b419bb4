from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmpose.evaluation.functional import pose_pck_accuracy
from mmpose.models.heads import CPMHead
from mmpose.registry import MODELS
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import (ConfigType, MultiConfig, OptConfigType,
                                 OptSampleList)
from torch import Tensor

from ...utils.checks import check_int, fail


@MODELS.register_module()
class MultiStageHeatmapHead(CPMHead):
    """mmpose's ``CPMHead`` (intermediate supervision: the same target
    heatmaps for every stage, the stage losses summed, the last stage
    decoded, flip test through ``flip_heatmaps``) that follows its backbone.

    What ``CPMHead`` lacks and this adds:

    - The number of stages and of keypoints follow the backbone: by
      default the head takes every stage the backbone returns and has no
      layers of its own (:class:`StackedHourglass` outputs heatmaps), so a
      config states the number of stacks and of keypoints once, in the
      backbone. Given ``in_channels`` that differ from ``out_channels`` (a
      backbone of features, e.g. mmpose's ``HourglassNet``) it adds a 1x1
      convolution per stage, as ``CPMHead(final_layer=dict(kernel_size=1))``
      does (one, shared by every stage, without ``num_stages``).
    - The heatmaps are returned in float32: under bf16 autocast (``--amp``
      on a CPU) the backbone's are bf16, for which numpy, and so
      ``CPMHead``'s accuracy, has no type. The loss is unchanged (autocast
      computes the MSE in float32 either way).

    Per-stage loss weights are ``CPMHead``'s: one loss config per stage,
    each with its ``loss_weight``.

    Args:
        in_channels (int, optional): Channels of each stage's input.
            Defaults to ``None``: the heatmaps themselves.
        out_channels (int, optional): Number of keypoints K. Defaults to
            ``None``: as many as the backbone's heatmaps.
        num_stages (int, optional): Number of stages the backbone returns.
            Defaults to ``None``: as many as it returns (then ``loss`` is
            one config).
        loss (dict | list[dict]): One loss config for every stage, or one
            per stage. Defaults to ``dict(type='KeypointMSELoss',
            use_target_weight=True)``.
        decoder (dict, optional): Codec config used by ``predict``.
            Defaults to ``None``.
        init_cfg (dict | list[dict], optional): Defaults to ``CPMHead``'s.

    Paper: `Stacked Hourglass Networks for Human Pose Estimation
    <https://arxiv.org/abs/1603.06937>`_.
    """

    def __init__(self,
                 in_channels: Optional[int] = None,
                 out_channels: Optional[int] = None,
                 num_stages: Optional[int] = None,
                 loss: MultiConfig = dict(
                     type='KeypointMSELoss', use_target_weight=True),
                 decoder: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        name = 'MultiStageHeatmapHead'
        for arg, value in (('in_channels', in_channels),
                           ('out_channels', out_channels),
                           ('num_stages', num_stages)):
            if value is not None:
                check_int(name, arg, value)
        if num_stages is None and isinstance(loss, (list, tuple)):
            fail(name, 'loss', 'one config without num_stages', loss)
        if in_channels is None or in_channels == out_channels:
            final_layer = None  # heatmaps in, heatmaps out
        elif out_channels is None:
            fail(name, 'out_channels', 'given with in_channels',
                 out_channels)
        else:
            final_layer = dict(kernel_size=1)
        # CPMHead's layers, one per stage (one shared where the number of
        # stages follows the backbone)
        super().__init__(
            in_channels=in_channels or out_channels,
            out_channels=out_channels,
            num_stages=num_stages or 1,
            final_layer=final_layer,
            loss=list(loss) if isinstance(loss, tuple) else loss,
            decoder=decoder,
            init_cfg=init_cfg)
        self.num_stages = num_stages

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args,
                              **kwargs) -> None:
        # the previous release named CPMHead's multi_final_layers
        # final_layers: its checkpoints load
        old = prefix + 'final_layers.'
        for key in [k for k in state_dict if k.startswith(old)]:
            state_dict[prefix + 'multi_' + key[len(prefix):]] = \
                state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, feats: Sequence[Tensor]) -> List[Tensor]:
        """Heatmaps of every stage.

        Args:
            feats (sequence[Tensor]): One (N, C, H, W) tensor per stage.

        Returns:
            list[Tensor]: One (N, K, H, W) float32 tensor per stage.
        """
        if self.num_stages is None:
            layers = [self.multi_final_layers[0]] * len(feats)
        elif len(feats) != self.num_stages:
            raise ValueError(
                f'MultiStageHeatmapHead: expected {self.num_stages} stage '
                f'outputs from the backbone, got {len(feats)}')
        else:
            layers = self.multi_final_layers
        return [layer(f).float() for layer, f in zip(layers, feats)]

    def loss(self,
             feats: Sequence[Tensor],
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """``CPMHead``'s loss over as many stages as the backbone returns:
        the sum of every stage's loss against the same targets, and the
        heatmap PCK of the last stage (``acc_pose``)."""
        stages = self.forward(feats)
        gt = torch.stack([d.gt_fields.heatmaps for d in batch_data_samples])
        weights = torch.cat([
            d.gt_instance_labels.keypoint_weights for d in batch_data_samples
        ])
        losses = [
            (self.loss_module[i] if isinstance(self.loss_module, nn.ModuleList)
             else self.loss_module)(pred, gt, weights)
            for i, pred in enumerate(stages)
        ]
        _, acc, _ = pose_pck_accuracy(
            output=to_numpy(stages[-1]),
            target=to_numpy(gt),
            mask=to_numpy(weights) > 0)
        return dict(
            loss_kpt=sum(losses), acc_pose=torch.tensor(acc, device=gt.device))
