"""Each input check behind the tools (tools/infer.py's inputs and boxes,
tools/eval_predictions.py's --torso, --auto-scale-lr, --show-dir, the
checkpoint converter's --dataset), reached without a trained model."""
import argparse
import json
import os.path as osp

import h5py
import numpy as np
import pytest
from mmengine.config import Config

from hg_plugin.apis import boxes as box_files
from hg_plugin.apis.boxes import InputError
from hg_plugin.apis.inputs import list_inputs
from hg_plugin.apis.runner import merge_test_args, merge_train_args
from hg_plugin.evaluation.offline import evaluate
from hg_plugin.evaluation.prediction_files import PredictionFileError
from tests.conftest import ROOT


def test_inputs_are_named(tmp_path):
    with pytest.raises(InputError, match=r'nope\.jpg does not exist'):
        list_inputs(str(tmp_path / 'nope.jpg'))
    (tmp_path / 'notes.txt').write_text('x')
    with pytest.raises(InputError, match=r'notes\.txt: not an image '
                       r'\(\.jpg.*or a video \(\.mp4'):
        list_inputs(str(tmp_path / 'notes.txt'))
    (tmp_path / 'clip.mp4').write_bytes(b'')
    assert list_inputs(str(tmp_path / 'clip.mp4')) == (
        'video', [str(tmp_path / 'clip.mp4')])


@pytest.mark.parametrize('content,message', [
    (None, r'--bboxes .*nope\.json does not exist'),
    ('[[1, 2', r'b\.json: not a readable json file'),
    ('"a box"', r'--bboxes .*b\.json: expected a list of boxes or an object'),
])
def test_box_files(tmp_path, content, message):
    path = tmp_path / ('nope.json' if content is None else 'b.json')
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message):
        box_files.load_bboxes(str(path))


@pytest.mark.parametrize('boxes,message', [
    ([[1, 2, 3]], r'img\.jpg: boxes must be \[x1, y1, x2, y2\] or'),
    ([[10, 10, 5, 20]], r'img\.jpg: box 0 .* is not a box'),
    ([[10, 10, 20, 20], [1, 1, float('nan'), 5]],
     r'img\.jpg: box 1 .* is not a box'),
])
def test_boxes_are_checked_against_the_image(boxes, message):
    ok = box_files.boxes_for({'img.jpg': [[10, 10, 20, 20]]}, 'img.jpg',
                             (100, 100), 'img.jpg')
    np.testing.assert_array_equal(ok, [[10, 10, 20, 20]])
    with pytest.raises(InputError, match=message):
        box_files.boxes_for(boxes, 'img.jpg', (100, 100), 'img.jpg')


def test_onnx_model_is_named(tmp_path):
    from hg_plugin.apis import TopdownInferencer
    with pytest.raises(InputError, match=r'--onnx .*nope\.onnx does '
                       'not exist'):
        TopdownInferencer(onnx=str(tmp_path / 'nope.onnx'))
    (tmp_path / 'bad.onnx').write_bytes(b'not onnx')
    with pytest.raises(InputError, match=r'bad\.onnx: not a loadable'):
        TopdownInferencer(onnx=str(tmp_path / 'bad.onnx'))


def flic_gt(tmp_path, normalize: bool) -> str:
    path = str(tmp_path / 'valid.h5')
    with h5py.File(path, 'w') as f:
        f['part'] = np.random.default_rng(0).uniform(10, 90, (3, 11, 2))
        if normalize:
            f['normalize'] = np.full(3, 40.)
    return path


def test_eval_predictions_torso_option(tmp_path):
    preds = tmp_path / 'preds.json'
    preds.write_text(json.dumps(dict(
        preds=np.full((3, 11, 2), 50.).tolist(), dataset='flic')))
    gt = flic_gt(tmp_path, normalize=False)
    assert evaluate(gt, [str(preds)], dataset='flic')
    with pytest.raises(PredictionFileError, match=r"valid\.h5: no field "
                       r"'normalize' for --torso normalize"):
        evaluate(gt, [str(preds)], torso='normalize', dataset='flic')
    with pytest.raises(PredictionFileError, match=r"--torso 'r_shoulder,"
                       r"knee': expected two of"):
        evaluate(gt, [str(preds)], torso='r_shoulder,knee', dataset='flic')


def test_train_and_test_options_the_config_lacks():
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'hg2_synthetic.py'))
    cfg.pop('auto_scale_lr', None)
    args = argparse.Namespace(
        work_dir=None, amp=False, resume=None, auto_scale_lr=True,
        cfg_options=None, launcher='none', no_validate=False,
        config='x.py')
    with pytest.raises(ValueError, match='--auto-scale-lr: the config has '
                       'no auto_scale_lr'):
        merge_train_args(cfg, args)
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'hg2_synthetic.py'))
    cfg.default_hooks.pop('visualization')
    args = argparse.Namespace(
        launcher='none', checkpoint='c.pth', work_dir='w', config='x.py',
        show_dir='vis', interval=1, dump=None, cfg_options=None)
    with pytest.raises(ValueError, match='--show-dir: the config has no '
                       'default_hooks.visualization'):
        merge_test_args(cfg, args)


def test_checkpoint_converter_dataset_must_fit(tmp_path):
    import subprocess
    import sys

    import torch

    from tests.test_converters.test_checkpoints import (bearpaw_shapes,
                                                        random_state)
    src = str(tmp_path / 'plain.pth')
    torch.save(random_state(bearpaw_shapes(1, 1, 11)), src)
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'model_converters',
                                  'hourglass_to_mmpose.py'), src,
         str(tmp_path / 'out.pth'), '--dataset', 'mpii'],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    assert 'plain.pth: 11 heatmaps, but mpii has 16 joints' in proc.stderr
    assert not osp.exists(tmp_path / 'out.pth')


def test_infer_names_a_missing_config(tmp_path):
    from hg_plugin.apis.model import load_pose_model
    with pytest.raises(InputError, match=r'config .*nope\.py does not '
                       'exist'):
        load_pose_model(str(tmp_path / 'nope.py'), None)


def test_infer_says_which_picture_it_could_not_write(tmp_path, monkeypatch):
    import cv2

    from hg_plugin.apis.run import run
    from tests.helpers.models import random_checkpoint, small_config
    cfg = small_config(str(tmp_path / 'cfg.py'), stacks=1)
    ckpt = random_checkpoint(cfg, str(tmp_path / 'ckpt.pth'))
    img = tmp_path / 'in.png'
    cv2.imwrite(str(img), np.zeros((64, 64, 3), np.uint8))
    monkeypatch.setattr(cv2, 'imwrite', lambda *a: False)
    args = argparse.Namespace(
        input=str(img), config=cfg, checkpoint=ckpt, onnx=None,
        bboxes=None, out_dir=str(tmp_path / 'out'), device='cpu',
        backend='pytorch', precision='fp32', threads=None, det_config=None,
        det_checkpoint=None, det_cat_id=0, bbox_thr=0.3, kpt_thr=0.)
    with pytest.raises(OSError, match=r'could not write .*out/in\.png'):
        run(args)
    # the results file is complete json, and says why it ended early
    import json
    report = json.loads((tmp_path / 'out' / 'predictions.json').read_text())
    assert report['results'] == [] and report['interrupted']
    assert 'could not write' in report['error']


def test_boxes_with_scores_and_wrong_shapes():
    shape = (100, 100)
    got = box_files.boxes_for([[10, 10, 20, 20, 0.9], [30, 30, 40, 50, 1.]],
                              'a.jpg', shape, 'a.jpg')
    np.testing.assert_array_equal(got, [[10, 10, 20, 20], [30, 30, 40, 50]])
    np.testing.assert_array_equal(box_files.boxes_for(
        [10, 10, 20, 20], 'a.jpg', shape, 'a.jpg'), [[10, 10, 20, 20]])
    for bad in ([[1, 2, 3, 4, 5, 6]], [[[10, 10, 20, 20]]] * 2, [],
                [[10, 10, 20]]):
        with pytest.raises(InputError, match=r'a\.jpg: boxes must be '
                           r'\[x1, y1, x2, y2\] or \[x1, y1, x2, y2, '
                           r'score\] lists'):
            box_files.boxes_for(bad, 'a.jpg', shape, 'a.jpg')


def test_a_box_file_that_names_no_picture():
    from hg_plugin.apis.boxes import check_box_keys
    check_box_keys({'a.jpg': [], 'x.jpg': []}, ['a.jpg', 'b.jpg'], 'imgs')
    check_box_keys({'0': [], '7': []}, None, 'v.mp4')
    with pytest.raises(InputError, match=r"none of its keys \(/data/a\.jpg"
                       r", \.\.\.\) names a picture of imgs; expected image "
                       r'file names \(e\.g\. a\.jpg, b\.jpg\)'):
        check_box_keys({'/data/a.jpg': []}, ['a.jpg', 'b.jpg'], 'imgs')
    with pytest.raises(InputError, match='names a picture of v.mp4; '
                       'expected frame indices'):
        check_box_keys({'frame_0': []}, None, 'v.mp4')


def test_drawings_never_replace_inputs(tmp_path):
    from hg_plugin.apis.run import output_files
    files = [str(tmp_path / n) for n in ('a.jpg', 'a.png', 'b.jpg')]
    out = output_files(files, str(tmp_path / 'out'), '.png')
    assert [osp.basename(v) for v in out.values()] == [
        'a_jpg.png', 'a_png.png', 'b.png']
    # a folder drawn into itself: its PNGs would be drawn over
    with pytest.raises(InputError, match=r'the drawing of .*c\.png would '
                       r'replace the input .*c\.png; choose another folder'):
        output_files([str(tmp_path / 'b.jpg'), str(tmp_path / 'c.png')],
                     str(tmp_path), '.png')
    with pytest.raises(InputError, match=r'v\.mp4 would replace the input'):
        output_files([str(tmp_path / 'v.mp4')], str(tmp_path), '.mp4')
