# Two stacked hourglasses (the paper's network) on COCO keypoints, tested
# as mmpose's COCO configs: val2017 with person detections, flip test,
# OKS AP. Schedule: mmpose's COCO schedule (Adam 5e-4, 210 epochs,
# _base_/schedules/adam_210e.py). Input 256x192 (h x w), as mmpose's COCO
# configs; why it suits an order-4 hourglass: README, "Train and test".
# Written for 8 GPUs x 32 images: tools/dist_train.sh configs/hg2_coco.py 8
_base_ = [
    './_base_/schedules/adam_210e.py',
    './_base_/models/stacked_hourglass.py', './_base_/data/coco.py'
]
model = dict(
    backbone=dict(num_stacks=2, num_keypoints=17),  # COCO's 17 keypoints
    head=dict(decoder={{_base_.codec}}))
default_hooks = dict(
    checkpoint=dict(
        interval=10, save_best='coco/AP', rule='greater', max_keep_ckpts=3))
