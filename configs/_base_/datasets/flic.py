# FLIC's 11 joints in the order of the stacked hourglass code's annotation
# files (anewell/pose-hg-train, data/flic/annot/*.h5).
dataset_info = dict(
    dataset_name='flic',
    paper_info=dict(
        author='Sapp, Benjamin and Taskar, Ben',
        title='MODEC: Multimodal Decomposable Models for Human Pose '
        'Estimation',
        container='CVPR',
        year='2013',
        homepage='https://bensapp.github.io/flic-dataset.html',
    ),
    keypoint_info={
        0: dict(name='l_shoulder', id=0, color=[0, 255, 0], type='upper',
                swap='r_shoulder'),
        1: dict(name='l_elbow', id=1, color=[0, 255, 0], type='upper',
                swap='r_elbow'),
        2: dict(name='l_wrist', id=2, color=[0, 255, 0], type='upper',
                swap='r_wrist'),
        3: dict(name='r_shoulder', id=3, color=[255, 128, 0], type='upper',
                swap='l_shoulder'),
        4: dict(name='r_elbow', id=4, color=[255, 128, 0], type='upper',
                swap='l_elbow'),
        5: dict(name='r_wrist', id=5, color=[255, 128, 0], type='upper',
                swap='l_wrist'),
        6: dict(name='l_hip', id=6, color=[0, 255, 0], type='lower',
                swap='r_hip'),
        7: dict(name='r_hip', id=7, color=[255, 128, 0], type='lower',
                swap='l_hip'),
        8: dict(name='l_eye', id=8, color=[51, 153, 255], type='upper',
                swap='r_eye'),
        9: dict(name='r_eye', id=9, color=[51, 153, 255], type='upper',
                swap='l_eye'),
        10: dict(name='nose', id=10, color=[51, 153, 255], type='upper',
                 swap=''),
    },
    skeleton_info={
        0: dict(link=('l_shoulder', 'l_elbow'), id=0, color=[0, 255, 0]),
        1: dict(link=('l_elbow', 'l_wrist'), id=1, color=[0, 255, 0]),
        2: dict(link=('r_shoulder', 'r_elbow'), id=2, color=[255, 128, 0]),
        3: dict(link=('r_elbow', 'r_wrist'), id=3, color=[255, 128, 0]),
        4: dict(link=('l_shoulder', 'r_shoulder'), id=4,
                color=[51, 153, 255]),
        5: dict(link=('l_shoulder', 'l_hip'), id=5, color=[0, 255, 0]),
        6: dict(link=('r_shoulder', 'r_hip'), id=6, color=[255, 128, 0]),
        7: dict(link=('l_hip', 'r_hip'), id=7, color=[51, 153, 255]),
        8: dict(link=('l_eye', 'nose'), id=8, color=[51, 153, 255]),
        9: dict(link=('r_eye', 'nose'), id=9, color=[51, 153, 255]),
    },
    # as mmpose's MPII weights: 1.2 on elbows, 1.5 on wrists (used by
    # GenerateTarget(use_dataset_keypoint_weights=True) only)
    joint_weights=[1., 1.2, 1.5, 1., 1.2, 1.5, 1., 1., 1., 1., 1.],
    # No OKS sigmas are published for FLIC; these are COCO's for the same
    # body parts (shoulder .079, elbow .072, wrist .062, hip .107, eye .025,
    # nose .026), so an OKS-based tool does not fail on this dataset.
    sigmas=[
        0.079, 0.072, 0.062, 0.079, 0.072, 0.062, 0.107, 0.107, 0.025, 0.025,
        0.026
    ],
    # the joint groups of FLIC's PCK table; the Mean is over every joint
    pck_groups=dict(
        Shoulder=['l_shoulder', 'r_shoulder'],
        Elbow=['l_elbow', 'r_elbow'],
        Wrist=['l_wrist', 'r_wrist'],
        Hip=['l_hip', 'r_hip'],
        Eye=['l_eye', 'r_eye'],
        Nose=['nose']),
    pck_mean_excludes=[])
