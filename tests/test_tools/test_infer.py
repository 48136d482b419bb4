"""From a checkpoint to keypoints on pictures and video: mmpose's
MMPoseInferencer on the plugin's config, and tools/infer.py."""
import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest

from tests.conftest import ROOT
from tests.helpers.models import random_checkpoint, small_config

INFER = osp.join(ROOT, 'tools', 'infer.py')


@pytest.fixture(scope='module')
def model_files(tmp_path_factory):
    root = tmp_path_factory.mktemp('model')
    cfg = small_config(str(root / 'cfg.py'))
    return cfg, random_checkpoint(cfg, str(root / 'ckpt.pth'))


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    from hg_plugin.synthetic.video import moving_person, write_video
    frames, joints = moving_person(num_frames=10, size=(192, 160), seed=3)
    path = str(tmp_path_factory.mktemp('video') / 'person.mp4')
    write_video(path, frames, fps=10)
    return path, joints


def pipeline_prediction(model, img, bboxes):
    """What tools/test.py's path predicts: the config's test pipeline and
    the model's test step, through mmpose's inference_topdown."""
    from mmpose.apis import inference_topdown
    return np.stack([r.pred_instances.keypoints[0]
                     for r in inference_topdown(model, img, bboxes)])


def run(*args):
    return subprocess.run([sys.executable, INFER, *args],
                          capture_output=True, text=True, cwd=ROOT)


def test_mmposeinferencer_on_the_plugin_config(model_files, video,
                                               tmp_path):
    from mmpose.apis import MMPoseInferencer
    cfg, ckpt = model_files
    img = cv2.imread(osp.join(ROOT, 'docs', 'demo_skeletons.png'))[:160,
                                                                   :192]
    inferencer = MMPoseInferencer(pose2d=cfg, pose2d_weights=ckpt,
                                  det_model='whole_image', device='cpu')
    out = next(inferencer(img, return_datasamples=True,
                          vis_out_dir=str(tmp_path / 'vis')))
    (sample, ) = out['predictions']
    got = sample.pred_instances.keypoints
    model = inferencer.inferencer.model
    expected = pipeline_prediction(model, img, np.array([[0, 0, 192, 160]]))
    np.testing.assert_allclose(got, expected, atol=1e-4)
    assert model.dataset_meta['keypoint_id2name'][9] == 'head_top'
    (drawn, ) = os.listdir(tmp_path / 'vis')
    assert cv2.imread(str(tmp_path / 'vis' / drawn)).shape == img.shape


def test_infer_video_whole_image_and_given_boxes(model_files, video,
                                                 tmp_path):
    from mmpose.apis import init_model
    cfg, ckpt = model_files
    path, joints = video
    boxes = {str(i): [[float(j[:, 0].min()) - 10, float(j[:, 1].min()) - 10,
                       float(j[:, 0].max()) + 10, float(j[:, 1].max()) + 10]]
             for i, j in enumerate(joints)}
    box_file = tmp_path / 'boxes.json'
    box_file.write_text(json.dumps(boxes))
    model = init_model(cfg, ckpt, device='cpu')
    cap = cv2.VideoCapture(path)
    frames = [cap.read()[1] for _ in range(10)]
    for name, extra in (('whole', []), ('boxes', ['--bboxes',
                                                  str(box_file)])):
        out = tmp_path / name
        proc = run(path, cfg, ckpt, '--out-dir', str(out), *extra)
        assert proc.returncode == 0, proc.stderr[-2000:]
        report = json.loads((out / 'predictions.json').read_text())
        assert [r['frame'] for r in report['results']] == list(range(10))
        assert report['keypoint_names'][0] == 'right_ankle'
        drawn = cv2.VideoCapture(str(out / 'person.mp4'))
        assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == 10
        for i in (0, 9):
            bbox = np.array(boxes[str(i)]) if name == 'boxes' else \
                np.array([[0, 0, 192, 160]])
            (person, ) = report['results'][i]['people']
            np.testing.assert_allclose(person['bbox'], bbox[0], atol=1e-3)
            np.testing.assert_allclose(
                person['keypoints'],
                pipeline_prediction(model, frames[i], bbox)[0], atol=0.01)


def test_infer_folder_skips_a_bad_file(model_files, tmp_path):
    cfg, ckpt = model_files
    folder = tmp_path / 'imgs'
    folder.mkdir()
    img = cv2.imread(osp.join(ROOT, 'docs', 'demo_skeletons.png'))
    for i in range(3):
        cv2.imwrite(str(folder / f'{i}.jpg'), img[i * 50:i * 50 + 200,
                                                  :256])
    (folder / 'broken.png').write_bytes(b'not a png')
    proc = run(str(folder), cfg, ckpt, '--out-dir', str(tmp_path / 'out'))
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((tmp_path / 'out' / 'predictions.json').read_text())
    assert len(report['results']) == 3
    assert len(report['results'][0]['people'][0]['keypoints']) == 16
    (skipped, ) = report['skipped']
    assert 'broken.png: not a readable image' in skipped['error']
    assert 'broken.png' in proc.stderr
    assert sorted(os.listdir(tmp_path / 'out')) == [
        '0.png', '1.png', '2.png', 'predictions.json']


@pytest.mark.parametrize('case,message', [
    ('unreadable', r'bad\.jpg: not a readable image'),
    ('empty_folder', 'no image files'),
    ('box_outside', r'box 0 .* lies outside the 256x200 image'),
    ('no_plugin', 'does not import the plugin'),
    ('other_model', 'does not fit'),
    ('not_a_video', r'clip\.mp4: not a readable video'),
])
def test_bad_input_is_named(model_files, tmp_path, case, message):
    cfg, ckpt = model_files
    img_path = str(tmp_path / 'ok.jpg')
    cv2.imwrite(img_path, np.full((200, 256, 3), 128, np.uint8))
    args = [img_path, cfg, ckpt]
    if case == 'unreadable':
        (tmp_path / 'bad.jpg').write_bytes(b'\xff\xd8broken')
        args[0] = str(tmp_path / 'bad.jpg')
    elif case == 'empty_folder':
        (tmp_path / 'empty').mkdir()
        args[0] = str(tmp_path / 'empty')
    elif case == 'box_outside':
        (tmp_path / 'b.json').write_text('[[300, 10, 400, 100]]')
        args += ['--bboxes', str(tmp_path / 'b.json')]
    elif case == 'no_plugin':
        (tmp_path / 'plain.py').write_text(
            "_base_ = ['mmpose::body_2d_keypoint/topdown_heatmap/mpii/"
            "td-hm_hourglass52_8xb64-210e_mpii-256x256.py']\n")
        args[1] = str(tmp_path / 'plain.py')
    elif case == 'other_model':
        import torch
        torch.save(dict(state_dict={'fc.weight': torch.zeros(2, 2)}),
                   str(tmp_path / 'other.pth'))
        args[2] = str(tmp_path / 'other.pth')
    elif case == 'not_a_video':
        (tmp_path / 'clip.mp4').write_bytes(b'\x00' * 100)
        args[0] = str(tmp_path / 'clip.mp4')
    proc = run(*args, '--out-dir', str(tmp_path / 'out'))
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert len(proc.stderr.strip().splitlines()[-1]) < 800
    import re
    assert re.search(message, proc.stderr), proc.stderr[-1000:]
