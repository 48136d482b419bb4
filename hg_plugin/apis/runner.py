"""The command lines of ``tools/train.py`` and ``tools/test.py`` applied to
a config, as mmpose's tools do, and mixed precision for the machine at
hand."""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction


def parse_runner_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Add what ``tools/train.py`` and ``tools/test.py`` share, as mmpose's
    own tools have it (``--cfg-options``, ``--launcher``,
    ``--local-rank``), and parse the command line."""
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


def _work_dir(cfg: Config, args: argparse.Namespace) -> None:
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])


def merge_train_args(cfg: Config, args: argparse.Namespace) -> Config:
    """``tools/train.py``'s options (``--work-dir``, ``--no-validate``,
    ``--amp``, ``--resume``, ``--auto-scale-lr``, ``--cfg-options``,
    ``--launcher``) applied to ``cfg``."""
    cfg.launcher = args.launcher
    _work_dir(cfg, args)
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        set_mixed_precision(cfg)
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg:
            raise ValueError('--auto-scale-lr: the config has no '
                             'auto_scale_lr = dict(base_batch_size=...)')
        cfg.auto_scale_lr.enable = True
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def merge_test_args(cfg: Config, args: argparse.Namespace) -> Config:
    """``tools/test.py``'s options (the checkpoint, ``--work-dir``,
    ``--show-dir``, ``--dump``, ``--cfg-options``, ``--launcher``) applied
    to ``cfg``."""
    cfg.launcher = args.launcher
    cfg.load_from = args.checkpoint
    _work_dir(cfg, args)
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


def set_mixed_precision(cfg: Config) -> None:
    """``--amp``: fp16 with dynamic loss scaling on a GPU (mmengine's
    ``AmpOptimWrapper``), bf16 autocast on a CPU that runs bf16 natively
    (the plugin's ``AutocastOptimWrapper``).

    Raises:
        ValueError: Another optimizer wrapper, or a CPU without native
            bf16, on which emulated bf16 is slower than fp32.
    """
    import torch

    from ..utils.cpu import native_bf16
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper not in ('OptimWrapper', 'AmpOptimWrapper',
                       'AutocastOptimWrapper'):
        raise ValueError(f'--amp does not support optim_wrapper type '
                         f'{wrapper!r}')
    if torch.cuda.is_available():
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    elif native_bf16():
        cfg.optim_wrapper.type = 'AutocastOptimWrapper'
        cfg.optim_wrapper.setdefault('dtype', 'bfloat16')
    else:
        raise ValueError('--amp: no GPU, and this CPU has no native bf16 '
                         '(AVX-512 BF16 or AMX): mixed precision would be '
                         'slower than fp32 here')
