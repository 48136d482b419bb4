"""Speed, size and memory of StackedHourglass against mmpose's HourglassNet.

    python benchmarks/bench_model.py [--stacks 2 8] [--batch 8] [--iters 3]
        [--variants eager channels_last compile] [--json out.json]

For each model (the plugin's StackedHourglass, mmpose's HourglassNet with a
1x1 heatmap layer per stack, same number of stacks) at 256x256, fp32 on the
CPU: training-step images/s (forward, backward over the summed per-stack
MSE, RMSprop step) and inference images/s, for the plain eager model,
``channels_last`` and ``torch.compile``; parameters, FLOPs of one image's
forward pass; peak memory of a training step with and without ``with_cp``
(each measured in a fresh process: the growth of its resident memory;
HourglassNet has no ``with_cp``). Ratios are
against the plain eager StackedHourglass of the same run.
"""
import argparse
import json
import multiprocessing as mp
import resource
import time

import torch
import torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode


def build(kind: str, stacks: int, with_cp: bool = False) -> nn.Module:
    from mmpose.registry import MODELS

    import hg_plugin  # noqa: F401
    if kind == 'StackedHourglass':
        return MODELS.build(dict(type='StackedHourglass', num_stacks=stacks,
                                 num_keypoints=16, with_cp=with_cp))
    if with_cp:
        raise ValueError('mmpose\'s HourglassNet has no with_cp option')
    backbone = MODELS.build(dict(type='HourglassNet', num_stacks=stacks))
    head = MODELS.build(dict(type='MultiStageHeatmapHead', in_channels=256,
                             out_channels=16, num_stages=stacks))
    return nn.Sequential(backbone, head)


def heatmaps(model: nn.Module, x: torch.Tensor) -> list:
    out = model(x)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def time_it(fn, iters: int, warmup: int = 1) -> tuple:
    """Seconds per call after ``warmup`` calls, and seconds of the warm-up
    (with torch.compile: mostly compilation)."""
    start = time.perf_counter()
    for _ in range(warmup):
        fn()
    mid = time.perf_counter()
    for _ in range(iters):
        fn()
    return (time.perf_counter() - mid) / iters, mid - start


def speed(kind: str, stacks: int, variant: str, batch: int,
          iters: int) -> dict:
    torch.manual_seed(0)
    model = build(kind, stacks)
    x = torch.rand(batch, 3, 256, 256)
    if variant == 'channels_last':
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.RMSprop(model.parameters(), lr=2.5e-4)
    run = torch.compile(model) if variant == 'compile' else model
    target = torch.rand(batch, 16, 64, 64)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = sum(((h - target)**2).mean() for h in heatmaps(run, x))
        loss.backward()
        opt.step()

    # compile: the first call compiles, the second may recompile once
    warmup = 2 if variant == 'compile' else 1
    model.train()
    t_train, w_train = time_it(train_step, iters, warmup)
    model.eval()
    with torch.no_grad():
        t_infer, w_infer = time_it(lambda: heatmaps(run, x), iters, warmup)
    return dict(train_img_s=batch / t_train, infer_img_s=batch / t_infer,
                warmup_s=w_train + w_infer)


def size(kind: str, stacks: int) -> dict:
    model = build(kind, stacks)
    model.eval()  # mmpose's BaseBackbone.train() returns None
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.rand(1, 3, 256, 256))
    return dict(params=sum(p.numel() for p in model.parameters()),
                gflops=counter.get_total_flops() / 2e9)  # multiply-adds


def _rss_mib() -> float:
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_memory_child(kind, stacks, with_cp, batch, queue) -> None:
    """Growth of this process's resident memory over one forward and
    backward pass, sampled every millisecond (ru_maxrss cannot be used: the
    import of torch peaks higher than the training step)."""
    import threading
    torch.set_num_threads(1)
    model = build(kind, stacks, with_cp)
    model.train()
    x = torch.rand(batch, 3, 256, 256)
    base = peak = _rss_mib()
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_mib())
            time.sleep(0.001)

    sampler = threading.Thread(target=sample)
    sampler.start()
    loss = sum(h.square().mean() for h in heatmaps(model, x))
    loss.backward()
    done.set()
    sampler.join()
    queue.put(peak - base)


def peak_memory(kind: str, stacks: int, with_cp: bool, batch: int) -> float:
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    proc = ctx.Process(target=_peak_memory_child,
                       args=(kind, stacks, with_cp, batch, queue))
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        raise RuntimeError(f'memory measurement of {kind} x{stacks} failed')
    return queue.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--stacks', type=int, nargs='+', default=[2, 8])
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--iters', type=int, default=3)
    parser.add_argument('--variants', nargs='*',
                        default=['eager', 'channels_last', 'compile'])
    parser.add_argument('--models', nargs='+',
                        default=['StackedHourglass', 'HourglassNet'])
    parser.add_argument('--no-memory', action='store_true')
    parser.add_argument('--json', help='also write the figures here')
    args = parser.parse_args()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, '
          f'batch {args.batch}, 256x256, fp32, CPU')
    results = []
    for stacks in args.stacks:
        ref = None
        for kind in args.models:
            row = dict(model=kind, stacks=stacks, **size(kind, stacks))
            for variant in args.variants:
                row[variant] = speed(kind, stacks, variant, args.batch,
                                     args.iters)
            if not args.no_memory:
                row['peak_mib'] = peak_memory(kind, stacks, False,
                                              args.batch)
                row['peak_mib_with_cp'] = peak_memory(
                    kind, stacks, True, args.batch
                ) if kind == 'StackedHourglass' else float('nan')
            if args.variants:
                ref = ref or row[args.variants[0]]
            results.append(row)
            line = (f'{kind:17s} x{stacks}: {row["params"] / 1e6:6.2f} M '
                    f'params, {row["gflops"]:6.2f} GMAC/img')
            for variant in args.variants:
                r = row[variant]
                line += (f' | {variant}: train {r["train_img_s"]:.2f} img/s '
                         f'({r["train_img_s"] / ref["train_img_s"]:.2f}x), '
                         f'infer {r["infer_img_s"]:.2f} img/s '
                         f'({r["infer_img_s"] / ref["infer_img_s"]:.2f}x)')
                if variant == 'compile':
                    line += f', warm-up {r["warmup_s"]:.0f} s'
            if not args.no_memory:
                line += (f' | peak {row["peak_mib"]:.0f} MiB, with_cp '
                         f'{row["peak_mib_with_cp"]:.0f} MiB')
            print(line, flush=True)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)


if __name__ == '__main__':
    main()
