"""Encode and decode speed of GaussianHeatmap against mmpose's MSRAHeatmap.

    python benchmarks/bench_codec.py [--samples 2000] [--batch 64]

16 keypoints, 256x256 input, 64x64 heatmaps, sigma 2, both codecs in this
process on the same data. Encode: one person per call (as the pipeline's
GenerateTarget calls it). Decode: MSRAHeatmap one heatmap stack per call
(as mmpose's heads call it); GaussianHeatmap batched (``batch_decode``),
and also one per call. Results are dropped as they come, as in a data
pipeline, which frees each target once the batch is collated (keeping all
2000 alive, 0.5 GB, would time the kernel's page faults instead).

Decoding is timed twice: "cold", the heatmaps streamed from main memory
(0.5 GB), and "warm", each batch decoded right after it was written into
a buffer, as a head decodes the output of the model's forward pass (only
the decoding is timed). Each also times a bound that is not a decoder:
one SIMD ``max`` over the batch, the cheapest pass that reads every value
once; no decoder that reads the heatmaps can beat its ratio.
"""
import argparse
import time

import numpy as np
import torch
from mmpose.codecs import MSRAHeatmap

from hg_plugin.codecs import GaussianHeatmap

# Not a decoder: the cheapest pass that reads every heatmap value once (a
# SIMD max over the batch), the bound of any decoder of these heatmaps.
READ_ONCE = 'bound: one pass over the batch (max)'


def read_once(batch: torch.Tensor) -> None:
    batch.numpy().max()


def each(fn, items) -> None:
    for item in items:
        fn(item)


def rates(fns: dict, n: int, repeat: int = 5) -> dict:
    """Samples/s of each of ``fns``, the best of ``repeat`` rounds; the
    functions take turns within a round, so that a slow phase of this
    shared machine does not fall on one of them only."""
    best = {name: float('inf') for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: n / t for name, t in best.items()}


def warm_rates(decoders: dict, batches, repeat: int = 5) -> dict:
    """Samples/s of each ``decode_batch(buffer)``, each batch copied into
    the buffer (untimed) just before it is decoded; turns as ``rates``."""
    buf = torch.empty_like(batches[0])
    best = {name: float('inf') for name in decoders}
    for _ in range(repeat):
        for name, decode_batch in decoders.items():
            total = 0.
            for b in batches:
                view = buf[:len(b)]
                view.copy_(b)
                start = time.perf_counter()
                decode_batch(view)
                total += time.perf_counter() - start
            best[name] = min(best[name], total)
    n = sum(len(b) for b in batches)
    return {name: n / t for name, t in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--samples', type=int, default=2000)
    parser.add_argument('--batch', type=int, default=32,
                        help='decode batch; 32 is mmpose\'s val batch')
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    n = args.samples
    kpts = rng.uniform(0, 256, (n, 1, 16, 2)).astype(np.float32)
    vis = (rng.random((n, 1, 16)) > 0.1).astype(np.float32)
    ours = GaussianHeatmap((256, 256), (64, 64), sigma=2.,
                           drop_out_of_frame=False)
    msra = MSRAHeatmap((256, 256), (64, 64), sigma=2.)

    enc = rates({
        name: lambda c=codec: each(lambda i: c.encode(kpts[i], vis[i]),
                                   range(n))
        for name, codec in (('MSRAHeatmap', msra), ('GaussianHeatmap', ours))
    }, n)
    hms = np.stack([ours.encode(kpts[i], vis[i])['heatmaps']
                    for i in range(n)])
    hms_t = torch.from_numpy(hms)
    batches = hms_t.split(args.batch)
    cold = rates({
        'MSRAHeatmap': lambda: each(msra.decode, hms),
        'GaussianHeatmap (one per call)': lambda: each(ours.decode, hms),
        f'GaussianHeatmap (batch {args.batch})':
        lambda: each(ours.batch_decode, batches),
        READ_ONCE: lambda: each(read_once, batches),
    }, n)
    warm = warm_rates({
        'MSRAHeatmap': lambda b: each(msra.decode, b.numpy()),
        f'GaussianHeatmap (batch {args.batch})': ours.batch_decode,
        READ_ONCE: read_once,
    }, batches)
    print(f'{n} samples, 16 keypoints, 256 -> 64, one thread')
    for name, r in enc.items():
        print(f'encode        {name:38s} {r:10.0f} samples/s  '
              f'{r / enc["MSRAHeatmap"]:6.1f}x')
    for label, dec in (('decode cold', cold), ('decode warm', warm)):
        for name, r in dec.items():
            print(f'{label}   {name:38s} {r:10.0f} samples/s  '
                  f'{r / dec["MSRAHeatmap"]:6.1f}x')


if __name__ == '__main__':
    main()
