"""Inference speed: PyTorch eager against onnxruntime, in one process.

    python benchmarks/bench_inference.py [--configs configs/hg2_mpii.py
        configs/hg8_mpii.py] [--batches 1 8] [--rounds 3] [--steps 3]

For each config, the network as the config builds it (random weights):
PyTorch eager (fp32, the config's layout), the same with each BatchNorm
that follows a convolution folded into it (mmcv's ``fuse_conv_bn``; the
pre-activation BN at the head of each residual module has no convolution
before it and stays), and the ONNX model of tools/deployment/pytorch2onnx.py
(dynamic batch) in onnxruntime's CPU provider. Images/s of the best round,
ratios against PyTorch eager.
"""
import argparse
import copy
import os.path as osp
import tempfile
import time

import numpy as np
import torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--configs', nargs='+', default=[
        'configs/hg2_mpii.py', 'configs/hg8_mpii.py'])
    parser.add_argument('--batches', type=int, nargs='+', default=[1, 8])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    import onnxruntime as ort
    from mmcv.cnn import fuse_conv_bn
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner.checkpoint import save_checkpoint
    from mmpose.registry import MODELS

    import hg_plugin  # noqa: F401
    from hg_plugin.datasets.metainfo import dataset_metainfo
    from hg_plugin.deployment import export
    print(f'torch {torch.__version__}, onnxruntime {ort.__version__}, '
          f'{args.threads} threads')
    init_default_scope('mmpose')
    for path in args.configs:
        cfg = Config.fromfile(path)
        model = MODELS.build(cfg.model).eval()
        with tempfile.TemporaryDirectory() as tmp:
            ckpt = osp.join(tmp, 'model.pth')
            save_checkpoint(dict(state_dict=model.state_dict(), meta=dict(
                dataset_meta=dataset_metainfo('mpii'))), ckpt)
            onnx_file = osp.join(tmp, 'model.onnx')
            net = export(path, ckpt, onnx_file, dynamic_batch=True)
            options = ort.SessionOptions()
            options.intra_op_num_threads = args.threads
            session = ort.InferenceSession(
                onnx_file, options, providers=['CPUExecutionProvider'])
            fused = fuse_conv_bn(copy.deepcopy(net)).eval()
            size = cfg.codec['input_size']
            for batch in args.batches:
                x = torch.rand(batch, 3, size[1], size[0])
                feed = {'input': x.numpy()}
                runs = {
                    'PyTorch eager': lambda: net(x),
                    'PyTorch eager, conv+BN fused': lambda: fused(x),
                    'onnxruntime': lambda: session.run(None, feed),
                }
                best = dict.fromkeys(runs, 0.)
                with torch.no_grad():
                    ref = net(x).numpy()
                    diff = np.abs(fused(x).numpy() - ref).max() / np.abs(
                        ref).max()
                    for _ in range(args.rounds):
                        for name, fn in runs.items():
                            fn()
                            start = time.perf_counter()
                            for _ in range(args.steps):
                                fn()
                            best[name] = max(best[name], batch * args.steps /
                                             (time.perf_counter() - start))
                for name, v in best.items():
                    print(f'{osp.basename(path)[:-3]:<10} batch {batch:<2} '
                          f'{name:<30} {v:7.2f} img/s '
                          f'({v / best["PyTorch eager"]:.2f}x)')
                print(f'  fused vs eager: largest difference {diff:.2g} of '
                      'the largest output')


if __name__ == '__main__':
    main()
