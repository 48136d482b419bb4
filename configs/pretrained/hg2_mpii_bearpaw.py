# bearpaw/pytorch-pose's hg_s2_b1 MPII model (also anibali/pytorch-stacked-
# hourglass's bearpaw_hg2), converted by
#   python tools/model_converters/hourglass_to_mmpose.py model_best.pth.tar \
#       hg2_bearpaw.pth
# Its stem goes 128 to 256 in the second residual module and 256 to 256 in
# the third (hg.lua: 128 to 128, 128 to 256); it is fed RGB / 255 minus the
# MPII mean (color_normalize subtracts, it does not divide), and its flip
# test averages the flipped-back heatmaps without a shift.
_base_ = ['../hg2_mpii.py']
model = dict(
    data_preprocessor=dict(
        _delete_=True,
        type='ScaledPoseDataPreprocessor',
        divisor=255.,
        mean=[0.4404, 0.4440, 0.4327],  # bearpaw: MPII's mean, RGB
        std=[1., 1., 1.],
        bgr_to_rgb=True),
    backbone=dict(stem_channels=(64, 128, 256)),
    test_cfg=dict(shift_heatmap=False))
