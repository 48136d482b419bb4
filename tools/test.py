"""Evaluate a checkpoint with the mmengine runner, in mmpose's manner.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out M.json]
        [--dump PREDS.json] [--show-dir DIR] [--cfg-options k=v ...]
        [--launcher {none,pytorch,slurm,mpi}]
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

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
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config values, key=value (key="[a,b]" for lists)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command line to the config."""
    cfg.launcher = args.launcher
    cfg.load_from = args.checkpoint
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.show_dir is not None:
        vis = cfg.default_hooks.get('visualization')
        if vis is None:
            raise ValueError('--show-dir: the config has no '
                             'default_hooks.visualization '
                             "(type='PoseVisualizationHook')")
        vis.update(enable=True, out_dir=args.show_dir,
                   interval=args.interval)
    if args.dump is not None:
        evaluators = cfg.test_evaluator
        if isinstance(evaluators, dict):
            evaluators = [evaluators]
        if args.dump.endswith('.json'):
            dump = dict(type='KeypointPredictionDump', out_file=args.dump)
        else:
            dump = dict(type='DumpResults', out_file_path=args.dump)
        cfg.test_evaluator = list(evaluators) + [dump]
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main() -> None:
    silence_known_warnings()
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
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
