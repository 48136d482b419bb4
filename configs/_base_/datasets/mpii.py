# mmpose's MPII metainfo (joint names and order, flip pairs, skeleton), and
# the joint groups of the PCKh table as the published tables report them
# (Tompson et al.'s evaluation): Head is the head top; the Mean is over the
# 14 joints other than pelvis and thorax.
_base_ = ['mmpose::_base_/datasets/mpii.py']
dataset_info = dict(
    pck_groups=dict(
        Head=['head_top'],
        Shoulder=['right_shoulder', 'left_shoulder'],
        Elbow=['right_elbow', 'left_elbow'],
        Wrist=['right_wrist', 'left_wrist'],
        Hip=['right_hip', 'left_hip'],
        Knee=['right_knee', 'left_knee'],
        Ankle=['right_ankle', 'left_ankle']),
    pck_mean_excludes=['pelvis', 'thorax'])
