# Eight stacked hourglasses on MPII, the paper's headline model.
_base_ = ['./hg2_mpii.py']
model = dict(backbone=dict(num_stacks=8))
