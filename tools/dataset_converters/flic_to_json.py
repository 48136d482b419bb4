"""FLIC's own release (``examples.mat``) -> the plugin's FLIC json.

    python tools/dataset_converters/flic_to_json.py FLIC/examples.mat \
        data/flic/annotations

writes ``flic_train.json`` and ``flic_valid.json`` (FLIC's test split, as
the paper). Same records as the hourglass ``.h5`` files give.
"""
import argparse
import os.path as osp
import sys

from hg_plugin.converters.annotations import (flic_examples_to_records,
                                              load_flic_examples)
from hg_plugin.datasets import AnnotationError
from hg_plugin.utils.io import dump_json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('examples', help="FLIC's examples.mat")
    parser.add_argument('out_dir', help='output folder')
    args = parser.parse_args()
    try:
        examples = load_flic_examples(args.examples)
        splits = [(name, flic_examples_to_records(examples, split))
                  for split, name in (('train', 'flic_train.json'),
                                      ('test', 'flic_valid.json'))]
    except (AnnotationError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    for name, records in splits:  # written only once both converted
        dump_json(records, osp.join(args.out_dir, name))
        print(f'{len(records)} people written to '
              f'{osp.join(args.out_dir, name)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
