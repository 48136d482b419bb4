"""Encode and decode speed of GaussianHeatmap against mmpose's MSRAHeatmap.

    python benchmarks/bench_codec.py [--samples 2000] [--batch 64]

16 keypoints, 256x256 input, 64x64 heatmaps, sigma 2, both codecs in this
process on the same data. Encode: one person per call (as the pipeline's
GenerateTarget calls it). Decode: MSRAHeatmap one heatmap stack per call
(as mmpose's heads call it); GaussianHeatmap batched (``batch_decode``),
and also one per call.
"""
import argparse
import time

import numpy as np
import torch
from mmpose.codecs import MSRAHeatmap

from hg_plugin.codecs import GaussianHeatmap


def rate(fn, n: int, repeat: int = 3) -> float:
    best = float('inf')
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--samples', type=int, default=2000)
    parser.add_argument('--batch', type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    n = args.samples
    kpts = rng.uniform(0, 256, (n, 1, 16, 2)).astype(np.float32)
    vis = (rng.random((n, 1, 16)) > 0.1).astype(np.float32)
    ours = GaussianHeatmap((256, 256), (64, 64), sigma=2.,
                           drop_out_of_frame=False)
    msra = MSRAHeatmap((256, 256), (64, 64), sigma=2.)

    enc = {}
    for name, codec in (('MSRAHeatmap', msra), ('GaussianHeatmap', ours)):
        enc[name] = rate(
            lambda c=codec: [c.encode(kpts[i], vis[i]) for i in range(n)],
            n)
    hms = np.stack([ours.encode(kpts[i], vis[i])['heatmaps']
                    for i in range(n)])
    hms_t = torch.from_numpy(hms)
    dec = {
        'MSRAHeatmap': rate(lambda: [msra.decode(h) for h in hms], n),
        'GaussianHeatmap (one per call)':
        rate(lambda: [ours.decode(h) for h in hms], n),
        f'GaussianHeatmap (batch {args.batch})':
        rate(lambda: [ours.batch_decode(hms_t[i:i + args.batch])
                      for i in range(0, n, args.batch)], n),
    }
    print(f'{n} samples, 16 keypoints, 256 -> 64, one thread')
    for name, r in enc.items():
        print(f'encode  {name:34s} {r:10.0f} samples/s  '
              f'{r / enc["MSRAHeatmap"]:6.1f}x')
    for name, r in dec.items():
        print(f'decode  {name:34s} {r:10.0f} samples/s  '
              f'{r / dec["MSRAHeatmap"]:6.1f}x')


if __name__ == '__main__':
    main()
