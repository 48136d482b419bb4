# hg2_mpii.py on synthetic people (tools/make_synthetic_data.py), sized for
# a 2-core CPU: `make demo`. Smaller input, features and stem; Adam with a
# cosine decay instead of the paper's RMSprop (which barely leaves the
# all-zero heatmap in a run of minutes); a wider Gaussian; heavier elbows
# and wrists in the loss; no random scaling or rotation (the generator
# already turns, leans and sizes each figure). How each value was chosen:
# docs/demo_tuning.md.
_base_ = ['./hg2_mpii.py']

train_cfg = dict(max_epochs=6, val_interval=6)
randomness = dict(seed=0)
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
    backbone=dict(feat_channels=64, stem_channels=(32, 64)),
    head=dict(decoder=codec))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
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
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]

data_root = 'data/synthetic/'
metainfo = dict(from_file='{{fileDirname}}/_base_/datasets/mpii_synthetic.py')
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    dataset=dict(
        data_root=data_root, metainfo=metainfo, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        headbox_file=data_root + 'annotations/mpii_gt_val.mat',
        pipeline=val_pipeline))
test_dataloader = val_dataloader
