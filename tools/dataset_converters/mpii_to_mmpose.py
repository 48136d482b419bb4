"""MPII's ``mpii_annotations.json.gz`` -> mmpose's MPII json and head boxes.

    python tools/dataset_converters/mpii_to_mmpose.py \
        mpii_annotations.json.gz data/mpii/annotations \
        --gt-mat detections_our_format.mat

writes ``mpii_train.json`` (22,246 people), ``mpii_val.json`` (2,958, the
Tompson et al. split, in the order of the ``.mat``) and, from ``--gt-mat``,
``mpii_gt_val.mat`` (the head boxes ``MpiiDataset(headbox_file=...)`` reads;
the release json has none). Conventions: hg_plugin/converters/annotations.py.
"""
import argparse
import os.path as osp
import sys

from scipy.io import savemat

from hg_plugin.converters.annotations import (load_mpii_gt_mat,
                                              mpii_release_to_records)
from hg_plugin.datasets import AnnotationError
from hg_plugin.utils.io import atomic_write, dump_json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('annotations', help='mpii_annotations.json(.gz)')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--gt-mat',
        help='detections_our_format.mat / mpii_gt_val.mat: validation '
        'ground truth and head boxes')
    args = parser.parse_args()
    try:
        gt = load_mpii_gt_mat(args.gt_mat) if args.gt_mat else None
        train, val = mpii_release_to_records(args.annotations, gt,
                                             args.gt_mat)
    except (AnnotationError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    dump_json(train, osp.join(args.out_dir, 'mpii_train.json'))
    dump_json(val, osp.join(args.out_dir, 'mpii_val.json'))
    print(f'{len(train)} training and {len(val)} validation people '
          f'written to {args.out_dir}')
    if gt is not None:
        path = osp.join(args.out_dir, 'mpii_gt_val.mat')
        atomic_write(path, lambda f: savemat(f, gt), 'wb')
        print('head boxes written to', path)
    else:
        print('no --gt-mat: no head boxes written (PCKh needs them)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
