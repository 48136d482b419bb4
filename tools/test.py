"""Evaluate a checkpoint with the mmengine runner, in mmpose's manner.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out M.json]
        [--dump PREDS.json] [--show-dir DIR] [--cfg-options k=v ...]
        [--launcher {none,pytorch,slurm,mpi}]
"""
import argparse

from mmengine.config import Config
from mmengine.runner import Runner

from hg_plugin.apis.runner import merge_test_args, parse_runner_args
from hg_plugin.known_warnings import silence_known_warnings


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where the logs go')
    parser.add_argument(
        '--out', help='write the metrics to this json file')
    parser.add_argument(
        '--dump',
        help='write the predictions to this file for offline evaluation '
        '(.json: read by tools/eval_predictions.py; .pkl: mmengine dump)')
    parser.add_argument(
        '--show-dir',
        help='draw the predictions and write the images to this directory '
        '(under the work dir)')
    parser.add_argument(
        '--interval', type=int, default=1, help='draw every n-th image')
    return parse_runner_args(parser)


def main() -> None:
    silence_known_warnings()
    args = parse_args()
    cfg = merge_test_args(Config.fromfile(args.config), args)
    from hg_plugin.utils import prepare_cpu_distributed
    prepare_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if args.out and runner.rank == 0:
        from hg_plugin.utils.io import dump_json
        dump_json({k: float(v) for k, v in metrics.items()}, args.out,
                  indent=1)


if __name__ == '__main__':
    main()
