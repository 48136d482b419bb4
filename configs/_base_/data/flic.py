# FLIC (the hourglass code's files or FLIC's release, converted by
# tools/dataset_converters), the paper's augmentation, PCK@0.2 by torso.
codec = dict(
    type='GaussianHeatmap',
    input_size=(256, 256),  # paper: 256x256 input
    heatmap_size=(64, 64),  # paper: 64x64 heatmaps
    sigma=1.75)  # what the original code's -hmGauss 1 drew

dataset_type = 'FlicDataset'
data_mode = 'topdown'
data_root = 'data/flic/'

# the hourglass FLIC files' centre and scale are the crop itself (no
# MPII-style shift or x1.25)
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

# torso = ||r_shoulder - l_hip||, the hourglass files' normalize;
# torso=('l_shoulder', 'r_hip') for MODEC's original evaluation
val_evaluator = dict(
    type='TorsoPCKMetric', thr=0.2, torso=('r_shoulder', 'l_hip'))
test_evaluator = val_evaluator
