"""The plugin's parts work with mmpose's own, by type name."""
import numpy as np
import torch
from mmengine.structures import InstanceData, PixelData
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

import hg_plugin  # noqa: F401

K = 16
CODEC = dict(type='GaussianHeatmap', input_size=(128, 128),
             heatmap_size=(32, 32), sigma=1.5)


def data_samples(n: int) -> list:
    out = []
    for _ in range(n):
        s = PoseDataSample(metainfo=dict(
            flip_indices=list(range(K)), input_size=(128, 128),
            input_center=np.array([64., 64.]),
            input_scale=np.array([128., 128.])))
        s.gt_fields = PixelData(heatmaps=torch.rand(K, 32, 32))
        s.gt_instance_labels = InstanceData(keypoint_weights=torch.ones(1, K))
        s.gt_instances = InstanceData(
            bboxes=np.array([[0., 0., 128., 128.]]),
            bbox_scores=np.ones(1),
            bbox_centers=np.array([[64., 64.]]),
            bbox_scales=np.array([[128., 128.]]))
        out.append(s)
    return out


def run_estimator(backbone: dict, head: dict) -> None:
    model = MODELS.build(dict(
        type='TopdownPoseEstimator', backbone=backbone, head=head,
        test_cfg=dict(flip_test=True, shift_heatmap=True)))
    inputs = torch.rand(2, 3, 128, 128)
    losses = model(inputs, data_samples(2), mode='loss')
    assert torch.isfinite(losses['loss_kpt'])
    losses['loss_kpt'].backward()
    model.eval()
    with torch.no_grad():
        results = model(inputs, data_samples(2), mode='predict')
    assert results[0].pred_instances.keypoints.shape == (1, K, 2)


def test_stacked_hourglass_with_mmpose_cpm_head():
    run_estimator(
        dict(type='StackedHourglass', num_stacks=2, num_keypoints=K,
             feat_channels=32),
        dict(type='CPMHead', in_channels=K, out_channels=K, num_stages=2,
             deconv_out_channels=None, final_layer=None,
             loss=dict(type='KeypointMSELoss', use_target_weight=True),
             decoder=CODEC))


def test_multi_stage_head_on_mmpose_hourglass_net():
    run_estimator(
        dict(type='HourglassNet', num_stacks=2),
        dict(type='MultiStageHeatmapHead', in_channels=256, out_channels=K,
             num_stages=2, decoder=CODEC))


def test_both_plugin_parts_in_topdown_pose_estimator():
    run_estimator(
        dict(type='StackedHourglass', num_stacks=2, num_keypoints=K,
             feat_channels=32),
        dict(type='MultiStageHeatmapHead', decoder=CODEC))
