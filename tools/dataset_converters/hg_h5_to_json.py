"""The stacked hourglass code's ``.h5`` annotations -> the plugin's json.

    python tools/dataset_converters/hg_h5_to_json.py {mpii,flic} valid.h5 \
        OUT.json [--headbox-out OUT.mat]

FLIC (``train.h5``, ``valid.h5``, ``valid_personcentric.h5``) or MPII
(``valid.h5``), as stated by the first argument. For MPII,
``--headbox-out`` writes head boxes that reproduce the file's head sizes
(``normalize``) for ``MpiiDataset(headbox_file=...)``.
"""
import argparse
import sys

from scipy.io import savemat

from hg_plugin.converters.annotations import (flic_hg_h5_to_records,
                                              head_sizes_to_headboxes,
                                              load_hg_h5,
                                              mpii_hg_h5_to_records)
from hg_plugin.datasets import AnnotationError
from hg_plugin.utils.io import atomic_write, dump_json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('dataset', choices=('mpii', 'flic'),
                        help='which dataset the file annotates')
    parser.add_argument('h5', help='hourglass annotation file')
    parser.add_argument('out', help='output json')
    parser.add_argument('--headbox-out', help='MPII only: head-box .mat')
    args = parser.parse_args()
    if args.headbox_out and args.dataset != 'mpii':
        parser.error('--headbox-out is for MPII files')
    try:
        h5 = load_hg_h5(args.h5)
        if args.dataset == 'flic':
            records = flic_hg_h5_to_records(h5, args.h5)
        else:
            records = mpii_hg_h5_to_records(h5, args.h5)
            boxes = head_sizes_to_headboxes(h5['normalize'], args.h5) \
                if args.headbox_out else None
    except (AnnotationError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    dump_json(records, args.out)
    print(f'{len(records)} people written to {args.out}')
    if args.headbox_out:
        atomic_write(args.headbox_out,
                     lambda f: savemat(f, {'headboxes_src': boxes}), 'wb')
        print(f'head boxes written to {args.headbox_out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
