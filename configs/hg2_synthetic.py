# hg2_mpii.py on synthetic people (tools/make_synthetic_data.py), sized for
# a CPU: `make demo`. Changed: data root, image and feature size, epochs,
# batch and workers, and the optimizer: in a run of ~600 iterations the
# paper's RMSprop at 2.5e-4 barely leaves the all-zero heatmap (measured:
# heatmap accuracy 5% after 200 iterations), Adam at 1e-3 learns faster.
_base_ = ['./hg2_mpii.py']

train_cfg = dict(max_epochs=4, val_interval=2)
default_hooks = dict(logger=dict(interval=25))
optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=1e-3))
# the paper's drop of the rate by 5x, at a fixed epoch for this short run
param_scheduler = [
    dict(type='MultiStepLR', milestones=[3], gamma=0.2, by_epoch=True)
]

codec = dict(
    type='GaussianHeatmap',
    input_size=(128, 128),
    heatmap_size=(32, 32),
    sigma=2.0)

model = dict(
    backbone=dict(feat_channels=64),
    head=dict(decoder=codec))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='RandomBBoxTransform',
        shift_prob=0,
        scale_factor=(0.75, 1.25),
        rotate_factor=30,
        rotate_prob=1.0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='RandomChannelScale', scale_range=(0.6, 1.4)),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]

data_root = 'data/synthetic/'
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    dataset=dict(
        data_root=data_root,
        headbox_file=data_root + 'annotations/mpii_gt_val.mat',
        pipeline=val_pipeline))
test_dataloader = val_dataloader
