# princeton-vl/pytorch_stacked_hourglass's 2-stack MPII model, converted by
#   python tools/model_converters/hourglass_to_mmpose.py checkpoint.pt \
#       hg2_princeton.pth
# Its network is hg.lua's (the plugin's defaults); it is fed RGB / 255, and
# its flip test averages the flipped-back heatmaps without a shift.
_base_ = ['../hg2_mpii.py']
model = dict(
    data_preprocessor=dict(
        _delete_=True,
        type='ScaledPoseDataPreprocessor',
        divisor=255.,
        mean=[0., 0., 0.],
        std=[1., 1., 1.],
        bgr_to_rgb=True),
    test_cfg=dict(shift_heatmap=False))
