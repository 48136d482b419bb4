# Eight stacked hourglasses on MPII, the paper's headline model.
_base_ = ['./_base_/hourglass_mpii.py']

num_stacks = 8
model = dict(
    backbone=dict(num_stacks=num_stacks), head=dict(num_stages=num_stacks))
