"""ONNX export (tools/deployment/pytorch2onnx.py) and the top-down runtime
that needs only numpy, OpenCV and onnxruntime (hg_deploy)."""
import json
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch

from tests.conftest import ROOT
from tests.helpers.models import random_checkpoint, small_config

EXPORT = osp.join(ROOT, 'tools', 'deployment', 'pytorch2onnx.py')
pytest.importorskip('onnxruntime')


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp('onnx')
    cfg = small_config(str(root / 'cfg.py'))
    ckpt = random_checkpoint(cfg, str(root / 'ckpt.pth'), seed=4)
    onnx_file = str(root / 'hg2.onnx')
    proc = subprocess.run(
        [sys.executable, EXPORT, cfg, ckpt, '--output-file', onnx_file,
         '--dynamic-batch', '--verify'], capture_output=True, text=True,
        cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return cfg, ckpt, onnx_file, proc.stdout


def test_export_matches_pytorch_for_batch_1_and_3(exported):
    import onnxruntime as ort
    from mmpose.apis import init_model
    cfg, ckpt, onnx_file, stdout = exported
    assert 'input (1, 3, 128, 128):' in stdout
    assert 'input (3, 3, 128, 128):' in stdout
    model = init_model(cfg, ckpt, device='cpu')
    session = ort.InferenceSession(onnx_file,
                                   providers=['CPUExecutionProvider'])
    for n in (1, 3):
        x = torch.randn(n, 3, 128, 128, generator=torch.Generator(
        ).manual_seed(n))
        with torch.no_grad():
            ref = model.head.forward(model.backbone(x))[-1].numpy()
        out = session.run(None, {'input': x.numpy()})[0]
        assert out.shape == (n, 16, 32, 32)
        assert np.abs(out - ref).max() <= 1e-4 * np.abs(ref).max()


def export(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, EXPORT, *args],
                          capture_output=True, text=True, cwd=ROOT)


def test_all_stacks_run_in_the_runtime_on_their_last_stack(exported,
                                                           tmp_path):
    import onnxruntime as ort

    from hg_deploy import TopdownOnnxRuntime
    cfg, ckpt, last_file, _ = exported
    out = str(tmp_path / 'all.onnx')
    proc = export(cfg, ckpt, '--output-file', out, '--all-stacks',
                  '--shape', '128', '128', '--batch', '2')
    assert proc.returncode == 0, proc.stderr[-2000:]
    session = ort.InferenceSession(out, providers=['CPUExecutionProvider'])
    assert session.get_inputs()[0].shape == [2, 3, 128, 128]
    x = np.random.default_rng(0).standard_normal((2, 3, 128, 128))
    heatmaps = session.run(None, {'input': x.astype(np.float32)})[0]
    assert heatmaps.shape == (2, 2, 16, 32, 32)
    # the runtime takes the last stack: the same as the last-stack model
    img = np.random.default_rng(1).integers(0, 255, (150, 120, 3), np.uint8)
    boxes = [[10, 10, 100, 140], [0, 30, 60, 90], [40, 0, 119, 70]]
    all_kpts, all_scores = TopdownOnnxRuntime(out)(img, boxes)
    kpts, scores = TopdownOnnxRuntime(last_file)(img, boxes)
    np.testing.assert_allclose(all_kpts, kpts, atol=1e-3)
    np.testing.assert_allclose(all_scores, scores, rtol=1e-4, atol=1e-6)


def with_metadata(path: str, out: str, change) -> str:
    import onnx
    model = onnx.load(path)
    (entry, ) = [p for p in model.metadata_props if p.key == 'hg_plugin']
    meta = json.loads(entry.value)
    change(meta)
    entry.value = json.dumps(meta)
    onnx.save(model, out)
    return out


def test_metadata_versions(exported, tmp_path):
    from hg_deploy import MetadataError, TopdownOnnxRuntime
    _, _, onnx_file, _ = exported
    newer = with_metadata(onnx_file, str(tmp_path / 'newer.onnx'),
                          lambda m: m.update(version=3))
    with pytest.raises(MetadataError, match=r'newer\.onnx: metadata version '
                       r'3 is newer than this hg_deploy reads \(up to 2\)'):
        TopdownOnnxRuntime(newer)

    def first_format(meta):  # the fields a version 1 file had
        for key in ('version', 'output', 'dynamic_shape', 'precision',
                    'calibration'):
            meta.pop(key)

    old = with_metadata(onnx_file, str(tmp_path / 'v1.onnx'), first_format)
    runtime = TopdownOnnxRuntime(old)
    assert runtime.meta['version'] == 1
    assert runtime.meta['output'] == 'last_stack'
    img = np.zeros((64, 64, 3), np.uint8)
    np.testing.assert_array_equal(
        runtime(img, [[0, 0, 64, 64]])[0],
        TopdownOnnxRuntime(onnx_file)(img, [[0, 0, 64, 64]])[0])
    said = with_metadata(onnx_file, str(tmp_path / 'said.onnx'),
                         lambda m: (first_format(m), m.update(version=1)))
    assert TopdownOnnxRuntime(said).meta['precision'] == 'fp32'
    for bad in (0, -2, '2', True):
        path = with_metadata(onnx_file, str(tmp_path / 'bad.onnx'),
                             lambda m: m.update(version=bad))
        with pytest.raises(MetadataError, match=r'bad\.onnx: metadata '
                           r'version .* is not a version'):
            TopdownOnnxRuntime(path)
    broken = with_metadata(onnx_file, str(tmp_path / 'b.onnx'),
                           lambda m: m.pop('flip_indices'))
    with pytest.raises(MetadataError, match=r"b\.onnx: its 'hg_plugin' "
                       r"metadata lacks \['flip_indices'\]"):
        TopdownOnnxRuntime(broken)


@pytest.mark.parametrize('size', [(96, 128), (160, 120)])
def test_a_dynamic_shape_model_runs_at_any_size(exported, tmp_path, size):
    from mmpose.apis import init_model

    from hg_deploy import TopdownOnnxRuntime, TopdownPipeline
    from hg_plugin.apis.networks import TorchNetwork
    from hg_plugin.deployment import HeatmapNetwork
    cfg, ckpt, static_file, _ = exported
    out = str(tmp_path / 'dynamic.onnx')
    proc = export(cfg, ckpt, '--output-file', out, '--dynamic-shape',
                  '--verify')
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'input (1, 3, 160, 112):' in proc.stdout  # a second size
    h, w = size
    runtime = TopdownOnnxRuntime(out, input_size=(w, h))
    net = TorchNetwork(HeatmapNetwork(init_model(cfg, ckpt, device='cpu')))
    pytorch = TopdownPipeline(runtime.meta, net)
    x = np.random.default_rng(2).standard_normal((2, 3, h, w))
    x = x.astype(np.float32)
    a, b = runtime.network(x), pytorch.network(x)
    assert a.shape == (2, 16, h // 4, w // 4)
    assert np.abs(a - b).max() <= 1e-4 * np.abs(b).max()
    img = np.random.default_rng(3).integers(0, 255, (200, 150, 3), np.uint8)
    boxes = [[20, 10, 130, 190], [0, 0, 75, 100]]
    np.testing.assert_allclose(runtime(img, boxes)[0],
                               pytorch(img, boxes)[0], atol=1e-3)
    with pytest.raises(ValueError, match=r'hg2\.onnx: exported for '
                       r'\[128, 128\] crops \(w, h\), not \[120, 160\]'):
        TopdownOnnxRuntime(static_file, input_size=(120, 160))


def test_export_for_another_size(exported, tmp_path):
    import onnxruntime as ort
    cfg, ckpt, _, _ = exported
    out = str(tmp_path / 'wide.onnx')
    proc = export(cfg, ckpt, '--output-file', out, '--shape', '96', '160')
    assert proc.returncode == 0, proc.stderr[-2000:]
    session = ort.InferenceSession(out, providers=['CPUExecutionProvider'])
    assert session.get_inputs()[0].shape == [1, 3, 96, 160]
    meta = json.loads(session.get_modelmeta().custom_metadata_map[
        'hg_plugin'])
    assert meta['input_size'] == [160, 96]
    assert meta['heatmap_size'] == [40, 24]
    proc = export(cfg, ckpt, '--output-file', str(tmp_path / 'odd.onnx'),
                  '--shape', '97', '160')
    assert proc.returncode == 1
    assert 'positive multiples of 4' in proc.stderr
    assert not (tmp_path / 'odd.onnx').exists()


def test_metadata_states_the_test_pipeline(exported):
    import onnx
    meta = json.loads({p.key: p.value for p in onnx.load(
        exported[2]).metadata_props}['hg_plugin'])
    assert meta['input_size'] == [128, 128] and meta['padding'] == 1.25
    assert meta['flip_test'] and meta['shift_heatmap']
    assert meta['mean'] == [123.675, 116.28, 103.53] and meta['bgr_to_rgb']
    assert meta['flip_indices'][:3] == [5, 4, 3]
    assert meta['keypoint_names'][9] == 'head_top'


def test_decode_equals_the_codec():
    from hg_deploy import decode_heatmaps
    from hg_plugin.codecs import GaussianHeatmap
    codec = GaussianHeatmap((128, 96), (32, 24), sigma=2.)
    rng = np.random.default_rng(0)
    hm = rng.random((4, 16, 24, 32)).astype(np.float32)
    hm[0, 0] = 0  # no positive value
    hm[1, :4] = 0
    for k, (y, x) in enumerate([(0, 5), (23, 5), (7, 0), (7, 31)]):
        hm[1, k, y, x] = 2.  # maxima on every border: no shift
    hm[2, 0, 10, 10] = 5.
    hm[2, 0, 10, 11] = hm[2, 0, 11, 10] = 4.  # a quarter right and down
    ours, scores = decode_heatmaps(hm, codec.scale_factor)
    ref, ref_scores = codec.batch_decode(torch.from_numpy(hm))
    np.testing.assert_array_equal(ours, ref[:, 0])
    np.testing.assert_array_equal(scores, ref_scores[:, 0])
    np.testing.assert_array_equal(ours[2, 0], [10.25 * 4, 10.25 * 4])


def test_runtime_equals_the_pytorch_pipeline_on_synthetic_people(
        exported, synthetic_root):
    from mmpose.apis import inference_topdown, init_model

    from hg_deploy import TopdownOnnxRuntime
    from hg_plugin.datasets import CheckedMpiiDataset
    from hg_plugin.evaluation.functional import pckh_table
    cfg, ckpt, onnx_file, _ = exported
    model = init_model(cfg, ckpt, device='cpu')
    runtime = TopdownOnnxRuntime(onnx_file)
    ds = CheckedMpiiDataset(
        data_root=synthetic_root, ann_file='annotations/mpii_val.json',
        headbox_file=osp.join(synthetic_root, 'annotations',
                              'mpii_gt_val.mat'),
        data_prefix=dict(img='images/'), test_mode=True, pipeline=[])
    ours, theirs, gt, mask, head = [], [], [], [], []
    import cv2
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        img = cv2.imread(info['img_path'])
        (r, ) = inference_topdown(model, img, info['bbox'])
        theirs.append(r.pred_instances.keypoints[0])
        ours.append(runtime(img, info['bbox'])[0][0])
        gt.append(info['keypoints'][0])
        mask.append(info['keypoints_visible'][0] > 0.5)
        head.append(info['head_size'].item())
    ours, theirs = np.stack(ours), np.stack(theirs)
    close = np.linalg.norm(ours - theirs, axis=-1) <= 0.5
    assert close.mean() >= 0.99, close.mean()
    a = pckh_table(ours, np.stack(gt), np.stack(mask), np.array(head))
    b = pckh_table(theirs, np.stack(gt), np.stack(mask), np.array(head))
    assert abs(a['PCKh@0.5']['Mean'] - b['PCKh@0.5']['Mean']) <= 0.1


def test_runtime_imports_no_torch_or_openmmlab(exported):
    code = f'''
import sys
import numpy as np
from hg_deploy import TopdownOnnxRuntime
runtime = TopdownOnnxRuntime({exported[2]!r})
kpts, scores = runtime(np.zeros((100, 80, 3), np.uint8), [[5, 5, 70, 90]])
assert kpts.shape == (1, 16, 2), kpts.shape
print('imported:', sorted(m for m in ('torch', 'mmcv', 'mmengine', 'mmpose')
                          if m in sys.modules))
'''
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'imported: []' in proc.stdout


def test_runtime_refuses_a_model_without_metadata(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    from hg_deploy import TopdownOnnxRuntime
    graph = helper.make_graph(
        [helper.make_node('Identity', ['input'], ['heatmaps'])], 'g',
        [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info('heatmaps', TensorProto.FLOAT, [1])])
    path = str(tmp_path / 'plain.onnx')
    onnx.save(helper.make_model(graph), path)
    with pytest.raises(ValueError, match=r"plain\.onnx: no 'hg_plugin' "
                       'metadata'):
        TopdownOnnxRuntime(path)
    (tmp_path / 'junk.onnx').write_bytes(b'junk')
    with pytest.raises(ValueError, match=r'junk\.onnx: not a loadable ONNX'):
        TopdownOnnxRuntime(str(tmp_path / 'junk.onnx'))


def test_openvino_runs_exported_files_of_any_batch(exported, tmp_path):
    pytest.importorskip('openvino')
    from hg_deploy import TopdownOnnxRuntime
    from hg_plugin.apis import TopdownInferencer
    cfg, ckpt, dynamic, _ = exported
    fixed = str(tmp_path / 'fixed.onnx')  # batch 1, all stacks
    proc = export(cfg, ckpt, '--output-file', fixed, '--all-stacks')
    assert proc.returncode == 0, proc.stderr[-2000:]
    img = np.random.default_rng(5).integers(0, 255, (150, 120, 3), np.uint8)
    boxes = [[10, 10, 100, 140], [0, 30, 60, 90], [40, 0, 119, 70]]
    ref, _ = TopdownOnnxRuntime(dynamic)(img, boxes)
    for path in (fixed, dynamic):  # flip test: batches of 6 crops
        inferencer = TopdownInferencer(onnx=path, backend='openvino')
        assert str(inferencer.path) == 'openvino fp32'
        _, kpts, _ = inferencer(img, boxes)
        assert np.abs(kpts - ref).max() <= 0.5, path


def test_openvino_computes_in_the_precision_asked(exported):
    """OpenVINO's own default is bf16 on a CPU with native bf16 (fp32
    elsewhere): its fp32 path must say fp32 to equal onnxruntime there, and
    its bf16 path (offered on such CPUs only) must differ by bf16's
    rounding and no more."""
    pytest.importorskip('openvino')
    import onnxruntime as ort

    from hg_plugin.apis.networks import OpenVinoNetwork
    from hg_plugin.utils.cpu import native_bf16
    _, _, dynamic, _ = exported
    x = np.random.default_rng(2).standard_normal(
        (2, 3, 128, 128)).astype(np.float32)
    ref = ort.InferenceSession(dynamic, providers=[
        'CPUExecutionProvider'
    ]).run(None, {'input': x})[0]
    scale = np.abs(ref).max()
    assert np.abs(OpenVinoNetwork(dynamic)(x) - ref).max() <= 1e-4 * scale
    with pytest.raises(ValueError, match="'fp32' or 'bf16', not 'int8'"):
        OpenVinoNetwork(dynamic, precision='int8')
    if not native_bf16():
        pytest.skip('bf16 runs in OpenVINO where the CPU has native bf16')
    err = np.abs(OpenVinoNetwork(dynamic, precision='bf16')(x) - ref).max()
    # bf16 keeps 8 significant bits: 2**-8 of each value, grown by the
    # network's depth, but not to the values' own size
    assert 1e-4 * scale < err <= 0.05 * scale


RELEASED_OUT_OF_ORDER = """
import faulthandler, gc, signal, subprocess, sys
import numpy as np
faulthandler.enable()  # as pytest does: a signal stack of its own
signal.signal(signal.SIGCHLD, lambda *_: None)  # as DataLoader workers do
from hg_plugin.apis.networks import OpenVinoNetwork
first, second = OpenVinoNetwork(sys.argv[1]), OpenVinoNetwork(sys.argv[1])
for network in (first, second):
    network(np.zeros((1, 3, 128, 128), np.float32))
del first, network
gc.collect()
del second
gc.collect()
subprocess.run(['true'])  # its SIGCHLD is handled on the signal stack
print('alive')
"""


def test_openvino_models_released_in_any_order_keep_the_process_alive(
        exported):
    """OpenVINO leaves a thread a freed signal stack when two models of
    their own Cores are released out of order; the next handled signal then
    crashes."""
    pytest.importorskip('openvino')
    _, _, dynamic, _ = exported
    proc = subprocess.run(
        [sys.executable, '-c', RELEASED_OUT_OF_ORDER, dynamic],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and 'alive' in proc.stdout, (
        proc.returncode, proc.stderr[-2000:])


def test_a_dark_model_is_decoded_by_its_codec(tmp_path):
    import cv2
    from mmpose.apis import inference_topdown, init_model

    from hg_deploy import TopdownOnnxRuntime
    from hg_plugin.apis import TopdownInferencer
    cfg = small_config(str(tmp_path / 'cfg.py'))
    with open(cfg, 'a') as f:
        f.write("codec = dict(type='GaussianHeatmap', input_size=(128, 128),"
                ' heatmap_size=(32, 32), sigma=3.0, unbiased=True)\n'
                'model.update(head=dict(decoder=codec))\n')
    ckpt = random_checkpoint(cfg, str(tmp_path / 'ckpt.pth'), seed=6)
    img = cv2.imread(osp.join(ROOT, 'docs', 'demo_skeletons.png'))[:160,
                                                                   :192]
    box = np.array([[10, 5, 180, 150]], np.float32)
    inferencer = TopdownInferencer(cfg, ckpt, backend='pytorch',
                                   precision='fp32')
    _, ours, _ = inferencer(img, box)
    (theirs, ) = inference_topdown(init_model(cfg, ckpt, device='cpu'), img,
                                   box)
    close = np.linalg.norm(ours - theirs.pred_instances.keypoints,
                           axis=-1) <= 0.5
    assert close.mean() >= 0.9
    out = str(tmp_path / 'dark.onnx')
    assert export(cfg, ckpt, '--output-file', out).returncode == 0
    with pytest.raises(ValueError, match=r"dark\.onnx: refine 'dark' is not "
                       r'supported here'):
        TopdownOnnxRuntime(out)
