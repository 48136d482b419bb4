"""Generate synthetic people in the formats of the real MPII, FLIC and COCO
data.

    python tools/make_synthetic_data.py data/synthetic --train 2000 --val 300
    python tools/make_synthetic_data.py data/coco_synthetic --coco \
        --train 1500 --val 150

writes ``images/``, ``annotations/mpii_train.json``, ``mpii_val.json``,
``mpii_gt_val.mat`` (head boxes), ``flic_train.json`` and
``flic_valid.json`` (one person per image); with ``--coco``, pictures of
several people in COCO's layout: ``train2017/``, ``val2017/``,
``annotations/person_keypoints_{train,val}2017.json`` and
``person_detection_results/detections_val2017.json`` (for ``bbox_file``).
The same seed gives the same files.
"""
import argparse
import time

from hg_plugin.synthetic import generate_split
from hg_plugin.synthetic.coco import write_coco_split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out_dir', help='data root to write')
    parser.add_argument('--train', type=int, default=2000,
                        help='training people (pictures with --coco)')
    parser.add_argument('--val', type=int, default=300,
                        help='validation people (pictures with --coco)')
    parser.add_argument('--size', type=int, nargs='+', default=None,
                        help='image width and height (default 160 160; '
                        '320 240 with --coco)')
    parser.add_argument('--coco', action='store_true',
                        help='several people a picture, in COCO format')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    size = args.size or ([320, 240] if args.coco else [160])
    size = tuple(size * 2 if len(size) == 1 else size[:2])
    if args.train < 1 or args.val < 1 or min(size) < 64:
        parser.error('--train and --val must be >= 1 and --size >= 64')
    start = time.time()
    if args.coco:
        write_coco_split(args.out_dir, 'train', args.train, args.seed,
                         size=size)
        write_coco_split(args.out_dir, 'val', args.val, args.seed + 1,
                         size=size, first_index=args.train,
                         det_file='person_detection_results/'
                         'detections_val2017.json')
    else:
        generate_split(args.out_dir, 'train', args.train, args.seed, size)
        generate_split(args.out_dir, 'val', args.val, args.seed + 1, size,
                       first_index=args.train)
    print(f'{args.train} training and {args.val} validation '
          f"{'pictures' if args.coco else 'people'} written to "
          f'{args.out_dir} in {time.time() - start:.0f} s')


if __name__ == '__main__':
    main()
