"""Inference speed of every path ``tools/infer.py`` can choose, in one
process, against PyTorch eager fp32 (and any other implementation).

    python benchmarks/bench_inference.py [--configs configs/hg2_mpii.py]
        [--batches 1 8] [--rounds 3] [--steps 3] [--threads 2]
        [--paths all] [--extra FILE.py:FACTORY ...]
        [--checkpoint CKPT --agreement DATA_ROOT] [--json OUT.json]

For each config, the network as the config builds it, on each path of
``hg_plugin.apis.paths`` (built by the same code the tool runs):
PyTorch eager and ``torch.compile`` in fp32 and bf16, onnxruntime and
OpenVINO (where installed) in fp32 and int8 (calibrated on random inputs:
the speed does not depend on the weights; with ``--agreement``, on 64
training people of the synthetic set). bf16 is measured on any CPU,
also where it is emulated (``--paths`` names others). Prints the start-up
seconds of each path (compilation, export, quantization) and its images/s
at each batch size, best of the rounds, with its ratio to eager fp32 and
to the first ``--extra`` (e.g. princeton-vl's PoseNet, fetched outside the
project).

``--checkpoint`` and ``--agreement DATA_ROOT`` (a synthetic set of
``tools/make_synthetic_data.py``) also measure how far each path's
keypoints lie from eager fp32's on the validation people, and their Mean
PCKh@0.5.
"""
import argparse
import json
import os
import os.path as osp
import tempfile
import time
from typing import Dict, List

import numpy as np
import torch
from common import images_per_second, load_extra

ALL = ('pytorch fp32', 'pytorch bf16', 'pytorch fp32 compile',
       'pytorch bf16 compile', 'onnxruntime fp32', 'onnxruntime int8',
       'openvino fp32', 'openvino bf16', 'openvino int8')


def parse_path(name: str):
    from hg_plugin.apis.paths import InferencePath
    parts = name.split()
    return InferencePath(parts[0], parts[1], 'compile' in parts)


def build(path, net, files, threads, calib):
    """The network function of ``path`` and its start-up seconds."""
    from hg_plugin.apis.networks import build_network
    start = time.perf_counter()
    fn = build_network(path, net, 'cpu', files, lambda: calib, 'benchmark',
                       threads)
    fn(calib[0])  # torch.compile compiles at its first batch
    return fn, time.perf_counter() - start


def calibration(settings, data_root: str = None) -> List[np.ndarray]:
    """Crops to calibrate int8 on: 64 training people of a synthetic set
    (``tools/make_synthetic_data.py``), or 8 random inputs where the speed
    alone is measured."""
    w, h = settings['input_size']
    if data_root is None:
        rng = np.random.default_rng(0)
        return [rng.standard_normal((1, 3, h, w)).astype(np.float32)
                for _ in range(8)]
    import cv2

    from hg_deploy import TopdownPipeline
    from hg_plugin.apis.inputs import spread
    from hg_plugin.datasets import CheckedMpiiDataset
    ds = CheckedMpiiDataset(
        data_root=data_root, ann_file='annotations/mpii_train.json',
        data_prefix=dict(img='images/'), test_mode=True, pipeline=[])
    pipeline = TopdownPipeline(settings, network=None)
    infos = [ds.get_data_info(i) for i in spread(len(ds), 64)]
    return [pipeline.preprocess(cv2.imread(i['img_path']), i['bbox'])[0]
            for i in infos]


def agreement(fn, settings, data_root: str) -> Dict[str, float]:
    """Keypoints of ``fn``'s path on a synthetic set's validation people."""
    import cv2

    from hg_deploy import TopdownPipeline
    from hg_plugin.datasets import CheckedMpiiDataset
    ds = CheckedMpiiDataset(
        data_root=data_root, ann_file='annotations/mpii_val.json',
        headbox_file=osp.join(data_root, 'annotations', 'mpii_gt_val.mat'),
        data_prefix=dict(img='images/'), test_mode=True, pipeline=[])
    pipeline = TopdownPipeline(settings, fn)
    preds = []
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        img = cv2.imread(info['img_path'])
        preds.append(pipeline(img, info['bbox'])[0][0])
    return np.stack(preds), ds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--configs', nargs='+',
                        default=['configs/hg2_mpii.py'])
    parser.add_argument('--batches', type=int, nargs='+', default=[1, 8])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--paths', nargs='+', default=['all'],
                        help=f'any of {ALL}, or all')
    parser.add_argument('--extra', nargs='*', default=[])
    parser.add_argument('--checkpoint')
    parser.add_argument('--agreement', metavar='DATA_ROOT')
    parser.add_argument('--json')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpose.apis.inference import dataset_meta_from_config
    from mmpose.registry import MODELS

    import hg_plugin  # noqa: F401
    from hg_plugin.apis.networks import ModelFiles
    from hg_plugin.apis.paths import installed
    from hg_plugin.deployment import HeatmapNetwork, pipeline_settings
    from hg_plugin.utils.cpu import fast_int8, native_bf16
    init_default_scope('mmpose')
    names = ALL if args.paths == ['all'] else args.paths
    names = [n for n in names if not n.startswith('openvino')
             or installed('openvino')]
    print(f'torch {torch.__version__}, {args.threads} threads; native '
          f'bf16: {native_bf16()}, int8 dot products: {fast_int8()}')
    rows: List[Dict] = []
    for config in args.configs:
        cfg = Config.fromfile(config)
        model = MODELS.build(cfg.model).eval()
        if args.checkpoint:
            from mmengine.runner.checkpoint import load_checkpoint
            load_checkpoint(model, args.checkpoint, map_location='cpu')
        model.dataset_meta = dataset_meta_from_config(cfg, 'test')
        settings = pipeline_settings(cfg, model)
        net = HeatmapNetwork(model).eval()
        size = settings['input_size']
        with tempfile.TemporaryDirectory() as tmp:
            # measured from scratch: no exported model of an earlier run
            os.environ['HG_CACHE_DIR'] = tmp
            files = ModelFiles(net, settings, cfg.model.to_dict(), None)
            calib = calibration(settings, args.agreement)
            fns, startup = {}, {}
            for name in names:
                fns[name], startup[name] = build(parse_path(name), net,
                                                 files, args.threads, calib)
                print(f'{name}: start-up {startup[name]:.1f} s', flush=True)
            for spec in args.extra:
                factory, extra, layout = load_extra(
                    spec, cfg.model.backbone.num_stacks)
                extra.eval()

                def run(x, extra=extra, layout=layout):
                    t = torch.from_numpy(x)
                    if layout == 'nhwc':
                        t = t.permute(0, 2, 3, 1).contiguous()
                    with torch.inference_mode():
                        return extra(t)

                fns[factory] = run
            for batch in args.batches:
                x = np.random.default_rng(1).standard_normal(
                    (batch, 3, size[1], size[0])).astype(np.float32)
                best = dict.fromkeys(fns, 0.)
                for _ in range(args.rounds):
                    for name, fn in fns.items():
                        best[name] = max(best[name], images_per_second(
                            lambda: fn(x), batch, args.steps))
                ref = best['pytorch fp32']
                other = (best.get(load_name(args.extra[0]))
                         if args.extra else None)
                for name, v in best.items():
                    row = dict(config=osp.basename(config), batch=batch,
                               path=name, images_per_s=round(v, 3),
                               vs_eager=round(v / ref, 3),
                               startup_s=round(startup.get(name, 0.), 1))
                    if other:
                        row['vs_extra'] = round(v / other, 3)
                    rows.append(row)
                    print(f"{row['config'][:-3]:<10} batch {batch:<2} "
                          f'{name:<24} {v:7.2f} img/s ({v / ref:.2f}x'
                          + (f', {v / other:.2f}x the extra)' if other
                             else ')'), flush=True)
            if args.agreement:
                base, ds = agreement(fns['pytorch fp32'], settings,
                                     args.agreement)
                from hg_plugin.evaluation.functional import pckh_table
                infos = [ds.get_data_info(i) for i in range(len(ds))]
                gt = np.stack([i['keypoints'][0] for i in infos])
                mask = np.stack([i['keypoints_visible'][0] > 0.5
                                 for i in infos])
                head = np.array([i['head_size'].item() for i in infos])
                for name in names:
                    preds = base if name == 'pytorch fp32' else agreement(
                        fns[name], settings, args.agreement)[0]
                    d = np.linalg.norm(preds - base, axis=-1)
                    pck = pckh_table(preds, gt, mask, head)
                    print(f'{name:<24} keypoints vs eager fp32: mean '
                          f'{d.mean():.2f} px, within 1 px '
                          f'{100 * (d <= 1).mean():.1f}%; Mean PCKh@0.5 '
                          f"{pck['PCKh@0.5']['Mean']:.2f}", flush=True)
                    rows.append(dict(path=name, agreement_mean_px=float(
                        d.mean()), within_1px=float((d <= 1).mean()),
                        pckh_mean=pck['PCKh@0.5']['Mean']))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=1)


def load_name(spec: str) -> str:
    return spec.split(':')[1]


if __name__ == '__main__':
    main()
