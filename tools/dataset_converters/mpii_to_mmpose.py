"""MPII's ``mpii_annotations.json.gz`` -> mmpose's MPII json and head boxes.

    python tools/dataset_converters/mpii_to_mmpose.py \
        mpii_annotations.json.gz data/mpii/annotations \
        --gt-mat detections_our_format.mat

writes ``mpii_train.json`` (22,246 people), ``mpii_val.json`` (2,958, the
Tompson et al. split, in the order of the ``.mat``) and, from ``--gt-mat``,
``mpii_gt_val.mat`` (the head boxes ``MpiiDataset(headbox_file=...)`` reads;
the release json has none). Conventions: hg_plugin/datasets/converters.py.
"""
import argparse
import os.path as osp

from scipy.io import loadmat, savemat

from hg_plugin.datasets.converters import mpii_release_to_records, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('annotations', help='mpii_annotations.json(.gz)')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--gt-mat',
        help='detections_our_format.mat / mpii_gt_val.mat: validation '
        'ground truth and head boxes')
    args = parser.parse_args()
    gt = loadmat(args.gt_mat) if args.gt_mat else None
    train, val = mpii_release_to_records(args.annotations, gt)
    write_json(train, osp.join(args.out_dir, 'mpii_train.json'))
    write_json(val, osp.join(args.out_dir, 'mpii_val.json'))
    print(f'{len(train)} training and {len(val)} validation people '
          f'written to {args.out_dir}')
    if gt is not None:
        keys = ('pos_gt_src', 'jnt_missing', 'headboxes_src',
                'dataset_joints')
        savemat(
            osp.join(args.out_dir, 'mpii_gt_val.mat'),
            {k: gt[k] for k in keys if k in gt})
        print('head boxes written to', osp.join(args.out_dir,
                                                'mpii_gt_val.mat'))
    else:
        print('no --gt-mat: no head boxes written (PCKh needs them)')


if __name__ == '__main__':
    main()
