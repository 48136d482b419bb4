"""Training-step and inference speed of the network as each config builds it.

    python benchmarks/bench_model.py [--configs configs/hg2_mpii.py ...]
        [--batch 8] [--rounds 3] [--steps 2] [--no-bf16] [--no-hg52]
        [--extra FILE.py:FACTORY ...] [--json out.json]

For each config: its backbone (``model.backbone``, as the config builds
it, e.g. channels-last on a CPU by default) and the same backbone plain
(``channels_last=False``: NCHW, the reference of the ratios), in fp32 and
under bf16 autocast; and mmpose's ``HourglassNet`` (hourglass-52, same
stacks, with a 1x1 heatmap layer per stack). Input: the config's codec
input size. Training step = forward, the MSE of every stack's heatmaps,
backward, RMSprop step; inference = an eval-mode forward without
gradients. The models take turns in each of ``--rounds`` rounds; the best
round counts (images/s). Ratios are against the plain fp32 model of the
same config, in the same process.

``--extra FILE.py:FACTORY`` adds any other implementation to the same run:
``FACTORY(num_stacks)`` returns ``(module, layout)``, layout ``'nchw'`` or
``'nhwc'`` for its input (e.g. a fetched reference port, kept outside the
project).
"""
import argparse
import json
from typing import Callable, Dict, List, Tuple

import torch
import torch.nn as nn
from common import images_per_second, load_extra


def config_backbone(path: str,
                    plain: bool = False) -> Tuple[nn.Module, int, int]:
    """The config's backbone, its input size and number of stacks."""
    from mmengine.config import Config
    from mmpose.registry import MODELS

    import hg_plugin  # noqa: F401
    cfg = Config.fromfile(path)
    b = cfg.model.backbone.copy()
    if plain:
        b['channels_last'] = False
    size = cfg.codec['input_size'][1]
    return MODELS.build(b), size, b.get('num_stacks', 2)


def hourglass52(stacks: int) -> nn.Module:
    from mmpose.registry import MODELS

    import hg_plugin  # noqa: F401
    return nn.Sequential(
        MODELS.build(dict(type='HourglassNet', num_stacks=stacks)),
        MODELS.build(dict(type='MultiStageHeatmapHead', in_channels=256,
                          out_channels=16, num_stages=stacks)))


def stage_outputs(out) -> List[torch.Tensor]:
    if isinstance(out, torch.Tensor):
        return list(out.unbind(1)) if out.ndim == 5 else [out]
    return list(out)


class Case:
    """One model in one precision; ``step`` runs a training step or an
    inference and returns images/s."""

    def __init__(self, name: str, model: nn.Module, size: int, batch: int,
                 layout: str = 'nchw', bf16: bool = False) -> None:
        self.name, self.model, self.bf16 = name, model, bf16
        torch.manual_seed(0)
        self.x = torch.rand(batch, 3, size, size)
        if layout == 'nhwc':
            self.x = self.x.permute(0, 2, 3, 1).contiguous()
        self.opt = torch.optim.RMSprop(model.parameters(), lr=2.5e-4)
        self.batch = batch

    def _autocast(self):
        return torch.autocast('cpu', dtype=torch.bfloat16,
                              enabled=self.bf16)

    def train_step(self) -> None:
        self.model.train()
        with self._autocast():
            outs = stage_outputs(self.model(self.x))
        loss = sum((o.float() - 0.5).square().mean() for o in outs)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()

    def inference(self) -> None:
        self.model.eval()
        with torch.no_grad(), self._autocast():
            self.model(self.x)

    def speed(self, fn: Callable[[], None], steps: int) -> float:
        return images_per_second(fn, self.batch, steps)


def build_cases(args) -> Dict[str, List[Case]]:
    """Cases by group; the first of each group is its reference."""
    groups = {}
    for path in args.configs:
        name = path.split('/')[-1][:-3]
        plain, size, stacks = config_backbone(path, plain=True)
        configured, _, _ = config_backbone(path)
        configured.load_state_dict(plain.state_dict())
        cases = [Case(f'{name} plain fp32', plain, size, args.batch),
                 Case(f'{name} as configured fp32', configured, size,
                      args.batch)]
        if args.bf16:
            cases.append(Case(f'{name} as configured bf16', configured,
                              size, args.batch, bf16=True))
        if args.hg52 and size == 256:
            hg52 = hourglass52(stacks)
            cases.append(Case(f"mmpose HourglassNet x{stacks} fp32", hg52,
                              size, args.batch))
        for spec in args.extra:
            factory, model, layout = load_extra(spec, stacks)
            cases.append(Case(f'{factory} x{stacks} fp32', model, size,
                              args.batch, layout))
        groups[name] = cases
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--configs', nargs='+', default=[
        'configs/hg2_mpii.py', 'configs/hg8_mpii.py', 'configs/hg1_flic.py',
        'configs/hg2_synthetic.py', 'configs/hg1_flic_synthetic.py'])
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--steps', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--no-bf16', dest='bf16', action='store_false')
    parser.add_argument('--no-hg52', dest='hg52', action='store_false')
    parser.add_argument('--no-train', dest='train', action='store_false')
    parser.add_argument('--extra', nargs='*', default=[])
    parser.add_argument('--json')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from hg_plugin.utils.cpu import native_bf16
    print(f'torch {torch.__version__}, {args.threads} threads, batch '
          f'{args.batch}; native bf16 on this CPU: {native_bf16()}')
    groups = build_cases(args)
    best: Dict[Tuple[str, str], float] = {}
    modes = (('train', 'train_step'), ) if args.train else ()
    modes += (('infer', 'inference'), )
    for _ in range(args.rounds):
        for cases in groups.values():
            for case in cases:
                for mode, fn in modes:
                    key = (case.name, mode)
                    best[key] = max(best.get(key, 0.), case.speed(
                        getattr(case, fn), args.steps))
    rows = []
    for cases in groups.values():
        ref = cases[0].name
        for case in cases:
            row = dict(model=case.name)
            for mode, _ in modes:
                v = best[case.name, mode]
                row[mode] = round(v, 3)
                row[f'{mode}_ratio'] = round(v / best[ref, mode], 3)
            rows.append(row)
            print(f"{case.name:<42}" + ''.join(
                f"  {m} {row[m]:7.2f} img/s ({row[m + '_ratio']:.2f}x)"
                for m, _ in modes))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=1)


if __name__ == '__main__':
    main()
