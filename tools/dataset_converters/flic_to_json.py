"""FLIC's own release (``examples.mat``) -> the plugin's FLIC json.

    python tools/dataset_converters/flic_to_json.py FLIC/examples.mat \
        data/flic/annotations

writes ``flic_train.json`` and ``flic_valid.json`` (FLIC's test split, as
the paper). Same records as the hourglass ``.h5`` files give.
"""
import argparse
import os.path as osp

from scipy.io import loadmat

from hg_plugin.datasets.converters import flic_examples_to_records, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('examples', help="FLIC's examples.mat")
    parser.add_argument('out_dir', help='output folder')
    args = parser.parse_args()
    examples = loadmat(args.examples)['examples'][0]
    for split, name in (('train', 'flic_train.json'),
                        ('test', 'flic_valid.json')):
        records = flic_examples_to_records(examples, split)
        write_json(records, osp.join(args.out_dir, name))
        print(f'{len(records)} {split} people written to '
              f'{osp.join(args.out_dir, name)}')


if __name__ == '__main__':
    main()
