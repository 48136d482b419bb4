# bearpaw/pytorch-pose's hg_s8_b1 MPII model (see hg2_mpii_bearpaw.py).
_base_ = ['./hg2_mpii_bearpaw.py']
model = dict(backbone=dict(num_stacks=8))
