# princeton-vl/pytorch_stacked_hourglass's 8-stack MPII model (see
# hg2_mpii_princeton.py).
_base_ = ['./hg2_mpii_princeton.py']
model = dict(backbone=dict(num_stacks=8))
