"""``tools/infer.py``: keypoints of the people in an image, a folder of
images, a video or a camera, streamed one picture at a time to drawn
pictures (a PNG per image, an MP4 per video or camera) and
``predictions.json``; memory does not grow with the input's length, and
an interruption (Ctrl-C) leaves both complete for the pictures done."""
import math
import os
import os.path as osp
import signal
import sys
import threading
import time
from argparse import Namespace
from collections import Counter, defaultdict
from contextlib import contextmanager
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import cv2
import numpy as np

from ..utils.io import JsonListWriter
from .boxes import InputError, boxes_for, check_box_keys, load_bboxes
from .inferencer import TopdownInferencer
from .inputs import image_files, list_inputs, read_image, spread
from .paths import CALIBRATION_CROPS, MIN_CALIBRATION_CROPS
from .video import VideoReader, VideoWriter

# frames a video is decoded ahead of the loop, in a thread
PREFETCH = 4


def default_overlap() -> bool:
    """Whether a video is decoded and encoded in threads beside the loop
    unless told: where the process may run on more than 2 cores (its
    affinity: a container's or a job's share, not the host's). On 2 cores
    those threads take more from the inference, which uses both, than they
    hide (``benchmarks/README.md``)."""
    if hasattr(os, 'sched_getaffinity'):
        return len(os.sched_getaffinity(0)) > 2
    return (os.cpu_count() or 1) > 2


Pictures = Callable[[], Iterator[Tuple[str, np.ndarray]]]


class StageTimer:
    """Seconds spent in each stage of the loop, and the crops run."""

    def __init__(self) -> None:
        self.seconds: Dict[str, float] = defaultdict(float)
        self.crops = 0

    def __call__(self, stage: str, start: float) -> float:
        """Add the time since ``start`` to ``stage``; return now."""
        now = time.perf_counter()
        self.seconds[stage] += now - start
        return now


@contextmanager
def deferred_interrupts():
    """Ctrl-C and SIGTERM wait until the block has run (the files it
    finishes stay whole), then take effect as they would have."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received, previous = [], {}
    try:  # a signal between the two installs still restores the first
        for s in (signal.SIGINT, signal.SIGTERM):
            previous[s] = signal.signal(s, lambda n, _: received.append(n))
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in received[:1]:
            signal.raise_signal(s)


def people(bboxes: np.ndarray, kpts: np.ndarray, scores: np.ndarray
           ) -> List[Dict]:
    """The json of each person: box, keypoints (image pixels), scores."""
    return [dict(bbox=[float(v) for v in b[:4]],
                 keypoints=np.round(k, 2).tolist(),
                 keypoint_scores=np.round(s, 4).tolist())
            for b, k, s in zip(bboxes, kpts, scores)]


def process(inferencer: TopdownInferencer, img: np.ndarray,
            bboxes: Optional[np.ndarray], timer: StageTimer,
            kpt_thr: float = 0.) -> Tuple[List[Dict], np.ndarray]:
    """One picture through every stage after its decoding: its people and
    the drawn picture."""
    t = time.perf_counter()
    if bboxes is None:
        bboxes = inferencer.detect(img)
        t = timer('detect', t)
    pipeline = inferencer.pipeline
    inputs, centers, scales = pipeline.preprocess(img, bboxes)
    t = timer('crop', t)
    if len(inputs):
        heatmaps = pipeline.infer(inputs)
        t = timer('infer', t)
        timer.crops += len(inputs) * inferencer.crops_per_person()
        kpts, scores = pipeline.postprocess(heatmaps, centers, scales)
        t = timer('heatmaps', t)
    else:
        k = len(inferencer.keypoint_names)
        kpts, scores = np.zeros((0, k, 2)), np.zeros((0, k))
    drawn = inferencer.draw(img, (bboxes, kpts, scores), kpt_thr)
    timer('draw', t)
    return people(bboxes, kpts, scores), drawn


def video_frames_at(path: str, indices: List[int]
                    ) -> Iterator[Tuple[str, np.ndarray]]:
    """(frame index, frame) of a video file at ``indices``."""
    cap = cv2.VideoCapture(path)
    try:
        for i in indices:
            cap.set(cv2.CAP_PROP_POS_FRAMES, i)
            ok, frame = cap.read()
            if ok:
                yield str(i), frame
    finally:
        cap.release()


def calibration_crops(inferencer: TopdownInferencer, pictures: Pictures,
                      boxes) -> Callable[[], List[np.ndarray]]:
    """A function that returns up to ``CALIBRATION_CROPS`` normalised crops
    (each (1, 3, h, w)) of the people in ``pictures()``: their given boxes,
    or the detector's, or the whole pictures."""

    def crops() -> List[np.ndarray]:
        out = []
        for key, img in pictures():
            try:
                given = boxes_for(boxes, key, img.shape[:2], key)
            except InputError:
                continue  # reported when the picture's turn comes
            out += [x[None] for x in inferencer.preprocess(img, given)]
        return out[:CALIBRATION_CROPS]

    return crops


def display_available() -> bool:
    """Whether OpenCV can show a window here (a display, and an OpenCV
    built with a GUI)."""
    if sys.platform.startswith('linux') and not (
            os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY')):
        return False
    try:
        cv2.namedWindow('hg_plugin')
        cv2.destroyWindow('hg_plugin')
        return True
    except cv2.error:
        return False


def boxes_per_picture(boxes) -> float:
    """The mean number of given boxes per picture (1 without boxes)."""
    if not boxes:
        return 1.
    lists = list(boxes.values()) if isinstance(boxes, dict) else [boxes]
    counts = []
    for b in lists:
        try:
            counts.append(np.asarray(b, np.float32).size / 4)
        except (TypeError, ValueError):  # reported at that picture
            counts.append(1.)
    return max(1., float(np.mean(counts)))


def run(args: Namespace) -> Dict:
    """The whole of ``tools/infer.py`` after parsing its arguments (see
    there; ``args`` may also say ``compile``, ``flip_test`` and
    ``overlap``, whether a video is decoded and encoded in threads beside
    the loop, by default :func:`default_overlap`). Returns the summary
    that ends ``predictions.json``: the path run, the pictures done, those
    skipped, the files drawn, whether it was interrupted; and the seconds
    of the start-up, of the loop and of each of its stages."""
    camera = getattr(args, 'camera', None)
    if camera is None:
        kind, files = list_inputs(args.input)
        where = files[0]
    else:
        kind, files, where = 'camera', [], f'camera {camera}'
    # checked before anything is built: no drawing replaces an input
    outputs = output_files(files, args.out_dir,
                           '.png' if kind == 'images' else '.mp4')
    boxes = load_bboxes(args.bboxes)
    inferencer = TopdownInferencer(
        config=args.config, checkpoint=args.checkpoint, onnx=args.onnx,
        device=args.device, backend=args.backend, precision=args.precision,
        det_config=args.det_config, det_checkpoint=args.det_checkpoint,
        det_cat_id=args.det_cat_id, bbox_thr=args.bbox_thr,
        threads=args.threads, compile=getattr(args, 'compile', None),
        flip_test=getattr(args, 'flip_test', None))
    overlap = getattr(args, 'overlap', None)
    if overlap is None:
        overlap = default_overlap()
    reader = None
    if kind == 'images':
        count = len(files)
        pictures = (lambda: image_files(
            [files[i] for i in spread(len(files), CALIBRATION_CROPS)]))
    else:
        reader = VideoReader(
            camera if kind == 'camera' else files[0],
            prefetch=PREFETCH if overlap and kind == 'video' else 0)
        count = reader.frame_count or math.inf
        idx = spread(reader.frame_count or 0, CALIBRATION_CROPS)
        pictures = None if kind == 'camera' else (
            lambda: video_frames_at(files[0], idx))
    check_box_keys(boxes, [osp.basename(f) for f in files]
                   if kind == 'images' else None, where)
    per_picture = boxes_per_picture(boxes) * inferencer.crops_per_person()
    start = time.perf_counter()
    if count < MIN_CALIBRATION_CROPS:
        pictures = None  # too few to calibrate int8 on
    reason = inferencer.prepare(
        count * per_picture,
        calibration_crops(inferencer, pictures, boxes) if pictures else None,
        where if kind != 'images' else f'{len(files)} images')
    startup = time.perf_counter() - start
    print(f'inference path: {inferencer.path} ({reason})', file=sys.stderr)
    head = dict(input=where if kind != 'images' else args.input,
                path=str(inferencer.path),
                keypoint_names=list(inferencer.keypoint_names))
    summary = dict(head, pictures=0, skipped=[], visualisation=[],
                   interrupted=False)
    timer = StageTimer()
    os.makedirs(args.out_dir, exist_ok=True)
    start = time.perf_counter()
    results = JsonListWriter(osp.join(args.out_dir, 'predictions.json'),
                             head)
    try:
        if reader is None:
            _run_images(args, inferencer, files, outputs, boxes, results,
                        summary, timer)
        else:
            _run_stream(args, inferencer, reader, outputs, boxes, results,
                        summary, timer, where, overlap)
    except KeyboardInterrupt:
        summary['interrupted'] = True
        print(f"interrupted after {summary['pictures']} pictures",
              file=sys.stderr)
    except BaseException as e:  # the pictures done are kept, then
        summary.update(interrupted=True, error=str(e)[:300])
        raise
    finally:
        with deferred_interrupts():
            results.tail = {k: summary[k] for k in (
                'pictures', 'skipped', 'visualisation', 'interrupted',
                'error') if k in summary}
            results.close()
    summary.update(seconds=dict(timer.seconds), startup_s=startup,
                   loop_s=time.perf_counter() - start)
    inferencer.record_speed(timer.seconds.get('infer', 0.), timer.crops)
    return summary


def output_files(files: List[str], out_dir: str, ext: str) -> Dict[str, str]:
    """The drawn picture of each input, ``<name><ext>`` in ``out_dir``
    (``<name>_<its extension><ext>`` where two inputs share a name).

    Raises:
        InputError: A drawing would replace an input.
    """
    stems = [osp.splitext(osp.basename(f))[0] for f in files]
    counts = Counter(stems)
    inputs = {osp.abspath(f) for f in files}
    out = {}
    for f, stem in zip(files, stems):
        if counts[stem] > 1:
            stem += '_' + osp.splitext(f)[1].lstrip('.')
        out[f] = osp.join(out_dir, stem + ext)
        if osp.abspath(out[f]) in inputs:
            raise InputError(f'--out-dir {out_dir}: the drawing of {f} would '
                             f'replace the input {out[f]}; choose another '
                             'folder')
    return out


def progress_bar(shown: bool = True) -> Dict:
    """tqdm's settings: a bar on stderr, redrawn each second on a terminal
    and every 30 seconds in a log (which a bar's redraws would flood)."""
    tty = sys.stderr is not None and sys.stderr.isatty()
    return dict(file=sys.stderr, mininterval=1. if tty else 30.,
                disable=not shown or sys.stderr is None)


def _run_images(args, inferencer, files, outputs, boxes, results, summary,
                timer) -> None:
    from tqdm import tqdm
    for path in tqdm(files, desc='images', **progress_bar(len(files) > 1)):
        t = time.perf_counter()
        try:
            img = read_image(path)
            given = boxes_for(boxes, osp.basename(path), img.shape[:2],
                              path)
        except InputError as e:
            if len(files) == 1:
                raise
            print(f'skipped: {e}', file=sys.stderr)
            summary['skipped'].append(dict(input=path, error=str(e)))
            continue
        t = timer('decode', t)
        found, drawn = process(inferencer, img, given, timer, args.kpt_thr)
        t = time.perf_counter()
        out = outputs[path]
        with deferred_interrupts():  # a drawing is written with its record
            if not cv2.imwrite(out, drawn):
                raise OSError(f'could not write {out}')
            summary['visualisation'].append(out)
            results.add(dict(input=path, frame=None, people=found))
            summary['pictures'] += 1
        timer('encode', t)


def _run_stream(args, inferencer, reader, outputs, boxes, results, summary,
                timer, where, overlap) -> None:
    from tqdm import tqdm
    if reader.is_camera:
        out = osp.join(args.out_dir, f'camera_{reader.source}.mp4')
    else:
        out = outputs[reader.source]
    name = osp.splitext(osp.basename(out))[0]
    show = reader.is_camera and display_available()

    def skipped(i: int) -> None:
        summary['skipped'].append(dict(input=where, frame=i,
                                       error='cannot be decoded'))
        print(f'skipped: {where}: frame {i} cannot be decoded',
              file=sys.stderr)

    reader.on_skip = skipped
    writer = VideoWriter(out, reader.fps, background=overlap and not show)
    bar = tqdm(total=reader.frame_count, desc='frames', **progress_bar())
    frames = iter(reader)
    try:
        while True:
            t = time.perf_counter()
            item = next(frames, None)
            if item is None:
                break
            i, frame = item
            t = timer('decode', t)
            try:
                given = boxes_for(boxes, str(i), frame.shape[:2],
                                  f'{where}: frame {i}')
            except InputError as e:
                print(f'skipped: {e}', file=sys.stderr)
                summary['skipped'].append(dict(input=where, frame=i,
                                               error=str(e)))
                continue
            found, drawn = process(inferencer, frame, given, timer,
                                   args.kpt_thr)
            t = time.perf_counter()
            with deferred_interrupts():  # a frame is drawn with its record
                if show:
                    cv2.imshow(name, drawn)
                    stop = cv2.waitKey(1) & 0xFF == ord('q')
                else:
                    writer.write(drawn)
                    stop = False
                results.add(dict(input=where, frame=i, people=found))
                summary['pictures'] += 1
            timer('encode', t)
            bar.update()
            if stop:
                break
    finally:
        with deferred_interrupts():
            bar.close()
            reader.close()
            writer.close()  # the frames done make a playable video
            if writer.frames:
                summary['visualisation'].append(out)
            if show:
                cv2.destroyAllWindows()
