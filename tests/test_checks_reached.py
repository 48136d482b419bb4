"""Argument and input checks of the plugin's parts that no other test
reaches, each by a fixture that triggers that check alone."""
import numpy as np
import pytest
import torch
from scipy.io import savemat

from hg_plugin.datasets import AnnotationError, CheckedMpiiDataset


def test_codec_batch_decode_needs_four_dimensions():
    from hg_plugin.codecs import GaussianHeatmap
    codec = GaussianHeatmap(input_size=(32, 32), heatmap_size=(8, 8))
    keypoints = codec.batch_decode(np.zeros((1, 2, 8, 8)))[0]
    assert keypoints.shape == (1, 1, 2, 2)
    with pytest.raises(ValueError, match=r'must be \(B, K, H, W\), got '
                       r'shape \(2, 8, 8\)'):
        codec.batch_decode(np.zeros((2, 8, 8)))


def test_checkpoint_source_and_completeness(tmp_path):
    from hg_plugin.converters.checkpoints import (CheckpointConversionError,
                                                  convert_file)
    from tests.test_converters.test_checkpoints import (princeton_shapes,
                                                        random_state,
                                                        save_princeton)
    path = str(tmp_path / 'checkpoint.pt')
    save_princeton(path, random_state(princeton_shapes(2)))
    assert convert_file(path)[1] == 'princeton-vl'
    with pytest.raises(ValueError, match="source must be one of .*, got "
                       "'caffe'"):
        convert_file(path, 'caffe')
    with pytest.raises(CheckpointConversionError, match=r'checkpoint\.pt: '
                       r"no '.*': not a complete bearpaw network"):
        convert_file(path, 'bearpaw')


def test_head_box_file_missing_or_not_numeric(tmp_path):
    import json
    ann = tmp_path / 'ann.json'
    ann.write_text(json.dumps([dict(
        image='000000001.jpg', center=[50., 50.], scale=0.5,
        joints=[[10., 10.]] * 16, joints_vis=[1] * 16)]))
    kw = dict(ann_file=str(ann), test_mode=True, missing_image='ignore')
    with pytest.raises(FileNotFoundError, match=r'head-box file .*hb\.mat '
                       'does not exist'):
        CheckedMpiiDataset(headbox_file=str(tmp_path / 'hb.mat'), **kw)
    savemat(str(tmp_path / 'hb.mat'), {'headboxes_src': np.array(
        ['ab', 'cd'])})
    with pytest.raises(AnnotationError, match=r"hb\.mat: field "
                       "'headboxes_src' is not numeric"):
        CheckedMpiiDataset(headbox_file=str(tmp_path / 'hb.mat'), **kw)


def test_unknown_dataset_name():
    from hg_plugin.datasets.metainfo import dataset_metainfo
    assert dataset_metainfo('flic')['num_keypoints'] == 11
    with pytest.raises(ValueError, match=r"unknown dataset 'coco'; expected "
                       r"one of \['flic', 'mpii'\]"):
        dataset_metainfo('coco')


def results(k: int, n: int = 2) -> list:
    rng = np.random.default_rng(0)
    return [dict(pred=rng.uniform(0, 50, (1, k, 2)),
                 gt=rng.uniform(0, 50, (1, k, 2)), mask=np.ones((1, k), bool),
                 head_size=np.ones(1) * 10, torso=np.ones(1) * 10)
            for _ in range(n)]


def test_metrics_refuse_predictions_of_another_dataset():
    from hg_plugin.evaluation import PCKhMetric, TorsoPCKMetric
    assert 'PCKh/Mean' in PCKhMetric().compute_metrics(results(16))
    with pytest.raises(ValueError, match='PCKhMetric: predictions have 11 '
                       'joints; MPII has 16'):
        PCKhMetric().compute_metrics(results(11))
    assert TorsoPCKMetric().compute_metrics(results(11))
    with pytest.raises(ValueError, match='TorsoPCKMetric: predictions have '
                       '16 joints'):
        TorsoPCKMetric().compute_metrics(results(16))


def test_torso_from_the_dataset_needs_it_in_the_samples():
    from hg_plugin.evaluation import TorsoPCKMetric
    sample = dict(gt_instances=dict(keypoints=np.zeros((1, 11, 2)),
                                    keypoints_visible=np.ones((1, 11))),
                  pred_instances=dict(keypoints=np.zeros((1, 11, 2))))
    with pytest.raises(KeyError, match="data sample 0 has no torso_size; "
                       "add 'torso_size' to PackPoseInputs' meta_keys"):
        TorsoPCKMetric(torso='dataset').process([], [sample])


def test_prediction_dump_writes_json_only(tmp_path):
    from hg_plugin.evaluation import KeypointPredictionDump
    KeypointPredictionDump(out_file=str(tmp_path / 'p.json'))
    with pytest.raises(ValueError, match=r'out_file must end in \.json, got '
                       r".*p\.pkl'"):
        KeypointPredictionDump(out_file=str(tmp_path / 'p.pkl'))


def test_preprocessor_divisor():
    from mmpose.structures import PoseDataSample

    from hg_plugin.models import ScaledPoseDataPreprocessor
    pre = ScaledPoseDataPreprocessor(divisor=255.)
    out = pre(dict(inputs=[torch.full((3, 2, 2), 255, dtype=torch.uint8)],
                   data_samples=[PoseDataSample()]))
    assert torch.equal(out['inputs'], torch.ones(1, 3, 2, 2))
    with pytest.raises(ValueError, match='divisor must be > 0, got 0'):
        ScaledPoseDataPreprocessor(divisor=0)


def test_codec_encode_shapes():
    from hg_plugin.codecs import GaussianHeatmap
    codec = GaussianHeatmap(input_size=(32, 32), heatmap_size=(8, 8))
    with pytest.raises(ValueError, match=r'keypoints must be \(N, K, 2\), '
                       r'got shape \(3, 2\)'):
        codec.encode(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r'keypoints_visible must be '
                       r'\(1, 3\), got \(3,\)'):
        codec.encode(np.ones((1, 3, 2)), np.ones(3))


def test_backbone_norm_cfg_it_cannot_build():
    from hg_plugin.models import StackedHourglass
    with pytest.raises(ValueError, match="cannot build norm_cfg {'type': "
                       "'NoSuchNorm'}"):
        StackedHourglass(num_stacks=1, feat_channels=8, stem_channels=(4, 8),
                         norm_cfg=dict(type='NoSuchNorm'))


def test_checkpoint_of_a_network_the_backbone_cannot_build(tmp_path):
    from hg_plugin.converters.checkpoints import (CheckpointConversionError,
                                                  convert_file)

    # bearpaw's stem and head, but no hourglass: 0 stacks, order 0
    path = str(tmp_path / 'no_hourglass.pth')
    torch.save({'conv1.weight': torch.zeros(64, 3, 7, 7),
                'layer1.0.conv3.weight': torch.zeros(128, 64, 1, 1),
                'layer2.0.conv3.weight': torch.zeros(256, 128, 1, 1),
                'layer3.0.conv3.weight': torch.zeros(256, 128, 1, 1),
                'score.0.weight': torch.zeros(16, 256, 1, 1)}, path)
    with pytest.raises(CheckpointConversionError,
                       match=r'no_hourglass\.pth: .*num_stacks.* 0'):
        convert_file(path, 'bearpaw')


def test_export_refuses_a_model_without_the_plugin_decoder(tmp_path):
    pytest.importorskip('onnx')
    from hg_plugin.deployment.onnx_export import export
    from tests.helpers.models import small_config
    cfg = small_config(str(tmp_path / 'cfg.py'), stacks=1)
    with open(cfg, 'a') as f:
        f.write('model.update(head=dict(decoder=None))\n')
    with pytest.raises(ValueError, match=r'cfg\.py: not a plugin model'):
        export(cfg, None, str(tmp_path / 'out.onnx'))
    assert sorted(p.name for p in tmp_path.iterdir()) == ['cfg.py']
