# One hourglass on FLIC (the paper's FLIC experiment), PCK@0.2 by torso.
# Written for 2 GPUs x 6 images: tools/dist_train.sh configs/hg1_flic.py 2
_base_ = [
    './_base_/schedules/rmsprop_150e.py',
    './_base_/models/stacked_hourglass.py', './_base_/data/flic.py'
]
model = dict(
    backbone=dict(num_stacks=1, num_keypoints=11),  # paper: one hourglass
    head=dict(in_channels=11, out_channels=11, decoder={{_base_.codec}}))
default_hooks = dict(
    checkpoint=dict(
        interval=1, save_best='PCK@0.2/Mean', rule='greater',
        max_keep_ckpts=3))
