# MPII (mmpose's json layout, tools/dataset_converters/mpii_to_mmpose.py),
# the paper's crops and augmentation, PCKh.
#
# Where the original code (anewell/pose-hg-train, src/util/pose.lua) differs
# from the paper's text, this follows the text:
#   rotation  paper: +-30 deg; code: N(0, 30) clipped to +-60, applied to 40%
#   scale     paper: 0.75-1.25; code: 2 ** N(0, 0.25) clipped, 0.71-1.41
#   Gaussian  paper: sigma 1; code drew sigma 1.75 (see GaussianHeatmap)
codec = dict(
    type='GaussianHeatmap',
    input_size=(256, 256),  # paper: 256x256 input
    heatmap_size=(64, 64),  # paper: 64x64 heatmaps
    sigma=1.75)  # what the original code's -hmGauss 1 drew

dataset_type = 'CheckedMpiiDataset'
data_mode = 'topdown'
data_root = 'data/mpii/'

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

train_dataloader = dict(
    batch_size=6,  # per GPU; paper: batch 6
    # per GPU; what a worker prepares: benchmarks/bench_pipeline.py
    num_workers=8,
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

val_evaluator = dict(type='PCKhMetric')
test_evaluator = val_evaluator
