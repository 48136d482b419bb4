"""A video of one synthetic person moving its limbs (MP4).

    python tools/make_synthetic_video.py OUT.mp4 [--frames 45] [--fps 15]
        [--size 256 192] [--seed 0] [--boxes-out BOXES.json]

For trying tools/infer.py on a video where no real one is at hand; the
same seed gives the same video, written one frame at a time (any length).
``--boxes-out`` writes the person's box in each frame (its joints' extent,
a tenth wider on each side), as a person detector would give them, for
``tools/infer.py --bboxes``.
"""
import argparse

from hg_plugin.apis.video import VideoWriter
from hg_plugin.synthetic.video import moving_person
from hg_plugin.utils.io import dump_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out', help='the .mp4 to write')
    parser.add_argument('--frames', type=int, default=45)
    parser.add_argument('--fps', type=float, default=15.)
    parser.add_argument('--size', type=int, nargs=2, default=(256, 192),
                        metavar=('W', 'H'))
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--boxes-out', help='json of the person boxes')
    args = parser.parse_args()
    if args.frames < 2 or min(args.size) < 64:
        parser.error('--frames must be >= 2 and --size at least 64 x 64')
    boxes = {}
    with VideoWriter(args.out, args.fps) as writer:
        for i, (frame, joints) in enumerate(
                moving_person(args.frames, tuple(args.size), args.seed)):
            writer.write(frame)
            lo, hi = joints.min(0), joints.max(0)
            margin = 0.1 * (hi - lo)
            boxes[str(i)] = [(lo - margin).tolist() + (hi + margin).tolist()]
    if args.boxes_out:
        dump_json(boxes, args.boxes_out)
    print(f'{args.frames} frames written to {args.out}')


if __name__ == '__main__':
    main()
