"""Keypoints of the people in an image, a folder of images or a video.

    python tools/infer.py INPUT CONFIG CHECKPOINT [--bboxes FILE]
        [--out-dir DIR] [--device cpu] [--det-config C --det-checkpoint W]
    python tools/infer.py INPUT --backend onnxruntime --onnx MODEL.onnx
        [--bboxes FILE] [--out-dir DIR]

Writes into DIR (default ``work_dirs/infer``): the drawn predictions (a PNG
per image, an MP4 for a video) and ``predictions.json``, per image or frame
the people found: box, keypoints in image pixels, scores, with the joint
names. A folder's unreadable file is reported and skipped.

People: the boxes of ``--bboxes`` (a json: ``{"<image file name>" or
"<frame index>": [[x1, y1, x2, y2], ...]}``, or one list for every image),
else an mmdet detector (``--det-config``/``--det-checkpoint``), else the
whole image. The PyTorch backend is mmpose's ``Pose2DInferencer`` (its
model, test pipeline, detector and visualizer); the onnxruntime backend is
``hg_deploy.TopdownOnnxRuntime`` (no torch or mmpose).
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import Dict, Iterator, List, Optional, Tuple

import cv2
import numpy as np

IMAGE_EXT = ('.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff')
VIDEO_EXT = ('.mp4', '.avi', '.mov', '.mkv', '.webm')


class InputError(ValueError):
    """An input, box file or model that cannot be used, named."""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('input', help='an image, a folder or a video')
    parser.add_argument('config', nargs='?', help='the model config')
    parser.add_argument('checkpoint', nargs='?', help='its checkpoint')
    parser.add_argument('--bboxes', help='json of person boxes')
    parser.add_argument('--out-dir', default='work_dirs/infer')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--backend', choices=('pytorch', 'onnxruntime'),
                        default='pytorch')
    parser.add_argument('--onnx', help='the model of --backend onnxruntime')
    parser.add_argument('--det-config', help='mmdet config of a detector')
    parser.add_argument('--det-checkpoint', help='its weights')
    parser.add_argument('--det-cat-id', type=int, default=0,
                        help="the detector's person class (COCO: 0)")
    parser.add_argument('--kpt-thr', type=float, default=0.,
                        help='draw joints scored above this')
    args = parser.parse_args()
    if args.backend == 'pytorch' and not (args.config and args.checkpoint):
        parser.error('the pytorch backend needs CONFIG and CHECKPOINT')
    if args.backend == 'onnxruntime' and not args.onnx:
        parser.error('--backend onnxruntime needs --onnx MODEL.onnx')
    return args


def list_inputs(path: str) -> Tuple[str, List[str]]:
    """``('video', [path])``, ``('images', [paths])``; errors name the
    input."""
    if osp.isdir(path):
        files = sorted(osp.join(path, f) for f in os.listdir(path)
                       if f.lower().endswith(IMAGE_EXT))
        if not files:
            raise InputError(f'{path}: no image files ({", ".join(IMAGE_EXT)})'
                             ' in the folder')
        return 'images', files
    if not osp.exists(path):
        raise InputError(f'{path} does not exist')
    if path.lower().endswith(VIDEO_EXT):
        return 'video', [path]
    if path.lower().endswith(IMAGE_EXT):
        return 'images', [path]
    raise InputError(f'{path}: not an image ({", ".join(IMAGE_EXT)}) or a '
                     f'video ({", ".join(VIDEO_EXT)})')


def read_image(path: str) -> np.ndarray:
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise InputError(f'{path}: not a readable image')
    return img


def read_video(path: str) -> Tuple[Iterator[np.ndarray], float, int]:
    cap = cv2.VideoCapture(path)
    ok, first = cap.read()
    if not ok:
        cap.release()
        raise InputError(f'{path}: not a readable video (no frame decoded)')
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))

    def frames():
        yield first
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            yield frame
        cap.release()

    return frames(), fps, count


def load_bboxes(path: Optional[str]) -> Optional[object]:
    if path is None:
        return None
    try:
        with open(path) as f:
            boxes = json.load(f)
    except FileNotFoundError:
        raise InputError(f'--bboxes {path} does not exist') from None
    except ValueError as e:
        raise InputError(f'--bboxes {path}: not json ({e})') from None
    if not isinstance(boxes, (list, dict)):
        raise InputError(f'--bboxes {path}: expected a list of boxes or an '
                         'object of them by file name or frame')
    return boxes


def boxes_for(boxes, key: str, shape: Tuple[int, int], where: str
              ) -> Optional[np.ndarray]:
    """The (N, 4) boxes of one image or frame, checked against it."""
    if boxes is None:
        return None
    if isinstance(boxes, dict):
        if key not in boxes:
            return None  # this one: the detector or the whole image
        boxes = boxes[key]
    try:
        arr = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    except (TypeError, ValueError):
        raise InputError(f'{where}: boxes must be [x1, y1, x2, y2] lists, '
                         f'got {str(boxes)[:60]}') from None
    h, w = shape
    for i, (x1, y1, x2, y2) in enumerate(arr):
        if not (np.isfinite([x1, y1, x2, y2]).all() and x2 > x1
                and y2 > y1):
            raise InputError(f'{where}: box {i} {[x1, y1, x2, y2]} is not '
                             'a box (x1 < x2, y1 < y2, finite)')
        if x2 <= 0 or y2 <= 0 or x1 >= w or y1 >= h:
            raise InputError(f'{where}: box {i} {[x1, y1, x2, y2]} lies '
                             f'outside the {w}x{h} image')
    return arr


class PytorchBackend:
    """mmpose's ``Pose2DInferencer`` on the plugin's config, with the
    checkpoint checked strictly (a checkpoint of another model is refused
    instead of leaving weights at random) and given boxes honoured (mmpose
    1.3's ``preprocess_single`` drops its ``bboxes``)."""

    def __init__(self, args: argparse.Namespace) -> None:
        from mmengine.config import Config

        if not osp.isfile(args.config):
            raise InputError(f'config {args.config} does not exist')
        cfg = Config.fromfile(args.config)
        imports = cfg.get('custom_imports', {}).get('imports', [])
        if 'hg_plugin' not in imports:
            raise InputError(
                f"config {args.config} does not import the plugin "
                "(custom_imports=dict(imports=['hg_plugin']))")
        from mmengine.runner.checkpoint import load_checkpoint
        from mmpose.apis.inferencers import Pose2DInferencer
        self.inferencer = Pose2DInferencer(
            model=cfg, weights=args.checkpoint, device=args.device,
            det_model=args.det_config or 'whole_image',
            det_weights=args.det_checkpoint, det_cat_ids=args.det_cat_id)
        model = self.inferencer.model
        try:
            ckpt = load_checkpoint(model, args.checkpoint,
                                   map_location='cpu', strict=True)
        except RuntimeError as e:
            raise InputError(f'checkpoint {args.checkpoint} does not fit '
                             f'{args.config}: {str(e)[:600]}') from None
        meta = ckpt.get('meta', {}).get('dataset_meta')
        if meta:
            model.dataset_meta = meta
            self.inferencer.visualizer.set_dataset_meta(meta)
        model.to(args.device).eval()
        self.meta = model.dataset_meta
        self.kpt_thr = args.kpt_thr

    @property
    def keypoint_names(self) -> List[str]:
        return [self.meta['keypoint_id2name'][i]
                for i in range(self.meta['num_keypoints'])]

    def __call__(self, img: np.ndarray, bboxes: Optional[np.ndarray]):
        from mmpose.apis import inference_topdown
        from mmpose.structures import merge_data_samples
        if bboxes is None:
            results = next(self.inferencer(img, return_datasamples=True))
            sample = results['predictions'][0]
        else:
            sample = merge_data_samples(
                inference_topdown(self.inferencer.model, img, bboxes))
        pred = sample.pred_instances
        drawn = self.inferencer.visualizer.add_datasample(
            'result', img[..., ::-1], sample, draw_gt=False, draw_bbox=True,
            kpt_thr=self.kpt_thr, show=False)[..., ::-1]
        return (np.asarray(pred.bboxes), np.asarray(pred.keypoints),
                np.asarray(pred.keypoint_scores), drawn)


class OnnxBackend:
    """``hg_deploy.TopdownOnnxRuntime``; boxes given, or the whole image."""

    def __init__(self, args: argparse.Namespace) -> None:
        from hg_deploy import TopdownOnnxRuntime
        if not osp.isfile(args.onnx):
            raise InputError(f'--onnx {args.onnx} does not exist')
        try:
            self.runtime = TopdownOnnxRuntime(args.onnx)
        except ValueError as e:
            raise InputError(str(e)) from None
        self.keypoint_names = self.runtime.keypoint_names
        self.kpt_thr = args.kpt_thr

    def __call__(self, img: np.ndarray, bboxes: Optional[np.ndarray]):
        from hg_deploy import draw_pose
        if bboxes is None:
            h, w = img.shape[:2]
            bboxes = np.array([[0, 0, w, h]], np.float32)
        kpts, scores = self.runtime(img, bboxes)
        drawn = draw_pose(img, kpts, scores, self.runtime.meta['skeleton'],
                          self.kpt_thr)
        for x1, y1, x2, y2 in bboxes.astype(int):
            cv2.rectangle(drawn, (x1, y1), (x2, y2), (0, 255, 0), 1)
        return bboxes, kpts, scores, drawn


def people(bboxes, kpts, scores) -> List[Dict]:
    return [dict(bbox=[float(v) for v in b[:4]],
                 keypoints=np.round(k, 2).tolist(),
                 keypoint_scores=np.round(s, 4).tolist())
            for b, k, s in zip(bboxes, kpts, scores)]


def run(args: argparse.Namespace) -> dict:
    if args.backend == 'pytorch':
        from hg_plugin.known_warnings import silence_known_warnings
        silence_known_warnings()
    kind, files = list_inputs(args.input)
    boxes = load_bboxes(args.bboxes)
    backend = (PytorchBackend if args.backend == 'pytorch' else
               OnnxBackend)(args)
    from tqdm import tqdm

    from hg_plugin.utils.io import dump_json
    os.makedirs(args.out_dir, exist_ok=True)
    report = dict(input=args.input, backend=args.backend,
                  keypoint_names=list(backend.keypoint_names), results=[],
                  skipped=[])
    if kind == 'video':
        from hg_plugin.synthetic.video import write_video
        frames, fps, count = read_video(files[0])
        drawn_frames = []
        for i, frame in enumerate(tqdm(frames, total=count or None,
                                       desc='frames', file=sys.stderr)):
            where = f'{files[0]}: frame {i}'
            b, k, s, drawn = backend(
                frame, boxes_for(boxes, str(i), frame.shape[:2], where))
            report['results'].append(dict(input=files[0], frame=i,
                                          people=people(b, k, s)))
            drawn_frames.append(drawn)
        out = osp.join(args.out_dir,
                       osp.splitext(osp.basename(files[0]))[0] + '.mp4')
        write_video(out, np.stack(drawn_frames), fps)
        report['visualisation'] = [out]
    else:
        report['visualisation'] = []
        for path in tqdm(files, desc='images', file=sys.stderr,
                         disable=len(files) == 1):
            try:
                img = read_image(path)
                b, k, s, drawn = backend(img, boxes_for(
                    boxes, osp.basename(path), img.shape[:2], path))
            except InputError as e:
                if len(files) == 1:
                    raise
                print(f'skipped: {e}', file=sys.stderr)
                report['skipped'].append(dict(input=path, error=str(e)))
                continue
            out = osp.join(args.out_dir,
                           osp.splitext(osp.basename(path))[0] + '.png')
            if not cv2.imwrite(out, drawn):
                raise OSError(f'could not write {out}')
            report['visualisation'].append(out)
            report['results'].append(dict(input=path, frame=None,
                                          people=people(b, k, s)))
    dump_json(report, osp.join(args.out_dir, 'predictions.json'), indent=1)
    return report


def main() -> int:
    args = parse_args()
    try:
        report = run(args)
    except InputError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    n = sum(len(r['people']) for r in report['results'])
    print(f"{len(report['results'])} images or frames, {n} people: "
          f"{osp.join(args.out_dir, 'predictions.json')}"
          + (f", {len(report['skipped'])} skipped" if report['skipped']
             else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
