"""Every shipped config builds, and its model runs in loss and predict
mode."""
import glob
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.structures import InstanceData, PixelData
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.structures import PoseDataSample

import hg_plugin  # noqa: F401
from tests.conftest import ROOT

CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', '*.py')))


def batch(cfg: Config, n: int = 1):
    codec = KEYPOINT_CODECS.build(cfg.codec)
    w, h = cfg.codec.input_size
    k = cfg.model.head.out_channels
    samples = []
    rng = np.random.default_rng(0)
    for _ in range(n):
        kpts = rng.uniform(0.2, 0.8, (1, k, 2)) * [w, h]
        enc = codec.encode(kpts, np.ones((1, k)))
        s = PoseDataSample(metainfo=dict(
            input_size=(w, h), input_center=np.array([w / 2, h / 2]),
            input_scale=np.array([w, h], float), flip_indices=list(range(k))))
        s.gt_fields = PixelData(heatmaps=torch.from_numpy(enc['heatmaps']))
        s.gt_instance_labels = InstanceData(
            keypoint_weights=torch.from_numpy(enc['keypoint_weights']))
        s.gt_instances = InstanceData(
            bboxes=np.array([[0., 0., w, h]]),
            bbox_scores=np.ones(1),
            bbox_centers=np.array([[w / 2, h / 2]]),
            bbox_scales=np.array([[w, h]], float))
        samples.append(s)
    return torch.rand(n, 3, h, w), samples


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds_and_runs(path):
    cfg = Config.fromfile(path)
    assert cfg.custom_imports['imports'] == ['hg_plugin']
    model = MODELS.build(cfg.model)
    inputs, samples = batch(cfg)
    losses = model(inputs, samples, mode='loss')
    assert torch.isfinite(losses['loss_kpt'])
    model.eval()
    with torch.no_grad():
        (result, ) = model(inputs, samples, mode='predict')
    assert result.pred_instances.keypoints.shape == (
        1, cfg.model.head.out_channels, 2)


def test_hg2_and_hg8_differ_only_in_stacks():
    a = Config.fromfile(osp.join(ROOT, 'configs', 'hg2_mpii.py'))
    b = Config.fromfile(osp.join(ROOT, 'configs', 'hg8_mpii.py'))
    assert a.model.backbone.num_stacks == 2
    assert b.model.backbone.num_stacks == 8
    for cfg in (a, b):
        cfg.model.backbone.num_stacks = cfg.model.head.num_stages = 0
        cfg.num_stacks = 0
    assert a.to_dict() == b.to_dict()
