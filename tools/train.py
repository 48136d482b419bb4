"""Train a pose model with the mmengine runner, in mmpose's manner.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--auto-scale-lr] [--no-validate] [--cfg-options k=v ...]
        [--launcher {none,pytorch,slurm,mpi}]
"""
import argparse

from mmengine.config import Config
from mmengine.runner import Runner

from hg_plugin.apis.runner import merge_train_args, parse_runner_args
from hg_plugin.known_warnings import silence_known_warnings


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a pose model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--resume',
        nargs='?',
        const='auto',
        help='resume from this checkpoint, or (no value) from the latest '
        'checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by actual / config total batch size')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate during training')
    return parse_runner_args(parser)


def main() -> None:
    silence_known_warnings()
    args = parse_args()
    cfg = merge_train_args(Config.fromfile(args.config), args)
    # importing the plugin registers its parts and its torch.load allowlist
    from hg_plugin.utils import prepare_cpu_distributed
    prepare_cpu_distributed(cfg)
    Runner.from_cfg(cfg).train()


if __name__ == '__main__':
    main()
