import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData, PixelData
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.structures import PoseDataSample

from hg_plugin.models import MultiStageHeatmapHead

K, H, W = 4, 16, 16
CODEC = dict(type='GaussianHeatmap', input_size=(64, 64),
             heatmap_size=(W, H), sigma=1.)


def samples(n: int, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        s = PoseDataSample(metainfo=dict(flip_indices=[1, 0, 3, 2],
                                         input_size=(64, 64)))
        s.gt_fields = PixelData(
            heatmaps=torch.from_numpy(rng.random((K, H, W), np.float32)))
        s.gt_instance_labels = InstanceData(
            keypoint_weights=torch.tensor([[1., 0., 1., 1.]]))
        out.append(s)
    return out


def test_loss_is_the_hand_computed_sum_of_stage_mse():
    head = MultiStageHeatmapHead(K, K, num_stages=3, loss_weights=[1, 2, .5])
    feats = [torch.rand(2, K, H, W) for _ in range(3)]
    data = samples(2)
    loss = head.loss(feats, data)['loss_kpt']
    gt = torch.stack([d.gt_fields.heatmaps for d in data])
    w = torch.tensor([1., 0., 1., 1.]).view(1, K, 1, 1)
    # KeypointMSELoss(use_target_weight=True): mean of (w * (p - g))^2
    expected = sum(c * ((w * (f - gt))**2).mean()
                   for c, f in zip([1, 2, .5], feats))
    torch.testing.assert_close(loss, expected)


def test_one_loss_per_stage_and_accuracy_from_last_stage():
    head = MultiStageHeatmapHead(
        K, K, num_stages=2,
        loss=[dict(type='KeypointMSELoss', use_target_weight=True),
              dict(type='KeypointMSELoss', use_target_weight=True,
                   loss_weight=0.)])
    data = samples(2)
    gt = torch.stack([d.gt_fields.heatmaps for d in data])
    losses = head.loss([torch.zeros(2, K, H, W), gt.clone()], data)
    w = torch.tensor([1., 0., 1., 1.]).view(1, K, 1, 1)
    torch.testing.assert_close(losses['loss_kpt'], ((w * gt)**2).mean())
    assert losses['acc_pose'] == pytest.approx(1.0)  # last stage == target


def test_features_get_a_1x1_conv_per_stage():
    head = MultiStageHeatmapHead(32, K, num_stages=2)
    outs = head([torch.rand(1, 32, H, W), torch.rand(1, 32, H, W)])
    assert [tuple(o.shape) for o in outs] == [(1, K, H, W)] * 2
    assert len(list(head.parameters())) == 4
    assert not list(MultiStageHeatmapHead(K, K, 2).parameters())


def test_predict_decodes_last_stage_and_outputs_heatmaps():
    head = MultiStageHeatmapHead(K, K, num_stages=2, decoder=CODEC)
    last = torch.zeros(1, K, H, W)
    last[0, :, 5, 9] = 1.
    preds, fields = head.predict([torch.rand(1, K, H, W), last], samples(1),
                                 test_cfg=dict(output_heatmaps=True))
    np.testing.assert_allclose(preds[0].keypoints, [[[36., 20.]] * K])
    torch.testing.assert_close(fields[0].heatmaps, last[0])


@pytest.mark.parametrize('shift', [False, True])
def test_flip_test_averages_plain_and_flipped_back(shift):
    head = MultiStageHeatmapHead(K, K, num_stages=2, decoder=CODEC)
    plain = [torch.rand(1, K, H, W) for _ in range(2)]
    flipped = [torch.rand(1, K, H, W) for _ in range(2)]
    preds, fields = head.predict(
        [plain, flipped], samples(1),
        test_cfg=dict(flip_test=True, shift_heatmap=shift,
                      output_heatmaps=True))
    back = flipped[1].flip(-1)[:, [1, 0, 3, 2]]
    if shift:
        back[..., 1:] = back[..., :-1].clone()
    expected = (plain[1] + back) / 2
    torch.testing.assert_close(fields[0].heatmaps, expected[0])
    torch.testing.assert_close(
        expected,
        (plain[1] + flip_heatmaps(flipped[1], flip_indices=[1, 0, 3, 2],
                                  shift_heatmap=shift)) / 2)


def test_wrong_stage_count_is_an_error():
    head = MultiStageHeatmapHead(K, K, num_stages=2)
    with pytest.raises(ValueError, match='expected 2 stage outputs from '
                       'the backbone, got 3'):
        head([torch.rand(1, K, H, W)] * 3)


@pytest.mark.parametrize('kwargs,message', [
    (dict(num_stages=0), 'num_stages must be an int >= 1'),
    (dict(num_stages=2, in_channels=[4, 4, 4]), '3 in_channels for 2'),
    (dict(num_stages=2, loss=[dict(type='KeypointMSELoss')] * 3),
     '3 loss configs for 2 stages'),
    (dict(num_stages=2, loss_weights=[1.]), '1 loss_weights for 2'),
])
def test_invalid_arguments(kwargs, message):
    kwargs.setdefault('in_channels', K)
    with pytest.raises(ValueError, match=message):
        MultiStageHeatmapHead(out_channels=K, **kwargs)
