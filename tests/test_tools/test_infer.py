"""From a checkpoint to keypoints on pictures, videos and cameras:
mmpose's MMPoseInferencer on the plugin's config, and tools/infer.py
(hg_plugin.apis) with given boxes, a detector or the whole picture."""
import json
import os
import os.path as osp
import re
import subprocess
import sys
from argparse import Namespace

import cv2
import numpy as np
import pytest

from tests.conftest import ROOT
from tests.helpers.models import random_checkpoint, small_config

INFER = osp.join(ROOT, 'tools', 'infer.py')
VideoCapture = cv2.VideoCapture  # the real one, where a test fakes it
FP32 = ['--backend', 'pytorch', '--precision', 'fp32']


@pytest.fixture(scope='module')
def model_files(tmp_path_factory):
    root = tmp_path_factory.mktemp('model')
    cfg = small_config(str(root / 'cfg.py'))
    return cfg, random_checkpoint(cfg, str(root / 'ckpt.pth'))


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    from hg_plugin.apis.video import write_video
    from hg_plugin.synthetic.video import moving_person
    frames, joints = map(np.stack, zip(*moving_person(
        num_frames=10, size=(192, 160), seed=3)))
    path = str(tmp_path_factory.mktemp('video') / 'person.mp4')
    write_video(path, frames, fps=10)
    return path, joints


def pipeline_prediction(model, img, bboxes):
    """What tools/test.py's path predicts: the config's test pipeline and
    the model's test step, through mmpose's inference_topdown."""
    from mmpose.apis import inference_topdown
    return np.stack([r.pred_instances.keypoints[0]
                     for r in inference_topdown(model, img, bboxes)])


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, INFER, *args],
                          capture_output=True, text=True, cwd=cwd)


def args(**kwargs) -> Namespace:
    """tools/infer.py's arguments, for hg_plugin.apis.run.run."""
    base = dict(input=None, config=None, checkpoint=None, onnx=None,
                camera=None, bboxes=None, out_dir='out', device='cpu',
                backend='pytorch', precision='fp32', threads=None,
                det_config=None, det_checkpoint=None, det_cat_id=0,
                bbox_thr=0.3, kpt_thr=0.)
    base.update(kwargs)
    return Namespace(**base)


def test_mmposeinferencer_on_the_plugin_config(model_files, tmp_path):
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
        proc = run(path, cfg, ckpt, '--out-dir', str(out), *FP32, *extra)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert 'inference path: pytorch fp32' in proc.stderr
        report = json.loads((out / 'predictions.json').read_text())
        assert [r['frame'] for r in report['results']] == list(range(10))
        assert report['keypoint_names'][0] == 'right_ankle'
        assert report['pictures'] == 10 and not report['interrupted']
        drawn = VideoCapture(str(out / 'person.mp4'))
        assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == 10
        ours, theirs = [], []
        for i in range(10):
            bbox = np.array(boxes[str(i)]) if name == 'boxes' else \
                np.array([[0, 0, 192, 160]])
            (person, ) = report['results'][i]['people']
            np.testing.assert_allclose(person['bbox'], bbox[0], atol=1e-3)
            ours.append(person['keypoints'])
            theirs.append(pipeline_prediction(model, frames[i], bbox)[0])
        # hg_deploy's crop is mmpose's TopdownAffine to float rounding
        close = np.linalg.norm(np.array(ours) - np.stack(theirs),
                               axis=-1) <= 0.5
        assert close.mean() >= 0.99, close.mean()


def test_infer_folder_skips_a_bad_file(model_files, tmp_path):
    cfg, ckpt = model_files
    folder = tmp_path / 'imgs'
    folder.mkdir()
    img = cv2.imread(osp.join(ROOT, 'docs', 'demo_skeletons.png'))
    for i in range(3):
        cv2.imwrite(str(folder / f'{i}.jpg'), img[i * 50:i * 50 + 200,
                                                  :256])
    (folder / 'broken.png').write_bytes(b'not a png')
    proc = run(str(folder), cfg, ckpt, '--out-dir', str(tmp_path / 'out'),
               *FP32)
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
    ('no_camera', r'camera 7: cannot be opened'),
    ('no_such_path', r'pytorch int8 is not a path this machine supports'),
])
def test_bad_input_is_named(model_files, tmp_path, case, message):
    cfg, ckpt = model_files
    img_path = str(tmp_path / 'ok.jpg')
    cv2.imwrite(img_path, np.full((200, 256, 3), 128, np.uint8))
    argv = [img_path, cfg, ckpt]
    extra = FP32
    if case == 'unreadable':
        (tmp_path / 'bad.jpg').write_bytes(b'\xff\xd8broken')
        argv[0] = str(tmp_path / 'bad.jpg')
    elif case == 'empty_folder':
        (tmp_path / 'empty').mkdir()
        argv[0] = str(tmp_path / 'empty')
    elif case == 'box_outside':
        (tmp_path / 'b.json').write_text('[[300, 10, 400, 100]]')
        extra = FP32 + ['--bboxes', str(tmp_path / 'b.json')]
    elif case == 'no_plugin':
        (tmp_path / 'plain.py').write_text(
            "_base_ = ['mmpose::body_2d_keypoint/topdown_heatmap/mpii/"
            "td-hm_hourglass52_8xb64-210e_mpii-256x256.py']\n")
        argv[1] = str(tmp_path / 'plain.py')
    elif case == 'other_model':
        import torch
        torch.save(dict(state_dict={'fc.weight': torch.zeros(2, 2)}),
                   str(tmp_path / 'other.pth'))
        argv[2] = str(tmp_path / 'other.pth')
    elif case == 'not_a_video':
        (tmp_path / 'clip.mp4').write_bytes(b'\x00' * 100)
        argv[0] = str(tmp_path / 'clip.mp4')
    elif case == 'no_camera':
        argv = ['--camera', '7', cfg, ckpt]
    elif case == 'no_such_path':
        extra = ['--backend', 'pytorch', '--precision', 'int8']
    proc = run(*argv, '--out-dir', str(tmp_path / 'out'), *extra)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert len(proc.stderr.strip().splitlines()[-1]) < 800
    assert re.search(message, proc.stderr), proc.stderr[-1000:]


class FakeCapture:
    """OpenCV's VideoCapture over given frames: ``None`` for a frame that
    cannot be decoded, an exception to raise at that read (Ctrl-C)."""

    def __init__(self, frames, fps=10., count=None, opened=True):
        self.frames, self.fps = list(frames), fps
        self.count = len(self.frames) if count is None else count
        self.opened = opened
        self.i = 0

    def isOpened(self):
        return self.opened

    def read(self):
        if self.i >= len(self.frames):
            return False, None
        frame = self.frames[self.i]
        self.i += 1
        if isinstance(frame, BaseException):
            raise frame
        return frame is not None, frame

    def get(self, prop):
        return {cv2.CAP_PROP_FPS: self.fps,
                cv2.CAP_PROP_FRAME_COUNT: self.count}.get(prop, 0)

    def release(self):
        pass


def fake_source(monkeypatch, frames, count=None):
    import hg_plugin.apis.video as video_module
    source = dict(made=None)

    def open_capture(src):
        source['made'] = FakeCapture(frames, count=count)
        return source['made']

    monkeypatch.setattr(video_module.cv2, 'VideoCapture', open_capture)
    return source


def frames_of(video, n):
    cap = cv2.VideoCapture(video[0])
    return [cap.read()[1] for _ in range(n)]


def test_an_undecodable_frame_is_reported_and_skipped(
        model_files, video, tmp_path, monkeypatch, capsys):
    from hg_plugin.apis.run import run as infer
    cfg, ckpt = model_files
    frames = frames_of(video, 6)
    frames[2] = None  # a damaged frame in the middle
    fake_source(monkeypatch, frames)
    out = tmp_path / 'out'
    summary = infer(args(input=video[0], config=cfg, checkpoint=ckpt,
                         out_dir=str(out)))
    report = json.loads((out / 'predictions.json').read_text())
    assert [r['frame'] for r in report['results']] == [0, 1, 3, 4, 5]
    assert report['skipped'] == [dict(input=video[0], frame=2,
                                      error='cannot be decoded')]
    assert summary['pictures'] == 5
    assert f'{video[0]}: frame 2 cannot be decoded' in \
        capsys.readouterr().err
    drawn = VideoCapture(str(out / 'person.mp4'))
    assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == 5


def test_ctrl_c_leaves_a_playable_video_and_valid_json(
        model_files, video, tmp_path, monkeypatch):
    from hg_plugin.apis.run import run as infer
    cfg, ckpt = model_files
    frames = frames_of(video, 10)
    frames[4] = KeyboardInterrupt()  # Ctrl-C while the 5th frame decodes
    fake_source(monkeypatch, frames)
    out = tmp_path / 'out'
    (out).mkdir()
    (out / 'predictions.json').write_text('{"previous": "run"}')
    summary = infer(args(input=video[0], config=cfg, checkpoint=ckpt,
                         out_dir=str(out)))
    assert summary['interrupted'] and summary['pictures'] == 4
    report = json.loads((out / 'predictions.json').read_text())
    assert report['interrupted'] and len(report['results']) == 4
    drawn = VideoCapture(str(out / 'person.mp4'))
    assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
    ok, frame = drawn.read()
    assert ok and frame.shape == frames[0].shape
    assert not [f for f in os.listdir(out) if f.startswith('.')]


def test_ctrl_c_while_a_frame_is_written_keeps_it_with_its_record(
        model_files, video, tmp_path, monkeypatch):
    """The signal lands in the writer's call, after the frame went in:
    the video and predictions.json must still hold the same frames."""
    import signal

    from hg_plugin.apis import video as video_module
    from hg_plugin.apis.run import run as infer
    cfg, ckpt = model_files
    fake_source(monkeypatch, frames_of(video, 8))
    write = video_module.VideoWriter.write

    def write_then_ctrl_c(self, frame):
        write(self, frame)
        if self.frames == 3:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(video_module.VideoWriter, 'write', write_then_ctrl_c)
    out = tmp_path / 'out'
    summary = infer(args(input=video[0], config=cfg, checkpoint=ckpt,
                         out_dir=str(out), overlap=False))
    report = json.loads((out / 'predictions.json').read_text())
    assert summary['interrupted'] and report['interrupted']
    assert [r['frame'] for r in report['results']] == [0, 1, 2]
    drawn = VideoCapture(str(out / 'person.mp4'))
    assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == 3


def test_ctrl_c_while_a_picture_is_written_keeps_it_with_its_record(
        model_files, video, tmp_path, monkeypatch):
    import signal

    from hg_plugin.apis import run as run_module
    cfg, ckpt = model_files
    folder = tmp_path / 'pictures'
    folder.mkdir()
    for k, frame in enumerate(frames_of(video, 4)):
        cv2.imwrite(str(folder / f'{k}.png'), frame)
    written, imwrite = [], cv2.imwrite

    def imwrite_then_ctrl_c(path, img):
        written.append(path)
        assert imwrite(path, img)
        if len(written) == 2:
            signal.raise_signal(signal.SIGINT)
        return True

    monkeypatch.setattr(run_module.cv2, 'imwrite', imwrite_then_ctrl_c)
    out = tmp_path / 'out'
    summary = run_module.run(args(input=str(folder), config=cfg,
                                  checkpoint=ckpt, out_dir=str(out)))
    report = json.loads((out / 'predictions.json').read_text())
    assert summary['interrupted'] and report['interrupted']
    assert [osp.basename(r['input']) for r in report['results']] == \
        ['0.png', '1.png']
    assert report['visualisation'] == written
    assert sorted(f for f in os.listdir(out) if f.endswith('.png')) == \
        ['0.png', '1.png']


@pytest.mark.parametrize('display', [False, True])
def test_camera_until_q_or_its_end(model_files, video, tmp_path,
                                   monkeypatch, display):
    from hg_plugin.apis import run as run_module
    cfg, ckpt = model_files
    frames = frames_of(video, 8)
    source = fake_source(monkeypatch, frames, count=-1)  # a camera
    shown = []
    monkeypatch.setattr(run_module, 'display_available', lambda: display)
    monkeypatch.setattr(run_module.cv2, 'imshow',
                        lambda name, img: shown.append(img.shape))
    # 'q' after the third frame shown
    monkeypatch.setattr(run_module.cv2, 'waitKey',
                        lambda ms: ord('q') if len(shown) == 3 else -1)
    monkeypatch.setattr(run_module.cv2, 'destroyAllWindows', lambda: None)
    out = tmp_path / 'out'
    summary = run_module.run(args(camera=0, config=cfg, checkpoint=ckpt,
                                  out_dir=str(out)))
    report = json.loads((out / 'predictions.json').read_text())
    assert report['input'] == 'camera 0'
    if display:  # shown in a window, none written, stopped by q
        assert len(shown) == 3 and summary['pictures'] == 3
        assert not (out / 'camera_0.mp4').exists()
    else:  # written to a video until the camera ends
        assert not shown and summary['pictures'] == 8
        drawn = VideoCapture(str(out / 'camera_0.mp4'))
        assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == 8
    assert source['made'].i >= summary['pictures']
    assert [r['frame'] for r in report['results']] == list(
        range(summary['pictures']))


def test_the_tool_says_which_path_it_picked(model_files, video, tmp_path):
    cfg, ckpt = model_files
    img = str(tmp_path / 'one.jpg')
    cv2.imwrite(img, np.full((160, 192, 3), 90, np.uint8))
    env = dict(os.environ, HG_CACHE_DIR=str(tmp_path / 'cache'))
    proc = subprocess.run([sys.executable, INFER, img, cfg, ckpt,
                           '--out-dir', str(tmp_path / 'a')],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert ('inference path: pytorch fp32 (a single picture: no start-up '
            'pays for itself)') in proc.stderr


def test_int8_calibrated_on_the_input_at_hand(model_files, video, tmp_path):
    pytest.importorskip('onnxruntime')
    from hg_plugin.utils.cpu import fast_int8
    if not fast_int8():
        pytest.skip('int8 is a path only where the CPU has int8 dot '
                    'products (VNNI or AMX)')
    cfg, ckpt = model_files
    cache = tmp_path / 'cache'
    env = dict(os.environ, HG_CACHE_DIR=str(cache))
    out = tmp_path / 'out'
    proc = subprocess.run([sys.executable, INFER, video[0], cfg, ckpt,
                           '--backend', 'onnxruntime', '--precision', 'int8',
                           '--out-dir', str(out)],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'inference path: onnxruntime int8' in proc.stderr
    report = json.loads((out / 'predictions.json').read_text())
    assert report['path'] == 'onnxruntime int8' and report['pictures'] == 10
    # the int8 model, kept in the cache, was calibrated on the video's
    # frames, one crop each (the flipped crops are not calibrated)
    (model, ) = (cache / 'models').glob('*.int8.onnx')
    import onnx
    meta = json.loads({p.key: p.value for p in onnx.load(
        str(model)).metadata_props}['hg_plugin'])
    assert meta['calibration']['source'] == video[0]
    assert meta['calibration']['images'] == 10
    # a second run reuses it: no new calibration
    mtime = model.stat().st_mtime
    proc = subprocess.run([sys.executable, INFER, video[0], cfg, ckpt,
                           '--precision', 'int8', '--backend', 'onnxruntime',
                           '--out-dir', str(tmp_path / 'again')],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert model.stat().st_mtime == mtime


def test_int8_asked_for_a_camera_without_a_model_says_why(
        model_files, video, tmp_path, monkeypatch):
    pytest.importorskip('onnxruntime')
    from hg_plugin.apis.boxes import InputError
    from hg_plugin.apis.run import run as infer
    from hg_plugin.utils.cpu import fast_int8
    if not fast_int8():
        pytest.skip('int8 is no path without int8 dot products')
    cfg, ckpt = model_files
    fake_source(monkeypatch, frames_of(video, 3), count=-1)
    with pytest.raises(InputError, match='int8 needs an int8 model of this '
                       'checkpoint, made before from pictures to calibrate '
                       'on'):
        infer(args(camera=0, config=cfg, checkpoint=ckpt,
                   backend='onnxruntime', precision='int8',
                   out_dir=str(tmp_path / 'out')))


def test_a_kill_ends_like_ctrl_c(model_files, tmp_path):
    import signal
    import time

    from hg_plugin.apis.video import write_video
    from hg_plugin.synthetic.video import moving_person
    cfg, ckpt = model_files
    path = str(tmp_path / 'long.mp4')
    write_video(path, (f for f, _ in moving_person(400, (192, 160))), 25)
    out = tmp_path / 'out'
    proc = subprocess.Popen([sys.executable, INFER, path, cfg, ckpt, *FP32,
                             '--out-dir', str(out)], stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)
    seen = ''
    while 'inference path:' not in seen:  # said just before the loop
        seen += proc.stderr.read(1)
        assert proc.poll() is None, seen[-2000:]
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    rest = proc.communicate(timeout=120)[1]
    assert proc.returncode == 128 + signal.SIGTERM, (seen + rest)[-2000:]
    report = json.loads((out / 'predictions.json').read_text())
    n = len(report['results'])
    assert report['interrupted'] and 0 < n < 400 and report['pictures'] == n
    drawn = VideoCapture(str(out / 'long.mp4'))
    assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == n


def crop_of(box, side_padding=1.25):
    """The square crop (x1, y1, x2, y2) the 128x128 test models see of a
    box: padded 1.25 and widened to the input's aspect."""
    x1, y1, x2, y2 = box
    half = max(x2 - x1, y2 - y1) * side_padding / 2
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    return cx - half, cy - half, cx + half, cy + half


@pytest.mark.slow
def test_every_person_of_a_multi_person_picture(trained_demo, tmp_path):
    from hg_plugin.synthetic.coco import write_coco_split
    data = tmp_path / 'coco'
    paths = write_coco_split(str(data), 'val', 3, seed=21)
    anns = json.loads(open(paths['ann_file']).read())
    boxes = {}
    for ann in anns['annotations']:
        name = f"{ann['image_id']:012d}.jpg"
        x, y, w, h = ann['bbox']
        boxes.setdefault(name, []).append([x, y, x + w, y + h])
    (tmp_path / 'boxes.json').write_text(json.dumps(boxes))
    out = tmp_path / 'out'
    proc = run(paths['img_dir'], trained_demo['config'],
               trained_demo['checkpoint'], '--bboxes',
               str(tmp_path / 'boxes.json'), '--out-dir', str(out), *FP32)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((out / 'predictions.json').read_text())
    assert len(report['results']) == 3
    for result in report['results']:
        name = osp.basename(result['input'])
        given = boxes[name]
        assert len(given) >= 2  # several people a picture
        np.testing.assert_allclose([p['bbox'] for p in result['people']],
                                   given, atol=1e-3)
        drawn = cv2.imread(str(out / name.replace('.jpg', '.png')))
        # hg_deploy.draw_pose's limbs: BGR (0, 200, 255)
        limbs = np.all(drawn == (0, 200, 255), axis=-1)
        for person, box in zip(result['people'], given):
            k = np.array(person['keypoints'])
            x1, y1, x2, y2 = crop_of(box)
            assert ((k[:, 0] >= x1) & (k[:, 0] <= x2) & (k[:, 1] >= y1) &
                    (k[:, 1] <= y2)).all()
            bx1, by1, bx2, by2 = (int(v) for v in box)
            assert limbs[max(by1, 0):by2, max(bx1, 0):bx2].sum() > 20, \
                f'no skeleton drawn in {box} of {name}'


DETECTOR = '''
default_scope = 'mmdet'
model = dict(
    type='RetinaNet',
    data_preprocessor=dict(
        type='DetDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    backbone=dict(
        type='ResNet', depth=18, num_stages=4, out_indices=(1, 2, 3),
        norm_cfg=dict(type='BN', requires_grad=True), norm_eval=True,
        style='pytorch'),
    neck=dict(
        type='FPN', in_channels=[128, 256, 512], out_channels=16,
        start_level=0, add_extra_convs='on_input', num_outs=3),
    bbox_head=dict(
        type='RetinaHead', num_classes=1, in_channels=16, stacked_convs=1,
        feat_channels=16,
        anchor_generator=dict(
            type='AnchorGenerator', octave_base_scale=4,
            scales_per_octave=1, ratios=[0.5, 1.0, 2.0],
            strides=[8, 16, 32]),
        bbox_coder=dict(type='DeltaXYWHBBoxCoder', target_means=[0.] * 4,
                        target_stds=[1.] * 4),
        loss_cls=dict(type='FocalLoss', use_sigmoid=True, gamma=2.0,
                      alpha=0.25, loss_weight=1.0),
        loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
    test_cfg=dict(nms_pre=100, min_bbox_size=0, score_thr=0.,
                  nms=dict(type='nms', iou_threshold=0.5), max_per_img=3))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(320, 240), keep_ratio=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
'''


def test_boxes_of_an_mmdet_detector(model_files, tmp_path):
    # a tiny RetinaNet with random weights: the plumbing, boxes in (its
    # three best, whatever they are), keypoints out for each
    import torch
    from mmdet.registry import MODELS as DET_MODELS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    cfg, ckpt = model_files
    det_cfg = tmp_path / 'det.py'
    det_cfg.write_text(DETECTOR)
    init_default_scope('mmdet')
    try:
        detector = DET_MODELS.build(Config.fromfile(str(det_cfg)).model)
    finally:
        init_default_scope('mmpose')
    torch.save(dict(state_dict=detector.state_dict(),
                    meta=dict(dataset_meta=dict(classes=('person', )))),
               str(tmp_path / 'det.pth'))
    img = str(tmp_path / 'street.jpg')
    cv2.imwrite(img, np.random.default_rng(4).integers(
        0, 255, (240, 320, 3), np.uint8))
    out = tmp_path / 'out'
    proc = run(img, cfg, ckpt, '--det-config', str(det_cfg),
               '--det-checkpoint', str(tmp_path / 'det.pth'), '--bbox-thr',
               '0', '--out-dir', str(out), *FP32)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((out / 'predictions.json').read_text())
    (result, ) = report['results']
    assert len(result['people']) == 3
    for person in result['people']:
        x1, y1, x2, y2 = person['bbox']
        assert 0 <= x1 < x2 <= 320 and 0 <= y1 < y2 <= 240
        assert np.array(person['keypoints']).shape == (16, 2)
