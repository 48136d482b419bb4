# hg2_synthetic.py on the same synthetic people's FLIC annotations: one
# hourglass and FLIC's 11 joints, crops and metric (as hg1_flic.py).
_base_ = ['./hg2_synthetic.py']

model = dict(backbone=dict(num_stacks=1, num_keypoints=11))

# the FLIC records' centre and scale are the crop itself (padding 1.0)
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='TopdownAffine', input_size={{_base_.codec.input_size}}),
    dict(type='RandomChannelScale', scale_range=(0.6, 1.4)),
    dict(
        type='GenerateTarget',
        encoder={{_base_.codec}},
        use_dataset_keypoint_weights=True),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='TopdownAffine', input_size={{_base_.codec.input_size}}),
    dict(type='PackPoseInputs')
]

dataset_type = 'FlicDataset'
metainfo = dict(from_file='{{fileDirname}}/_base_/datasets/flic_synthetic.py')
train_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        ann_file='annotations/flic_train.json',
        metainfo=metainfo,
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root={{_base_.data_root}},
        data_mode='topdown',
        ann_file='annotations/flic_valid.json',
        data_prefix=dict(img='images/'),
        metainfo=metainfo,
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(
    _delete_=True, type='TorsoPCKMetric', thr=0.2,
    torso=('r_shoulder', 'l_hip'))
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='PCK@0.2/Mean'))
