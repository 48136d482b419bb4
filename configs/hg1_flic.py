# One hourglass on FLIC (the paper's FLIC experiment), PCK@0.2 by torso size.
# Augmentation and training follow hg2_mpii.py (see the note in
# _base_/hourglass_mpii.py on where the original code differs from the text).
_base_ = ['mmpose::_base_/default_runtime.py']
custom_imports = dict(imports=['hg_plugin'], allow_failed_imports=False)

# runtime
# Written for 2 GPUs x 6 images (tools/dist_train.sh CONFIG 2); paper: one
# GPU, batch 6, lr 2.5e-4 (base_batch_size for --auto-scale-lr).
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
        monitor='PCK@0.2/Mean',
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
        interval=1, save_best='PCK@0.2/Mean', rule='greater',
        max_keep_ckpts=3))

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
        num_stacks=1,  # paper: a single hourglass on FLIC
        num_keypoints=11,
        feat_channels=256,  # paper: 256 features
        # SyncBN across GPUs: norm_cfg=dict(type='SyncBN')
        norm_cfg=dict(type='BN'),
        with_cp=False),
    head=dict(
        type='MultiStageHeatmapHead',
        in_channels=11,
        out_channels=11,
        num_stages=1,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))

# base dataset settings
dataset_type = 'FlicDataset'
data_mode = 'topdown'
data_root = 'data/flic/'

# pipelines: the hourglass FLIC files' centre and scale are the crop itself
# (no MPII-style shift or x1.25)
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='RandomFlip', direction='horizontal'),  # paper: flipping
    dict(
        type='RandomBBoxTransform',
        shift_prob=0,  # paper: no translation
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
    dict(type='GetBBoxCenterScale', padding=1.0),
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
        ann_file='annotations/flic_train.json',
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
        ann_file='annotations/flic_valid.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

# evaluators: torso = ||r_shoulder - l_hip||, the hourglass files' normalize;
# torso=('l_shoulder', 'r_hip') for MODEC's original evaluation
val_evaluator = dict(
    type='TorsoPCKMetric', thr=0.2, torso=('r_shoulder', 'l_hip'))
test_evaluator = val_evaluator
