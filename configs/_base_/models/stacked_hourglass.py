# The network of the paper as hg.lua builds it: 256 features, residual
# modules with identity skips, predictions fed back between stacks, the MSE
# of every stack's heatmaps summed (intermediate supervision). A config
# sets the number of stacks and of keypoints once, in the backbone; the
# head follows it.
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='StackedHourglass',
        num_stacks=2,
        num_keypoints=16,
        feat_channels=256,  # paper: 256 features
        # SyncBN across GPUs: norm_cfg=dict(type='SyncBN')
        norm_cfg=dict(type='BN'),
        with_cp=False),  # True: recompute each stack, less memory
    head=dict(
        type='MultiStageHeatmapHead',
        # paper: MSE on every stack's heatmaps (intermediate supervision)
        loss=dict(type='KeypointMSELoss', use_target_weight=True)),
    test_cfg=dict(
        flip_test=True,  # paper: average with the flipped image's heatmaps
        flip_mode='heatmap',
        shift_heatmap=True))
