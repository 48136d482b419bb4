# The plugin's FLIC metainfo with the elbow and wrist weights of
# mpii_synthetic.py (1.5 and 2.0), for configs/hg1_flic_synthetic.py.
_base_ = ['../../../hg_plugin/datasets/metainfo/flic.py']
dataset_info = dict(
    joint_weights=[1., 1.5, 2., 1., 1.5, 2., 1., 1., 1., 1., 1.])
