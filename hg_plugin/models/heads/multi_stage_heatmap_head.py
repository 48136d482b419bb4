from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.structures import PixelData
from mmpose.evaluation.functional import pose_pck_accuracy
from mmpose.models.heads.base_head import BaseHead
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import (ConfigType, Features, MultiConfig,
                                 OptConfigType, OptSampleList, Predictions)
from torch import Tensor

from ...utils.checks import check_int, check_number


@MODELS.register_module()
class MultiStageHeatmapHead(BaseHead):
    """Heatmap head with intermediate supervision over every stack.

    Each stage's heatmaps get a loss against the same target heatmaps (the
    paper's intermediate supervision); the losses are summed, optionally
    weighted per stage, into ``loss_kpt``; ``acc_pose`` and ``predict``
    use the last stage. Given heatmaps (``in_channels == out_channels``, as
    :class:`StackedHourglass` outputs) it has no parameters; given features,
    it adds a 1x1 convolution per stage.

    Why not mmpose's ``CPMHead``: it is built around deconvolution layers
    and has no per-stage loss weights; this head is the paper's head and
    nothing more, and accepts any backbone that returns one tensor per stage
    (e.g. mmpose's ``HourglassNet``).

    Args:
        in_channels (int | sequence[int]): Channels of each stage's input.
        out_channels (int): Number of keypoints K.
        num_stages (int, optional): Number of stages the backbone returns.
            Defaults to ``None``: as many as it returns (then
            ``in_channels`` is one int, ``loss`` one config and
            ``loss_weights`` ``None``), so that a config sets the number
            of stacks in one place, the backbone.
        loss (dict | list[dict]): One loss config for every stage, or one per
            stage. Defaults to ``dict(type='KeypointMSELoss',
            use_target_weight=True)``.
        loss_weights (sequence[float], optional): Weight of each stage's
            loss. Defaults to ``None`` (all 1).
        decoder (dict, optional): Codec config used by ``predict``.
            Defaults to ``None``.
        init_cfg (dict | list[dict], optional): Defaults to normal init of
            the 1x1 convolutions.

    Paper: `Stacked Hourglass Networks for Human Pose Estimation
    <https://arxiv.org/abs/1603.06937>`_.
    """

    def __init__(self,
                 in_channels: Union[int, Sequence[int]],
                 out_channels: int,
                 num_stages: Optional[int] = None,
                 loss: MultiConfig = dict(
                     type='KeypointMSELoss', use_target_weight=True),
                 loss_weights: Optional[Sequence[float]] = None,
                 decoder: OptConfigType = None,
                 init_cfg: OptConfigType = dict(
                     type='Normal', layer=['Conv2d'], std=0.001)) -> None:
        super().__init__(init_cfg)
        name = 'MultiStageHeatmapHead'
        check_int(name, 'out_channels', out_channels)
        if isinstance(in_channels, (list, tuple)):
            for c in in_channels:
                check_int(name, 'in_channels', c)
        else:
            check_int(name, 'in_channels', in_channels)
        if num_stages is None:
            if not isinstance(in_channels, int) or isinstance(
                    loss, (list, tuple)) or loss_weights is not None:
                raise ValueError(
                    'MultiStageHeatmapHead: without num_stages, give one '
                    'int in_channels, one loss and no loss_weights')
        else:
            check_int(name, 'num_stages', num_stages)
            if isinstance(in_channels, int):
                in_channels = [in_channels] * num_stages
            elif len(in_channels) != num_stages:
                raise ValueError(
                    f'MultiStageHeatmapHead: {len(in_channels)} in_channels '
                    f'for {num_stages} stages')
        if loss_weights is not None:
            if not isinstance(loss_weights, (list, tuple)):
                raise ValueError('MultiStageHeatmapHead: loss_weights must '
                                 f'be a list, got {loss_weights!r:.60}')
            for w in loss_weights:
                check_number(name, 'loss_weights', w, low=0)
        if isinstance(loss, (list, tuple)):
            if len(loss) != num_stages:
                raise ValueError(
                    f'MultiStageHeatmapHead: {len(loss)} loss configs for '
                    f'{num_stages} stages; give one, or one per stage')
            self.loss_module = nn.ModuleList(MODELS.build(c) for c in loss)
        else:
            self.loss_module = MODELS.build(loss)
        if loss_weights is not None and len(loss_weights) != num_stages:
            raise ValueError(
                f'MultiStageHeatmapHead: {len(loss_weights)} loss_weights '
                f'for {num_stages} stages')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.num_stages = num_stages
        self.loss_weights = None if loss_weights is None else [
            float(w) for w in loss_weights]
        self.decoder = (
            None if decoder is None else KEYPOINT_CODECS.build(decoder))
        channels = [in_channels] if num_stages is None else in_channels
        # one shared layer where the number of stages is not fixed
        self.final_layers = nn.ModuleList(
            nn.Identity() if c == out_channels else nn.Conv2d(
                c, out_channels, 1) for c in channels)

    def forward(self, feats: Sequence[Tensor]) -> List[Tensor]:
        """Heatmaps of every stage.

        Args:
            feats (sequence[Tensor]): One (N, C, H, W) tensor per stage.

        Returns:
            list[Tensor]: One (N, K, H, W) tensor per stage.
        """
        if self.num_stages is None:
            return [self.final_layers[0](f) for f in feats]
        if len(feats) != self.num_stages:
            raise ValueError(
                f'MultiStageHeatmapHead: expected {self.num_stages} stage '
                f'outputs from the backbone, got {len(feats)}')
        return [layer(f) for layer, f in zip(self.final_layers, feats)]

    def predict(self,
                feats: Features,
                batch_data_samples: OptSampleList,
                test_cfg: ConfigType = {}) -> Predictions:
        """Decode the last stage; with ``flip_test`` average the plain and
        the flipped-back heatmaps (mmpose's ``flip_heatmaps``, honouring
        ``flip_mode`` and ``shift_heatmap``)."""
        if test_cfg.get('flip_test', False):
            feats, feats_flip = feats
            flip_indices = batch_data_samples[0].metainfo['flip_indices']
            heatmaps = self.forward(feats)[-1]
            heatmaps_flip = flip_heatmaps(
                self.forward(feats_flip)[-1],
                flip_mode=test_cfg.get('flip_mode', 'heatmap'),
                flip_indices=flip_indices,
                shift_heatmap=test_cfg.get('shift_heatmap', False))
            heatmaps = (heatmaps + heatmaps_flip) * 0.5
        else:
            heatmaps = self.forward(feats)[-1]
        preds = self.decode(heatmaps)
        if test_cfg.get('output_heatmaps', False):
            return preds, [PixelData(heatmaps=h) for h in heatmaps.detach()]
        return preds

    def loss(self,
             feats: Sequence[Tensor],
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """Sum of every stage's loss against the same targets, and the
        heatmap PCK of the last stage (``acc_pose``)."""
        stage_heatmaps = self.forward(feats)
        gt = torch.stack([d.gt_fields.heatmaps for d in batch_data_samples])
        weights = torch.cat([
            d.gt_instance_labels.keypoint_weights for d in batch_data_samples
        ])
        loss = 0.
        for i, pred in enumerate(stage_heatmaps):
            loss_fn = (
                self.loss_module[i] if isinstance(
                    self.loss_module, nn.ModuleList) else self.loss_module)
            w = 1. if self.loss_weights is None else self.loss_weights[i]
            loss = loss + w * loss_fn(pred, gt, weights)
        # float(): under bf16 autocast (--amp on a CPU) the heatmaps are
        # bf16, which numpy has no type for (mmpose's heads assume fp16)
        _, acc, _ = pose_pck_accuracy(
            output=to_numpy(stage_heatmaps[-1].float()),
            target=to_numpy(gt),
            mask=to_numpy(weights) > 0)
        return dict(
            loss_kpt=loss, acc_pose=torch.tensor(acc, device=gt.device))
