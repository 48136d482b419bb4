# One hourglass on FLIC (the paper's FLIC experiment), PCK@0.2 by torso.
# Written for 2 GPUs x 6 images: tools/dist_train.sh configs/hg1_flic.py 2
_base_ = [
    './_base_/schedules/rmsprop_150e.py',
    './_base_/models/stacked_hourglass.py', './_base_/data/flic.py'
]
model = dict(
    backbone=dict(num_stacks=1, num_keypoints=11),  # paper: one hourglass
    head=dict(decoder={{_base_.codec}}))
# the paper's drop of the rate, judged on FLIC's metric
param_scheduler = [
    dict(
        type='ReduceOnPlateauLR',
        monitor='PCK@0.2/Mean',
        rule='greater',
        factor=0.2,
        patience=10,
        min_value=5e-5,
        by_epoch=True)
]
default_hooks = dict(
    checkpoint=dict(
        interval=1, save_best='PCK@0.2/Mean', rule='greater',
        max_keep_ckpts=3))
