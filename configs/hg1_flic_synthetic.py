# hg1_flic.py on synthetic people (tools/make_synthetic_data.py), sized for
# a CPU. Changed: data root, image and feature size, epochs, batch (8) and
# workers, the optimizer, sigma 3, the dataset's joint weights in the loss,
# no random scaling or rotation and a fixed seed (see hg2_synthetic.py).
_base_ = ['./hg1_flic.py']

train_cfg = dict(max_epochs=6, val_interval=6)
randomness = dict(seed=0)
default_hooks = dict(logger=dict(interval=50))
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='Adam', lr=1.5e-3, fused=True))
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=6,
        eta_min=1e-5,
        by_epoch=True,
        convert_to_iter_based=True)
]

codec = dict(
    type='GaussianHeatmap',
    input_size=(128, 128),
    heatmap_size=(32, 32),
    sigma=3.0)

model = dict(
    backbone=dict(
        feat_channels=64, stem_channels=(32, 64), channels_last=True),
    head=dict(decoder=codec))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='RandomChannelScale', scale_range=(0.6, 1.4)),
    dict(
        type='GenerateTarget',
        encoder=codec,
        use_dataset_keypoint_weights=True),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]

data_root = 'data/synthetic/'
metainfo = dict(from_file='{{fileDirname}}/_base_/datasets/flic_synthetic.py')
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    dataset=dict(
        data_root=data_root, metainfo=metainfo, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    dataset=dict(
        data_root=data_root, metainfo=metainfo, pipeline=val_pipeline))
test_dataloader = val_dataloader
