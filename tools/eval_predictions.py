"""Evaluate prediction files against MPII or FLIC ground truth.

    python tools/eval_predictions.py GT PRED [PRED ...] [--out results.json]
        [--plot curves.png] [--torso r_shoulder,l_hip]

GT: detections_our_format.mat / mpii_gt_val.mat, or a hourglass valid.h5
(MPII or FLIC). PRED: .mat / .h5 with ``preds`` ((N, K, 2) or (2, K, N),
1-based), or the json of ``tools/test.py --dump``. Prints one row per file:
PCKh@0.5 (MPII; Mean = unweighted mean of the 14 joints other than pelvis
and thorax, as the published tables) or PCK@0.2 by torso size (FLIC).
"""
import argparse
import json
import os
import os.path as osp
import sys

from hg_plugin.evaluation.functional import (CURVE_THRESHOLDS, FLIC_JOINTS,
                                             MPII_JOINTS, flic_table,
                                             pckh_table, torso_sizes)
from hg_plugin.evaluation.metrics.table import format_table
from hg_plugin.evaluation.prediction_files import (PredictionFileError,
                                                   load_ground_truth,
                                                   load_predictions)
from hg_plugin.visualization import plot_pck_curves


def evaluate(gt_path: str, pred_paths: list, torso: str = 'r_shoulder,l_hip'
             ) -> dict:
    """Tables of every prediction file, keyed by its file name."""
    gt = load_ground_truth(gt_path)
    n, k = gt.joints.shape[:2]
    results = {}
    for path in pred_paths:
        preds = load_predictions(path, n, k)
        if gt.dataset == 'mpii':
            table = pckh_table(preds, gt.joints, gt.annotated, gt.norm)
        else:
            if torso == 'normalize':
                if gt.norm is None:
                    raise PredictionFileError(
                        f"{gt_path}: no field 'normalize' for --torso "
                        'normalize')
                norm = gt.norm
            else:
                a, b = (FLIC_JOINTS.index(j) for j in torso.split(','))
                norm = torso_sizes(gt.joints, (a, b))
            table = flic_table(preds, gt.joints, gt.annotated, norm)
        results[osp.basename(path)] = table
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('gt', help='ground-truth file')
    parser.add_argument('preds', nargs='+', help='prediction files')
    parser.add_argument('--out', help='write the tables to this json')
    parser.add_argument('--plot', help='draw PCK-vs-threshold curves (png)')
    parser.add_argument(
        '--torso',
        default='r_shoulder,l_hip',
        help="FLIC torso: two joints ('r_shoulder,l_hip', the hourglass "
        "files; 'l_shoulder,r_hip', MODEC) or 'normalize' (the file's)")
    args = parser.parse_args()
    try:
        results = evaluate(args.gt, args.preds, args.torso)
    except (PredictionFileError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    first = next(iter(results.values()))
    key = 'PCKh@0.5' if 'PCKh@0.5' in first else 'PCK@0.2'
    names = MPII_JOINTS if key == 'PCKh@0.5' else FLIC_JOINTS
    print(key)
    print(format_table({n: t[key] for n, t in results.items()}, names))
    if key == 'PCKh@0.5':
        print('PCKh@0.1')
        print(format_table({n: t['PCKh@0.1'] for n, t in results.items()},
                           names))
    print('AUC (0-0.5): ' + ', '.join(f'{n} {t["AUC"]:.2f}'
                                      for n, t in results.items()))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump({n: {k: v for k, v in t.items() if k != 'curve'}
                       for n, t in results.items()}, f, indent=1)
    if args.plot:
        ylabel = ('PCKh, % (mean of 14 joints)' if key == 'PCKh@0.5' else
                  'PCK, % (mean of all joints)')
        plot_pck_curves(results, CURVE_THRESHOLDS, args.plot, ylabel)
    return 0


if __name__ == '__main__':
    sys.exit(main())
