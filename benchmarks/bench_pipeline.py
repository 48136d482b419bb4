"""Time of the training data pipeline per sample, transform by transform.

    python benchmarks/bench_pipeline.py [--config configs/hg2_mpii.py]
        [--size 1280 720] [--people 60] [--rounds 3]

Generates ``--people`` synthetic people in JPEGs of ``--size`` (a
temporary MPII-format set), then runs the config's training pipeline on
each in this one process and thread, as one data worker does: load, crop
centre/scale, flip, random scale/rotation, affine warp, colour, encode
(``GenerateTarget``, the codec), pack. Prints the milliseconds per sample
of each step (best of ``--rounds`` passes), the samples per second of one
worker, the codec's share of the pipeline, and how many workers feed a
given training speed.
"""
import argparse
import tempfile
import time

import cv2
import numpy as np


def build(cfg_path: str, root: str):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpose.registry import DATASETS, TRANSFORMS

    import hg_plugin  # noqa: F401
    from hg_plugin.known_warnings import silence_known_warnings
    silence_known_warnings()
    cfg = Config.fromfile(cfg_path)
    init_default_scope('mmpose')
    ds_cfg = cfg.train_dataloader.dataset.copy()
    ds_cfg.update(data_root=root, pipeline=[], data_prefix=dict(
        img='images/'), ann_file='annotations/mpii_train.json')
    ds_cfg.pop('metainfo', None)
    dataset = DATASETS.build(ds_cfg)
    steps = [TRANSFORMS.build(t) for t in cfg.train_pipeline]
    return dataset, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default='configs/hg2_mpii.py')
    parser.add_argument('--size', type=int, nargs=2, default=(1280, 720),
                        metavar=('W', 'H'))
    parser.add_argument('--people', type=int, default=60)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--train-speed', type=float, default=1300.,
                        help='images/s a GPU trains at (8 stacks), for the '
                        'number of workers that keep up')
    args = parser.parse_args()
    # one data worker: one thread (mmpose's setting for OpenCV; PyTorch's
    # DataLoader sets torch's own in each worker)
    cv2.setNumThreads(1)
    import torch
    torch.set_num_threads(1)
    from hg_plugin.synthetic import generate_split
    with tempfile.TemporaryDirectory() as root:
        generate_split(root, 'train', args.people, seed=0,
                       size=tuple(args.size), progress=False)
        dataset, steps = build(args.config, root)
        infos = [dataset.get_data_info(i) for i in range(len(dataset))]
        names = [type(s).__name__ for s in steps]
        best = np.full(len(steps), np.inf)
        for _ in range(args.rounds):
            spent = np.zeros(len(steps))
            for info in infos:
                results = dict(info)
                for i, step in enumerate(steps):
                    start = time.perf_counter()
                    results = step(results)
                    spent[i] += time.perf_counter() - start
            best = np.minimum(best, spent / len(infos))
    total = best.sum()
    print(f'{args.config}, {args.size[0]}x{args.size[1]} JPEGs, '
          f'{len(infos)} people, one worker (ms per sample, best of '
          f'{args.rounds}):')
    for name, t in zip(names, best):
        print(f'  {name:<22} {t * 1e3:7.3f} ms  {100 * t / total:5.1f} %')
    print(f'  {"total":<22} {total * 1e3:7.3f} ms  -> {1 / total:.0f} '
          'samples/s per worker')
    codec = sum(t for n, t in zip(names, best) if n == 'GenerateTarget')
    print(f'codec (GenerateTarget) share: {100 * codec / total:.1f} %')
    print(f'workers for {args.train_speed:.0f} img/s: '
          f'{int(np.ceil(args.train_speed * total))}')


if __name__ == '__main__':
    main()
