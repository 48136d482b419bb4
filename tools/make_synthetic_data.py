"""Generate synthetic people in the formats of the real MPII and FLIC data.

    python tools/make_synthetic_data.py data/synthetic --train 2000 --val 300

writes ``images/``, ``annotations/mpii_train.json``, ``mpii_val.json``,
``mpii_gt_val.mat`` (head boxes), ``flic_train.json`` and
``flic_valid.json``. The same seed gives the same files.
"""
import argparse
import time

from hg_plugin.synthetic import generate_split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out_dir', help='data root to write')
    parser.add_argument('--train', type=int, default=2000,
                        help='training people')
    parser.add_argument('--val', type=int, default=300,
                        help='validation people')
    parser.add_argument('--size', type=int, default=160,
                        help='image width and height')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    if args.train < 1 or args.val < 1 or args.size < 64:
        parser.error('--train and --val must be >= 1 and --size >= 64')
    start = time.time()
    size = (args.size, args.size)
    generate_split(args.out_dir, 'train', args.train, args.seed, size)
    generate_split(args.out_dir, 'val', args.val, args.seed + 1, size,
                   first_index=args.train)
    print(f'{args.train} training and {args.val} validation people written '
          f'to {args.out_dir} in {time.time() - start:.0f} s')


if __name__ == '__main__':
    main()
