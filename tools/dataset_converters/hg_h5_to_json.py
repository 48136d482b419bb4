"""The stacked hourglass code's ``.h5`` annotations -> the plugin's json.

    python tools/dataset_converters/hg_h5_to_json.py valid.h5 OUT.json \
        [--headbox-out OUT.mat]

FLIC (``train.h5``, ``valid.h5``, ``valid_personcentric.h5``; 11 joints)
or MPII (``valid.h5``; 16 joints), told apart by the joint count. For MPII,
``--headbox-out`` writes head boxes that reproduce the file's head sizes
(``normalize``) for ``MpiiDataset(headbox_file=...)``.
"""
import argparse

import h5py
from scipy.io import savemat

from hg_plugin.datasets.converters import (flic_hg_h5_to_records,
                                           head_sizes_to_headboxes,
                                           mpii_hg_h5_to_records, write_json)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('h5', help='hourglass annotation file')
    parser.add_argument('out', help='output json')
    parser.add_argument('--headbox-out', help='MPII only: head-box .mat')
    args = parser.parse_args()
    with h5py.File(args.h5, 'r') as f:
        h5 = {k: f[k][()] for k in f}
    if 'part' not in h5:
        raise SystemExit(f"{args.h5}: no field 'part': not a hourglass "
                         'annotation file')
    num_joints = h5['part'].shape[1]
    if num_joints == 11:
        records = flic_hg_h5_to_records(h5)
    elif num_joints == 16:
        records = mpii_hg_h5_to_records(h5)
        if args.headbox_out:
            savemat(args.headbox_out, {
                'headboxes_src': head_sizes_to_headboxes(h5['normalize'])})
    else:
        raise SystemExit(f"{args.h5}: field 'part' has {num_joints} joints; "
                         'expected 11 (FLIC) or 16 (MPII)')
    write_json(records, args.out)
    print(f'{len(records)} people written to {args.out}')


if __name__ == '__main__':
    main()
