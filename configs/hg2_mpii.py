# Two stacked hourglasses on MPII (the paper's two-stack experiments).
# Written for 4 GPUs x 6 images: tools/dist_train.sh configs/hg2_mpii.py 4
_base_ = [
    './_base_/schedules/rmsprop_150e.py',
    './_base_/models/stacked_hourglass.py', './_base_/data/mpii.py'
]
model = dict(
    backbone=dict(num_stacks=2), head=dict(decoder={{_base_.codec}}))
default_hooks = dict(
    checkpoint=dict(
        interval=1, save_best='PCKh/Mean', rule='greater', max_keep_ckpts=3))
