"""A small stacked hourglass trained on synthetic people, once a test
session (about 5 minutes on 2 cores), for the tests that need a network
that has learnt something: learning itself, int8 accuracy."""
import os.path as osp

from mmengine.config import Config
from mmengine.runner import Runner

from tests.conftest import ROOT


def short_run_config(name: str, data_root: str, work_dir: str,
                     epochs: int) -> Config:
    """``configs/<name>`` for a short run on the CPU: 32 features, seed 0,
    ``epochs`` epochs validated and saved at the end, one loader worker,
    its data under ``data_root``."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs', name))
    cfg.work_dir = work_dir
    cfg.randomness = dict(seed=0)
    cfg.train_cfg = dict(by_epoch=True, max_epochs=epochs,
                         val_interval=epochs)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        interval=epochs)
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        d = cfg[loader]
        d.num_workers = 1
        d.persistent_workers = False
        d.dataset.data_root = data_root + '/'
    cfg.model.backbone.feat_channels = 32
    return cfg


def demo_config(data_root: str, work_dir: str) -> Config:
    """hg2_synthetic.py with 32 features, a fixed rate and no flip test,
    on ``data_root``."""
    cfg = short_run_config('hg2_synthetic.py', data_root, work_dir, 10)
    cfg.param_scheduler = []
    for loader in ('val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.headbox_file = osp.join(
            data_root, 'annotations', 'mpii_gt_val.mat')
    cfg.model.test_cfg.flip_test = False
    return cfg


def train_demo(root: str) -> dict:
    """Train on 640 people of ``root``/data and validate on 200: the
    config file, the checkpoint and the Mean PCKh before and after."""
    from hg_plugin.synthetic import generate_split
    data = osp.join(root, 'data')
    generate_split(data, 'train', 640, seed=10, size=(128, 128),
                   progress=False)
    generate_split(data, 'val', 200, seed=11, size=(128, 128),
                   first_index=640, progress=False)
    initial = Runner.from_cfg(demo_config(
        data, osp.join(root, 'init'))).val()['PCKh/Mean']
    cfg = demo_config(data, osp.join(root, 'train'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    final = runner.val()['PCKh/Mean']
    path = osp.join(root, 'config.py')
    cfg.dump(path)
    return dict(config=path, checkpoint=osp.join(root, 'train',
                                                 'epoch_10.pth'),
                data=data, initial=initial, final=final)
