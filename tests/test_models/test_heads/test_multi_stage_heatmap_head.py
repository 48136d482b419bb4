import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData, PixelData
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import KEYPOINT_CODECS
from mmpose.structures import PoseDataSample

from hg_plugin.models import MultiStageHeatmapHead

K, H, W = 4, 16, 16
CODEC = dict(type='GaussianHeatmap', input_size=(64, 64),
             heatmap_size=(W, H), sigma=1.)
# keypoint weights other than 0 and 1: w (p - g)^2 and (w (p - g))^2 differ
WEIGHTS = [1.5, 0., 0.5, 2.]


def samples(n: int, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        s = PoseDataSample(metainfo=dict(flip_indices=[1, 0, 3, 2],
                                         input_size=(64, 64)))
        s.gt_fields = PixelData(
            heatmaps=torch.from_numpy(rng.random((K, H, W), np.float32)))
        s.gt_instance_labels = InstanceData(
            keypoint_weights=torch.tensor([WEIGHTS]))
        out.append(s)
    return out


def test_loss_is_the_hand_computed_sum_of_stage_mse():
    # one loss config per stage, each with its loss_weight (CPMHead's way)
    head = MultiStageHeatmapHead(
        num_stages=3, loss=[dict(type='KeypointMSELoss',
                                 use_target_weight=True, loss_weight=c)
                            for c in (1., 2., .5)])
    feats = [torch.rand(2, K, H, W) for _ in range(3)]
    data = samples(2)
    loss = head.loss(feats, data)['loss_kpt']
    gt = torch.stack([d.gt_fields.heatmaps for d in data])
    w = torch.tensor(WEIGHTS).view(1, K, 1, 1)
    # KeypointMSELoss(use_target_weight=True): mean of w * (p - g)^2
    expected = sum(c * (w * (f - gt)**2).mean()
                   for c, f in zip([1, 2, .5], feats))
    torch.testing.assert_close(loss, expected)


def test_accuracy_is_the_last_stages():
    head = MultiStageHeatmapHead()
    data = samples(2)
    gt = torch.stack([d.gt_fields.heatmaps for d in data])
    # the first stage all wrong, the last the target itself
    losses = head.loss([torch.zeros(2, K, H, W), gt.clone()], data)
    assert losses['acc_pose'] == pytest.approx(1.0)
    losses = head.loss([gt.clone(), torch.zeros(2, K, H, W)], data)
    assert losses['acc_pose'] == pytest.approx(0.0)


def test_stages_and_keypoints_follow_the_backbone():
    head = MultiStageHeatmapHead()
    assert not list(head.parameters())
    for stages in (1, 3, 8):
        feats = [torch.rand(1, K, H, W) for _ in range(stages)]
        outs = head(feats)
        assert len(outs) == stages
        for a, b in zip(outs, feats):
            assert torch.equal(a, b)


def test_features_get_a_1x1_conv_per_stage():
    head = MultiStageHeatmapHead(32, K, num_stages=2)
    outs = head([torch.rand(1, 32, H, W), torch.rand(1, 32, H, W)])
    assert [tuple(o.shape) for o in outs] == [(1, K, H, W)] * 2
    assert len(list(head.parameters())) == 4


def test_bf16_heatmaps_come_out_float32():
    head = MultiStageHeatmapHead()
    feats = [torch.rand(1, K, H, W).bfloat16() for _ in range(2)]
    outs = head(feats)
    assert all(o.dtype == torch.float32 for o in outs)
    torch.testing.assert_close(outs[1], feats[1].float())
    head.loss(feats, samples(1))  # numpy has no bf16: the accuracy


def test_predict_decodes_last_stage_and_outputs_heatmaps():
    head = MultiStageHeatmapHead(decoder=CODEC)
    last = torch.zeros(1, K, H, W)
    last[0, :, 5, 9] = 1.
    preds, fields = head.predict([torch.rand(1, K, H, W), last], samples(1),
                                 test_cfg=dict(output_heatmaps=True))
    # (9, 5) on a 16x16 heatmap of a 64x64 input: (36, 20)
    np.testing.assert_allclose(preds[0].keypoints, [[[36., 20.]] * K])
    torch.testing.assert_close(fields[0].heatmaps, last[0])


@pytest.mark.parametrize('shift', [False, True])
def test_flip_test_averages_plain_and_flipped_back(shift):
    head = MultiStageHeatmapHead(decoder=CODEC)
    g = torch.Generator().manual_seed(int(shift))
    plain = [torch.rand(2, K, H, W, generator=g) for _ in range(2)]
    flipped = [torch.rand(2, K, H, W, generator=g) for _ in range(2)]
    preds, fields = head.predict(
        [plain, flipped], samples(2),
        test_cfg=dict(flip_test=True, shift_heatmap=shift,
                      output_heatmaps=True))
    # by hand: mirror x, swap the pairs (1, 0, 3, 2), shift one pixel right
    back = flipped[1].flip(-1)[:, [1, 0, 3, 2]]
    if shift:
        back[..., 1:] = back[..., :-1].clone()
    expected = (plain[1] + back) / 2
    for i in range(2):
        torch.testing.assert_close(fields[i].heatmaps, expected[i])
    # the head's predictions are bit for bit the head of the previous
    # release: the last stage, mmpose's flip_heatmaps, the codec's decode
    reference = (plain[1] + flip_heatmaps(
        flipped[1], flip_indices=[1, 0, 3, 2], shift_heatmap=shift)) * 0.5
    kpts, scores = KEYPOINT_CODECS.build(CODEC).batch_decode(reference)
    for i in range(2):
        np.testing.assert_array_equal(preds[i].keypoints, kpts[i])
        np.testing.assert_array_equal(preds[i].keypoint_scores, scores[i])


def test_checkpoints_of_the_previous_head_load():
    # the previous release named the 1x1 convolutions final_layers.<i>
    head = MultiStageHeatmapHead(32, K, num_stages=2)
    old = {k.replace('multi_final_layers', 'final_layers'): torch.rand_like(v)
           for k, v in head.state_dict().items()}
    head.load_state_dict(old)
    torch.testing.assert_close(head.multi_final_layers[1].weight,
                               old['final_layers.1.weight'])


def test_wrong_stage_count_is_an_error():
    head = MultiStageHeatmapHead(K, K, num_stages=2)
    with pytest.raises(ValueError, match='expected 2 stage outputs from '
                       'the backbone, got 3'):
        head([torch.rand(1, K, H, W)] * 3)


@pytest.mark.parametrize('kwargs,message', [
    (dict(num_stages=0), 'num_stages must be an int >= 1, got 0'),
    (dict(out_channels=True), 'out_channels must be an int >= 1, got True'),
    (dict(in_channels=8), 'out_channels must be given with in_channels'),
    (dict(loss=[dict(type='KeypointMSELoss')] * 2),
     'loss must be one config without num_stages'),
    (dict(num_stages=2, loss=[dict(type='KeypointMSELoss')] * 3),
     r'The length of loss_module\(3\) did not match `num_stages`\(2\)'),
])
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MultiStageHeatmapHead(**kwargs)
