"""The whole pipeline learns: a reduced synthetic run lifts validation PCKh
far above the same network's at initialisation."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from hg_plugin.synthetic import generate_split
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_validation_pckh_rises(tmp_path):
    root = str(tmp_path / 'data')
    generate_split(root, 'train', 640, seed=10, size=(128, 128),
                   progress=False)
    generate_split(root, 'val', 48, seed=11, size=(128, 128),
                   first_index=640, progress=False)

    def config(name: str) -> Config:
        cfg = Config.fromfile(osp.join(ROOT, 'configs', 'hg2_synthetic.py'))
        cfg.work_dir = str(tmp_path / name)
        cfg.randomness = dict(seed=0)
        cfg.train_cfg = dict(by_epoch=True, max_epochs=10, val_interval=10)
        cfg.param_scheduler = []
        cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                            interval=100)
        cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader'):
            d = cfg[loader]
            d.num_workers = 1
            d.persistent_workers = False
            d.dataset.data_root = root + '/'
            if 'headbox_file' in d.dataset:
                d.dataset.headbox_file = osp.join(
                    root, 'annotations', 'mpii_gt_val.mat')
        cfg.model.backbone.feat_channels = 32
        cfg.model.test_cfg.flip_test = False
        return cfg

    initial = Runner.from_cfg(config('init')).val()['PCKh/Mean']
    trained = Runner.from_cfg(config('train'))
    trained.train()
    final = trained.val()['PCKh/Mean']
    # 800 iterations of batch 8 (about 5 minutes on 2 cores)
    assert initial < 10
    assert final > max(3 * initial, initial + 10), (initial, final)
