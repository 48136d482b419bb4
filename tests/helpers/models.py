"""A small plugin model with random weights and BN statistics, saved as a
checkpoint with its dataset's metainfo, for inference and export tests."""
import os.path as osp

import torch
from mmengine.config import Config
from mmpose.registry import MODELS

from tests.conftest import ROOT


def small_config(path: str, stacks: int = 2) -> str:
    """hg2_synthetic.py (128x128 input, 32x32 heatmaps) with 32 features:
    the demo's sizes, smaller."""
    with open(path, 'w') as f:
        base = osp.join(ROOT, 'configs', 'hg2_synthetic.py')
        f.write(f'_base_ = [{base!r}]\n'
                f'model = dict(backbone=dict(num_stacks={stacks}, '
                'feat_channels=32))\n')
    return path


def random_checkpoint(cfg_path: str, path: str, seed: int = 0) -> str:
    from hg_plugin.datasets.metainfo import dataset_metainfo
    cfg = Config.fromfile(cfg_path)
    model = MODELS.build(cfg.model)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith('running_var'):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            elif name.endswith('running_mean'):
                t.copy_(torch.randn(t.shape, generator=g) * 0.2)
            elif t.dtype.is_floating_point:
                t.copy_(torch.randn(t.shape, generator=g) * 0.1 +
                        (t.ndim == 1 and name.endswith('weight')))
    torch.save(dict(meta=dict(dataset_meta=dataset_metainfo('mpii')),
                    state_dict=model.state_dict()), path)
    return path
