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

CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', '*.py')) +
                 glob.glob(osp.join(ROOT, 'configs', 'pretrained', '*.py')))


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


# the values each config must end up with after composing its bases:
# stacks, joints, features, stem, input, heatmap, sigma, optimizer, lr,
# epochs, metric, batch
EXPECTED = {
    'hg2_mpii.py': (2, 16, 256, (64, 128), 256, 64, 1.75, 'RMSprop',
                    2.5e-4, 150, 'PCKhMetric', 6),
    'hg8_mpii.py': (8, 16, 256, (64, 128), 256, 64, 1.75, 'RMSprop',
                    2.5e-4, 150, 'PCKhMetric', 6),
    'hg1_flic.py': (1, 11, 256, (64, 128), 256, 64, 1.75, 'RMSprop',
                    2.5e-4, 150, 'TorsoPCKMetric', 6),
    'hg2_synthetic.py': (2, 16, 64, (32, 64), 128, 32, 3.0, 'Adam', 1.5e-3,
                         6, 'PCKhMetric', 8),
    'hg1_flic_synthetic.py': (1, 11, 64, (32, 64), 128, 32, 3.0, 'Adam',
                              1.5e-3, 6, 'TorsoPCKMetric', 8),
    'hg2_mpii_princeton.py': (2, 16, 256, (64, 128), 256, 64, 1.75,
                              'RMSprop', 2.5e-4, 150, 'PCKhMetric', 6),
    'hg8_mpii_princeton.py': (8, 16, 256, (64, 128), 256, 64, 1.75,
                              'RMSprop', 2.5e-4, 150, 'PCKhMetric', 6),
    'hg1_mpii_bearpaw.py': (1, 16, 256, (64, 128, 256), 256, 64, 1.75,
                            'RMSprop', 2.5e-4, 150, 'PCKhMetric', 6),
    'hg2_mpii_bearpaw.py': (2, 16, 256, (64, 128, 256), 256, 64, 1.75,
                            'RMSprop', 2.5e-4, 150, 'PCKhMetric', 6),
    'hg8_mpii_bearpaw.py': (8, 16, 256, (64, 128, 256), 256, 64, 1.75,
                            'RMSprop', 2.5e-4, 150, 'PCKhMetric', 6),
}


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_key_values(path):
    cfg = Config.fromfile(path)
    b = cfg.model.backbone
    got = (b.num_stacks, b.num_keypoints, b.feat_channels,
           tuple(b.get('stem_channels', (64, 128))), cfg.codec.input_size[0],
           cfg.codec.heatmap_size[0], cfg.codec.sigma,
           cfg.optim_wrapper.optimizer.type, cfg.optim_wrapper.optimizer.lr,
           cfg.train_cfg.max_epochs, cfg.val_evaluator.type,
           cfg.train_dataloader.batch_size)
    assert got == EXPECTED[osp.basename(path)]
    # one codec: the pipeline's and the head's
    assert cfg.model.head.decoder == cfg.codec
    target = [t for t in cfg.train_pipeline if t.type == 'GenerateTarget']
    assert target[0].encoder == cfg.codec
    assert cfg.model.head.get('num_stages') is None  # set by the backbone
    assert cfg.data_mode == 'topdown' and cfg.visualizer
    assert cfg.default_hooks.checkpoint.save_best.endswith('/Mean')


def test_hg2_and_hg8_differ_only_in_stacks():
    a = Config.fromfile(osp.join(ROOT, 'configs', 'hg2_mpii.py'))
    b = Config.fromfile(osp.join(ROOT, 'configs', 'hg8_mpii.py'))
    assert a.model.backbone.num_stacks == 2
    assert b.model.backbone.num_stacks == 8
    for cfg in (a, b):
        cfg.model.backbone.num_stacks = 0
    assert a.to_dict() == b.to_dict()


def test_custom_imports_leave_out_the_tools_parts():
    # what every config's custom_imports loads: the registered parts, not
    # the synthetic generator or the converters (imported by the tools)
    import subprocess
    import sys
    code = ('import sys, hg_plugin; print(sorted(m for m in sys.modules '
            "if m.startswith(('hg_plugin.synthetic', "
            "'hg_plugin.converters'))))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == '[]'
