# Stacked hourglass on MPII, the settings of Newell et al. (ECCV 2016).
# hg2_mpii.py and hg8_mpii.py inherit this file and set the number of stacks.
#
# Where the original code (anewell/pose-hg-train, src/util/pose.lua) differs
# from the paper's text, this config follows the text:
#   rotation  paper: +-30 deg; code: N(0, 30) clipped to +-60, applied to 40%
#   scale     paper: 0.75-1.25; code: 2 ** N(0, 0.25) clipped, 0.71-1.41
#   Gaussian  paper: sigma 1; code drew sigma 1.75 (see GaussianHeatmap)
_base_ = ['mmpose::_base_/default_runtime.py']
custom_imports = dict(imports=['hg_plugin'], allow_failed_imports=False)

num_stacks = 2  # set by hg2_mpii.py / hg8_mpii.py

# runtime
# Written for 4 GPUs x 6 images (tools/dist_train.sh CONFIG 4). The paper
# trained on one GPU with batch 6 at lr 2.5e-4: base_batch_size=6 makes
# --auto-scale-lr scale the rate linearly from there.
train_cfg = dict(max_epochs=150, val_interval=1)
auto_scale_lr = dict(enable=False, base_batch_size=6)

# optimizer
optim_wrapper = dict(
    # AMP: python tools/train.py CONFIG --amp (AmpOptimWrapper)
    optimizer=dict(type='RMSprop', lr=2.5e-4, alpha=0.99, eps=1e-8),
)  # paper: RMSprop, 2.5e-4

# learning policy: paper: "dropped to 5e-5 when validation saturates"
param_scheduler = [
    dict(
        type='ReduceOnPlateauLR',
        monitor='PCKh/Mean',
        rule='greater',
        factor=0.2,  # 2.5e-4 -> 5e-5
        patience=10,
        min_value=5e-5,
        by_epoch=True)
]

# hooks
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(
        interval=1, save_best='PCKh/Mean', rule='greater', max_keep_ckpts=3))

# codec settings
codec = dict(
    type='GaussianHeatmap',
    input_size=(256, 256),  # paper: 256x256 input
    heatmap_size=(64, 64),  # paper: 64x64 heatmaps
    sigma=1.75)  # what the original code's -hmGauss 1 drew

# model settings
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='StackedHourglass',
        num_stacks=num_stacks,
        num_keypoints=16,
        feat_channels=256,  # paper: 256 features
        # SyncBN across GPUs: norm_cfg=dict(type='SyncBN')
        norm_cfg=dict(type='BN'),
        with_cp=False),  # True: recompute each stack, less memory
    head=dict(
        type='MultiStageHeatmapHead',
        in_channels=16,
        out_channels=16,
        num_stages=num_stacks,
        # paper: MSE on every stack's heatmaps (intermediate supervision)
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(
        flip_test=True,  # paper: average with the flipped image's heatmaps
        flip_mode='heatmap',
        shift_heatmap=True))

# base dataset settings
dataset_type = 'CheckedMpiiDataset'
data_mode = 'topdown'
data_root = 'data/mpii/'

# pipelines
train_pipeline = [
    dict(type='LoadImage'),
    # MPII's crop: centre 15*s down (in the dataset) and scale x1.25 (here)
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='RandomFlip', direction='horizontal'),  # paper: flipping
    dict(
        type='RandomBBoxTransform',
        shift_prob=0,  # paper: no translation, the person stays centred
        scale_factor=(0.75, 1.25),  # paper: scale 0.75-1.25
        rotate_factor=30,  # paper: rotation +-30 degrees
        rotate_prob=1.0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='RandomChannelScale', scale_range=(0.6, 1.4)),  # code: colour
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]

# data loaders
train_dataloader = dict(
    batch_size=6,  # per GPU; paper: batch 6
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/mpii_train.json',
        data_prefix=dict(img='images/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/mpii_val.json',
        headbox_file=data_root + 'annotations/mpii_gt_val.mat',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

# evaluators
val_evaluator = dict(type='PCKhMetric')
test_evaluator = val_evaluator
