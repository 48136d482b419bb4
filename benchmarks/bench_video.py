"""Frames per second of ``tools/infer.py`` on a video (decode, crop,
infer, decode heatmaps, draw, encode), stage by stage, on each path.

    python benchmarks/bench_video.py [--config configs/hg2_mpii.py]
        [--checkpoint CKPT] [--frames 150] [--size 1280 720]
        [--paths 'pytorch fp32' 'onnxruntime int8' ...] [--threads 2]
        [--overlap | --no-overlap] [--no-flip]

Generates a video of one synthetic person (``hg_plugin.synthetic.video``)
with the person's box in each frame (``--bboxes``), then runs the tool
itself (``hg_plugin.apis.run.run``) on it for each path, and prints the
start-up, the milliseconds per frame of each stage (``decode``: the time
the loop waits for the next frame, ``encode``: for the writer to take
it) and the frames per second of the loop. ``--no-overlap`` decodes and
encodes in the loop, ``--overlap`` in threads beside it (by default as
the tool does: ``hg_plugin.apis.run.default_overlap``),
``--no-flip`` turns the config's flip test off. Random weights unless
``--checkpoint`` (the speed does not depend on them).
"""
import argparse
import os
import os.path as osp
import tempfile
from argparse import Namespace

import torch


def make_video(path: str, frames: int, size, box_file: str) -> None:
    """The video and each frame's box (the joints' extent, a tenth
    wider), written one frame at a time."""
    from hg_plugin.apis.video import VideoWriter
    from hg_plugin.synthetic.video import moving_person
    from hg_plugin.utils.io import dump_json
    boxes = {}
    with VideoWriter(path, 25.) as writer:
        for i, (frame, joints) in enumerate(moving_person(frames, size)):
            writer.write(frame)
            lo, hi = joints.min(0), joints.max(0)
            m = 0.1 * (hi - lo)
            boxes[str(i)] = [(lo - m).tolist() + (hi + m).tolist()]
    dump_json(boxes, box_file)


def random_checkpoint(config: str, folder: str) -> str:
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner.checkpoint import save_checkpoint
    from mmpose.apis.inference import dataset_meta_from_config
    from mmpose.registry import MODELS

    import hg_plugin  # noqa: F401
    init_default_scope('mmpose')
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model)
    path = osp.join(folder, 'random.pth')
    save_checkpoint(dict(state_dict=model.state_dict(), meta=dict(
        dataset_meta=dataset_meta_from_config(cfg, 'test'))), path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default='configs/hg2_mpii.py')
    parser.add_argument('--checkpoint')
    parser.add_argument('--frames', type=int, default=150)
    parser.add_argument('--size', type=int, nargs=2, default=(1280, 720))
    parser.add_argument('--paths', nargs='+', default=[
        'pytorch fp32', 'onnxruntime fp32', 'onnxruntime int8'])
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--overlap', action=argparse.BooleanOptionalAction,
                        help="default: the tool's (default_overlap)")
    parser.add_argument('--no-flip', action='store_true')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from hg_plugin.apis.run import default_overlap, run
    if args.overlap is None:
        args.overlap = default_overlap()
    from hg_plugin.known_warnings import silence_known_warnings
    silence_known_warnings()
    with tempfile.TemporaryDirectory() as tmp:
        # start-up from scratch: no exported model of an earlier run
        os.environ['HG_CACHE_DIR'] = osp.join(tmp, 'cache')
        video, box_file = osp.join(tmp, 'person.mp4'), osp.join(
            tmp, 'boxes.json')
        make_video(video, args.frames, tuple(args.size), box_file)
        ckpt = args.checkpoint or random_checkpoint(args.config, tmp)
        print(f'{args.frames} frames of {args.size[0]}x{args.size[1]}, '
              'decode and encode '
              f"{'in threads' if args.overlap else 'in the loop'}, flip test "
              f"{'off' if args.no_flip else 'as configured'}, "
              f'{args.threads} threads', flush=True)
        for name in args.paths:
            parts = name.split()
            summary = run(Namespace(
                input=video, config=args.config, checkpoint=ckpt, onnx=None,
                bboxes=box_file, out_dir=osp.join(tmp, 'out'),
                device='cpu', backend=parts[0], precision=parts[1],
                compile='compile' in parts, threads=args.threads,
                flip_test=False if args.no_flip else None,
                overlap=args.overlap, det_config=None, det_checkpoint=None,
                det_cat_id=0, bbox_thr=0.3, kpt_thr=0.))
            n = summary['pictures']
            stages = ', '.join(f'{k} {1e3 * v / n:.1f}'
                               for k, v in summary['seconds'].items())
            print(f"{name:<24} {n / summary['loop_s']:5.2f} frames/s "
                  f"(start-up {summary['startup_s']:.0f} s); ms a frame: "
                  f'{stages}', flush=True)


if __name__ == '__main__':
    main()
