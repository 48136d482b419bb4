# The plugin's MPII metainfo (mmpose's) with heavier elbows (2) and wrists
# (3) in the loss (mmpose's: 1.2 and 1.5), for configs/hg2_synthetic.py: in
# a run of minutes the network learns the forearms last
# (docs/demo_tuning.md).
_base_ = ['./mpii.py']
dataset_info = dict(joint_weights=[
    1.5, 1.2, 1., 1., 1.2, 1.5, 1., 1., 1., 1., 3., 2., 1., 1., 2., 3.
])
