# Two stacked hourglasses on MPII (the paper's two-stack experiments).
_base_ = ['./_base_/hourglass_mpii.py']

num_stacks = 2
model = dict(
    backbone=dict(num_stacks=num_stacks), head=dict(num_stages=num_stacks))
