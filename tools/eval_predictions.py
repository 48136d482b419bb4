"""Evaluate prediction files against MPII or FLIC ground truth.

    python tools/eval_predictions.py GT PRED [PRED ...] [--dataset D]
        [--out results.json] [--plot curves.png] [--torso r_shoulder,l_hip]

GT: detections_our_format.mat / mpii_gt_val.mat (MPII), or a hourglass
valid.h5 with ``--dataset mpii`` or ``--dataset flic``. PRED: .mat / .h5
with ``preds`` ((N, K, 2) or (2, K, N), 1-based), or the json of
``tools/test.py --dump``. Prints one row per file: PCKh@0.5 (MPII; Mean =
unweighted mean of the 14 joints other than pelvis and thorax, as the
published tables) or PCK@0.2 by torso size (FLIC).
"""
import argparse
import sys

from hg_plugin.datasets.metainfo import dataset_metainfo, joint_names
from hg_plugin.evaluation.functional import CURVE_THRESHOLDS
from hg_plugin.evaluation.metrics.table import format_table
from hg_plugin.evaluation.offline import evaluate
from hg_plugin.evaluation.prediction_files import PredictionFileError
from hg_plugin.utils.io import dump_json
from hg_plugin.visualization import plot_pck_curves


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('gt', help='ground-truth file')
    parser.add_argument('preds', nargs='+', help='prediction files')
    parser.add_argument('--dataset', choices=('mpii', 'flic'),
                        help='the dataset of a hourglass .h5 ground truth')
    parser.add_argument('--out', help='write the tables to this json')
    parser.add_argument('--plot', help='draw PCK-vs-threshold curves (png)')
    parser.add_argument(
        '--torso',
        default='r_shoulder,l_hip',
        help="FLIC torso: two joints ('r_shoulder,l_hip', the hourglass "
        "files; 'l_shoulder,r_hip', MODEC) or 'normalize' (the file's)")
    args = parser.parse_args()
    try:
        results = evaluate(args.gt, args.preds, args.torso, args.dataset)
    except (PredictionFileError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    first = next(iter(results.values()))
    key = 'PCKh@0.5' if 'PCKh@0.5' in first else 'PCK@0.2'
    names = joint_names(dataset_metainfo(
        'mpii' if key == 'PCKh@0.5' else 'flic'))
    print(key)
    print(format_table({n: t[key] for n, t in results.items()}, names))
    if key == 'PCKh@0.5':
        print('PCKh@0.1')
        print(format_table({n: t['PCKh@0.1'] for n, t in results.items()},
                           names))
    print('AUC (0-0.5): ' + ', '.join(f'{n} {t["AUC"]:.2f}'
                                      for n, t in results.items()))
    if args.out:
        dump_json({n: {k: v for k, v in t.items() if k != 'curve'}
                   for n, t in results.items()}, args.out, indent=1)
    if args.plot:
        ylabel = ('PCKh, % (mean of 14 joints)' if key == 'PCKh@0.5' else
                  'PCK, % (mean of all joints)')
        plot_pck_curves(results, CURVE_THRESHOLDS, args.plot, ylabel)
    return 0


if __name__ == '__main__':
    sys.exit(main())
