"""Small configs for runner tests, written next to generated data."""
import os.path as osp

MMPOSE_HG52 = ('mmpose::body_2d_keypoint/topdown_heatmap/mpii/'
               'td-hm_hourglass52_8xb64-210e_mpii-256x256.py')


def mpii_test_config(path: str, data_root: str, *, base: str = MMPOSE_HG52,
                     epochs: int = 1, train_people: int = 2,
                     val_people: int = 2, batch: int = 2,
                     workers: int = 0,
                     extra: str = '') -> str:
    """Write a config that inherits ``base``, uses the plugin's network,
    codec and metric, and trains on ``data_root``'s synthetic MPII set."""
    text = f'''
_base_ = [{base!r}]
custom_imports = dict(imports=['hg_plugin'], allow_failed_imports=False)
train_cfg = dict(max_epochs={epochs}, val_interval=1)
optim_wrapper = dict(optimizer=dict(_delete_=True, type='RMSprop',
                                    lr=2.5e-4))
param_scheduler = []
default_hooks = dict(logger=dict(interval=1),
                     checkpoint=dict(interval=1, save_best='PCKh/Mean',
                                     rule='greater'))
codec = dict(type='GaussianHeatmap', input_size=(128, 128),
             heatmap_size=(32, 32), sigma=1.5)
model = dict(
    backbone=dict(_delete_=True, type='StackedHourglass', num_stacks=2,
                  num_keypoints=16, feat_channels=32),
    head=dict(_delete_=True, type='MultiStageHeatmapHead', decoder=codec),
    test_cfg=dict(flip_test=True, shift_heatmap=True))
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0, rotate_factor=30,
         scale_factor=(0.75, 1.25)),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
data_root = {data_root + osp.sep!r}
train_dataloader = dict(
    batch_size={batch}, num_workers={workers}, persistent_workers=False,
    dataset=dict(type='CheckedMpiiDataset', data_root=data_root,
                 ann_file='annotations/mpii_train.json',
                 indices={train_people}, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size={batch}, num_workers=0, persistent_workers=False,
    dataset=dict(type='CheckedMpiiDataset', data_root=data_root,
                 ann_file='annotations/mpii_val.json',
                 headbox_file=data_root + 'annotations/mpii_gt_val.mat',
                 indices={val_people}, pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, type='PCKhMetric')
test_evaluator = val_evaluator
{extra}
'''
    with open(path, 'w') as f:
        f.write(text)
    return path
