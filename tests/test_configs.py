"""Every shipped config builds and runs, and says what its sources say:
the paper and the original code for MPII and FLIC, mmpose's own COCO
configs for COCO; each variant differs from its sibling only where it
says so."""
import glob
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.structures import InstanceData, PixelData
from mmpose.registry import DATASETS, KEYPOINT_CODECS, MODELS
from mmpose.structures import PoseDataSample

import hg_plugin  # noqa: F401
from tests.conftest import ROOT

CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', '*.py')) +
                 glob.glob(osp.join(ROOT, 'configs', 'pretrained', '*.py')))


def config(name: str) -> Config:
    return Config.fromfile(osp.join(ROOT, 'configs', name))


def batch(cfg: Config, n: int = 1):
    codec = KEYPOINT_CODECS.build(cfg.codec)
    w, h = codec.input_size
    k = cfg.model.backbone.num_keypoints
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
        1, cfg.model.backbone.num_keypoints, 2)


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_one_codec_and_keypoints_from_the_metainfo(path):
    cfg = Config.fromfile(path)
    # one codec: the head's, the targets' and the crop's
    assert cfg.model.head.decoder == cfg.codec
    (target, ) = [t for t in cfg.train_pipeline
                  if t.type == 'GenerateTarget']
    assert target.encoder == cfg.codec
    w, h = KEYPOINT_CODECS.build(cfg.codec).input_size
    for pipeline in (cfg.train_pipeline, cfg.val_pipeline,
                     cfg.test_dataloader.dataset.pipeline):
        (affine, ) = [t for t in pipeline if t.type == 'TopdownAffine']
        assert tuple(affine.input_size) == (w, h)
    # the number of keypoints is the model's only and the datasets' own
    assert 'out_channels' not in cfg.model.head
    assert cfg.model.head.get('num_stages') is None
    for split in ('train', 'val'):
        ds = cfg[f'{split}_dataloader'].dataset
        cls = DATASETS.get(ds.type)
        meta = cls._load_metainfo(ds.get('metainfo'))
        assert cfg.model.backbone.num_keypoints == meta['num_keypoints']
    assert cfg.custom_hooks == [dict(type='KeypointCountCheckHook')]


# The paper (Newell et al., ECCV 2016, section 4) and its code
# (anewell/pose-hg-train, src/opts.lua): 256x256 input, 64x64 output,
# RMSprop at 2.5e-4 (Torch's alpha 0.99, epsilon 1e-8), a mini-batch of 6,
# the rate dropped by a factor of 5 after validation plateaus, 256
# features, flip test, rotation +-30 and scaling 0.75-1.25; 2 and 8 stacks
# on MPII, 1 on FLIC.
PAPER = {'hg2_mpii.py': 2, 'hg8_mpii.py': 8, 'hg1_flic.py': 1}


@pytest.mark.parametrize('name', sorted(PAPER))
def test_paper_configs_say_what_the_paper_says(name):
    cfg = config(name)
    assert cfg.model.backbone.num_stacks == PAPER[name]
    assert cfg.model.backbone.feat_channels == 256
    assert tuple(cfg.codec.input_size) == (256, 256)
    assert tuple(cfg.codec.heatmap_size) == (64, 64)
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.alpha, opt.eps) == (
        'RMSprop', 2.5e-4, 0.99, 1e-8)
    assert cfg.train_dataloader.batch_size == 6
    (drop, ) = cfg.param_scheduler
    assert drop.type == 'ReduceOnPlateauLR' and drop.factor == 0.2
    assert drop.min_value == pytest.approx(2.5e-4 / 5)
    # the plateau is judged on the metric the checkpoints keep the best of
    assert drop.monitor == cfg.default_hooks.checkpoint.save_best
    (aug, ) = [t for t in cfg.train_pipeline
               if t.type == 'RandomBBoxTransform']
    assert aug.rotate_factor == 30
    assert tuple(aug.scale_factor) == (0.75, 1.25)
    assert cfg.model.test_cfg.flip_test


def mmpose_config(name: str) -> Config:
    import mmpose
    return Config.fromfile(osp.join(osp.dirname(mmpose.__file__), '.mim',
                                    'configs', name))


MMPOSE_COCO = ('body_2d_keypoint/topdown_heatmap/coco/'
               'td-hm_hourglass52_8xb32-210e_coco-256x256.py')


@pytest.mark.parametrize('name,stacks', [('hg2_coco.py', 2),
                                         ('hg8_coco.py', 8)])
def test_coco_configs_follow_mmposes_coco_protocol(name, stacks):
    ours, theirs = config(name), mmpose_config(MMPOSE_COCO)
    assert ours.model.backbone.num_stacks == stacks
    # data, metric and schedule: mmpose's own COCO hourglass config
    for key in ('train_cfg', 'optim_wrapper', 'param_scheduler',
                'val_evaluator', 'test_evaluator'):
        assert ours[key] == theirs[key], key
    for split in ('train', 'val'):
        a = ours[f'{split}_dataloader'].dataset
        b = theirs[f'{split}_dataloader'].dataset
        for key in ('type', 'data_mode', 'ann_file', 'data_prefix',
                    'bbox_file'):
            assert a.get(key) == b.get(key), (split, key)
        assert [t.type for t in a.pipeline] == [t.type for t in b.pipeline]
    assert ours.model.test_cfg == theirs.model.test_cfg
    assert ours.default_hooks.checkpoint.save_best == 'coco/AP'
    # mmpose's COCO crops are 256x192 (h x w), and its Gaussians sigma 2
    assert tuple(ours.codec.input_size) == (192, 256)
    assert ours.codec.sigma == theirs.codec.sigma == 2


def flat(d, prefix='') -> dict:
    """A config as {'a.b.c': value}; lists of dicts by index."""
    out = {}
    items = d.items() if isinstance(d, dict) else enumerate(d)
    for k, v in items:
        key = f'{prefix}{k}'
        if isinstance(v, dict) or (isinstance(v, list) and v and all(
                isinstance(x, dict) for x in v)):
            out.update(flat(v, key + '.'))
        else:
            out[key] = v
    return out


def differences(a: Config, b: Config) -> set:
    fa, fb = flat(a.to_dict()), flat(b.to_dict())
    return {k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k)}


@pytest.mark.parametrize('sibling,variant,keys', [
    ('hg2_mpii.py', 'hg8_mpii.py', {'model.backbone.num_stacks'}),
    ('hg2_coco.py', 'hg8_coco.py', {'model.backbone.num_stacks'}),
    ('hg2_mpii.py', 'pretrained/hg2_mpii_princeton.py',
     {'model.data_preprocessor.type', 'model.data_preprocessor.divisor',
      'model.data_preprocessor.mean', 'model.data_preprocessor.std',
      'model.test_cfg.shift_heatmap'}),
    ('pretrained/hg2_mpii_princeton.py', 'pretrained/hg2_mpii_bearpaw.py',
     {'model.data_preprocessor.mean', 'model.backbone.stem_channels'}),
])
def test_a_variant_differs_only_where_it_says(sibling, variant, keys):
    assert differences(config(sibling), config(variant)) == keys


def test_custom_imports_leave_out_the_tools_parts():
    # what every config's custom_imports loads: the registered parts, not
    # the synthetic generator, the converters or the inference tools
    import subprocess
    import sys
    code = ('import sys, hg_plugin; print(sorted(m for m in sys.modules '
            "if m.startswith(('hg_plugin.synthetic', 'hg_plugin.apis', "
            "'hg_plugin.converters', 'hg_plugin.deployment'))))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == '[]'
