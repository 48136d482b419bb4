# The plugin's FLIC metainfo with the elbow and wrist weights of
# mpii_synthetic.py (2 and 3), for configs/hg1_flic_synthetic.py.
_base_ = ['./flic.py']
dataset_info = dict(
    joint_weights=[1., 2., 3., 1., 2., 3., 1., 1., 1., 1., 1.])
