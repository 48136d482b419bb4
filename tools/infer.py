"""Keypoints of the people in an image, a folder of images, a video or a
camera.

    python tools/infer.py INPUT CONFIG CHECKPOINT [--bboxes FILE]
        [--out-dir DIR] [--backend auto|pytorch|onnxruntime|openvino]
        [--precision auto|fp32|bf16|int8] [--device cpu] [--threads N]
        [--overlap | --no-overlap]
        [--det-config C --det-checkpoint W [--det-cat-id 0] [--bbox-thr 0.3]]
    python tools/infer.py --camera 0 CONFIG CHECKPOINT
    python tools/infer.py INPUT --onnx MODEL.onnx [--bboxes FILE]

Writes into DIR (default ``work_dirs/infer``), one picture at a time: the
drawn predictions (a PNG per image, an MP4 per video or camera without a
display) and ``predictions.json``: per image or frame the people found
(box, keypoints in image pixels, scores), the joint names and the path
run. A picture that cannot be read (an unreadable file of a folder, a
frame that cannot be decoded) is reported and skipped. Ctrl-C stops it
with both files complete for the pictures done; ``q`` closes a camera's
window.

People: the boxes of ``--bboxes`` (a json: ``{"<image file name>" or
"<frame index>": [[x1, y1, x2, y2], ...]}``, or one list for every
picture), else an mmdet detector (``--det-config``/``--det-checkpoint``),
else the whole picture.

The inference path (backend and precision) is the one this machine runs
fastest for the input at hand, start-up included, unless ``--backend`` or
``--precision`` says otherwise; the tool says which it picked and why
(``hg_plugin/apis/paths.py``).
"""
import argparse
import os.path as osp
import signal
import sys

from hg_plugin.apis.boxes import InputError
from hg_plugin.apis.paths import BACKENDS, PRECISIONS


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('input', nargs='?',
                        help='an image, a folder or a video')
    parser.add_argument('config', nargs='?', help='the model config')
    parser.add_argument('checkpoint', nargs='?', help='its checkpoint')
    parser.add_argument('--camera', type=int, metavar='N',
                        help='read OpenCV camera N instead of INPUT')
    parser.add_argument('--onnx', help='an exported model instead of '
                        'CONFIG and CHECKPOINT')
    parser.add_argument('--bboxes', help='json of person boxes')
    parser.add_argument('--out-dir', default='work_dirs/infer')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--backend', choices=('auto', ) + BACKENDS,
                        default='auto')
    parser.add_argument('--precision', choices=('auto', ) + PRECISIONS,
                        default='auto')
    parser.add_argument('--threads', type=int,
                        help='threads of onnxruntime and OpenVINO')
    parser.add_argument(
        '--overlap', action=argparse.BooleanOptionalAction,
        help='decode and encode a video in threads beside the inference '
        '(default: where the CPU has more than 2 cores)')
    parser.add_argument('--det-config', help='mmdet config of a detector')
    parser.add_argument('--det-checkpoint', help='its weights')
    parser.add_argument('--det-cat-id', type=int, default=0,
                        help="the detector's person class (COCO: 0)")
    parser.add_argument('--bbox-thr', type=float, default=0.3,
                        help='detections scored below are dropped')
    parser.add_argument('--kpt-thr', type=float, default=0.,
                        help='draw joints scored above this')
    args = parser.parse_args()
    if args.camera is not None:
        if args.checkpoint is not None:
            parser.error('--camera takes CONFIG and CHECKPOINT, no INPUT')
        # no INPUT: the positionals are CONFIG and CHECKPOINT
        args.input, args.config, args.checkpoint = (
            None, args.input, args.config)
    elif args.input is None:
        parser.error('give INPUT, or --camera N')
    if args.onnx is None and not (args.config and args.checkpoint):
        parser.error('give CONFIG and CHECKPOINT, or --onnx MODEL.onnx')
    if bool(args.det_config) != bool(args.det_checkpoint):
        parser.error('a detector needs --det-config and --det-checkpoint')
    return args


def main() -> int:
    args = parse_args()
    from hg_plugin.known_warnings import silence_known_warnings
    silence_known_warnings()
    from hg_plugin.apis.run import run

    killed = []

    def stop(signum, _) -> None:  # a kill finishes like Ctrl-C
        killed.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        summary = run(args)
    except InputError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    n = summary['pictures']
    print(f"{n} images or frames: {osp.join(args.out_dir, 'predictions.json')}"
          + (f", {len(summary['skipped'])} skipped" if summary['skipped']
             else ''))
    if summary['interrupted']:  # as a shell reports a signal's end
        return 128 + (killed[0] if killed else signal.SIGINT)
    return 0


if __name__ == '__main__':
    sys.exit(main())
