"""int8 export (tools/deployment/pytorch2onnx.py --quantize int8): a
trained model's int8 ONNX keeps its Mean PCKh@0.5 within half a point of
the fp32 model's, records its calibration, and runs unchanged in
hg_deploy and tools/infer.py."""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest

from tests.conftest import ROOT

pytest.importorskip('onnxruntime')
pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def int8_model(trained_demo, tmp_path_factory):
    root = tmp_path_factory.mktemp('int8')
    # calibration: 64 training pictures (none of the validation people)
    calib = root / 'calib'
    calib.mkdir()
    images = osp.join(trained_demo['data'], 'images')
    for i in range(0, 640, 10):
        name = f'{i + 1:09d}.jpg'
        shutil.copy(osp.join(images, name), calib / name)
    out = str(root / 'demo.onnx')
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'deployment',
                                  'pytorch2onnx.py'),
         trained_demo['config'], trained_demo['checkpoint'],
         '--output-file', out, '--quantize', 'int8', '--calib-images',
         str(calib), '--calib-count', '64'],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'int8, calibrated on 64 crops of calib' in proc.stdout
    return out, str(root / 'demo.fp32.onnx')


def validation_pckh(model_file: str, data_root: str) -> tuple:
    from hg_deploy import TopdownOnnxRuntime
    from hg_plugin.datasets import CheckedMpiiDataset
    from hg_plugin.evaluation.functional import pckh_table
    runtime = TopdownOnnxRuntime(model_file)
    ds = CheckedMpiiDataset(
        data_root=data_root, ann_file='annotations/mpii_val.json',
        headbox_file=osp.join(data_root, 'annotations', 'mpii_gt_val.mat'),
        data_prefix=dict(img='images/'), test_mode=True, pipeline=[])
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    preds = np.stack([runtime(cv2.imread(i['img_path']), i['bbox'])[0][0]
                      for i in infos])
    table = pckh_table(
        preds, np.stack([i['keypoints'][0] for i in infos]),
        np.stack([i['keypoints_visible'][0] > 0.5 for i in infos]),
        np.array([i['head_size'].item() for i in infos]))
    return table['PCKh@0.5']['Mean'], preds


def test_int8_keeps_the_accuracy(int8_model, trained_demo):
    int8, fp32 = int8_model
    a, preds32 = validation_pckh(fp32, trained_demo['data'])
    b, preds8 = validation_pckh(int8, trained_demo['data'])
    assert a > 40  # a model that has learnt something
    assert abs(a - b) <= 0.5, (a, b)
    moved = np.linalg.norm(preds8 - preds32, axis=-1)
    assert np.median(moved) <= 2  # input pixels of a 128x128 crop


def test_int8_metadata_and_graph(int8_model):
    import onnx
    int8, _ = int8_model
    model = onnx.load(int8)
    meta = json.loads({p.key: p.value for p in model.metadata_props}[
        'hg_plugin'])
    assert meta['precision'] == 'int8' and meta['version'] == 2
    assert meta['calibration'] == dict(source='calib', images=64,
                                       method='minmax')
    ops = {n.op_type for n in model.graph.node}
    assert {'QuantizeLinear', 'DequantizeLinear'} <= ops
    # per-channel weights: each convolution's weight scales are a vector
    # with one scale per output channel (batch norm's 1-D weights have no
    # channel axis to split and stay per-tensor)
    inits = {i.name: i for i in model.graph.initializer}
    dequantized = {n.output[0]: n for n in model.graph.node
                   if n.op_type == 'DequantizeLinear'}
    convs = [n for n in model.graph.node if n.op_type == 'Conv']
    assert convs
    for conv in convs:
        node = dequantized.get(conv.input[1])
        assert node is not None, f'{conv.name}: weight not dequantized'
        scale, quantized = inits[node.input[1]], inits[node.input[0]]
        axis = {a.name: a.i for a in node.attribute}.get('axis', 1)
        # one scale per output channel, along the output channels' axis
        assert axis == 0 and list(scale.dims) == [quantized.dims[0]], \
            conv.name


def test_int8_runs_in_the_inference_tool(int8_model, trained_demo,
                                         tmp_path):
    int8, _ = int8_model
    folder = tmp_path / 'pictures'
    folder.mkdir()
    images = osp.join(trained_demo['data'], 'images')
    for name in sorted(os.listdir(images))[-3:]:
        shutil.copy(osp.join(images, name), folder / name)
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'infer.py'), str(folder),
         '--onnx', int8, '--out-dir', str(tmp_path / 'out')],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'inference path: onnxruntime int8' in proc.stderr
    report = json.loads((tmp_path / 'out' / 'predictions.json').read_text())
    assert report['path'] == 'onnxruntime int8'
    assert len(report['results']) == 3
