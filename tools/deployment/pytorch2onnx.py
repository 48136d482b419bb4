"""Export a plugin model's network to ONNX (mmpose 0.x's convention).

    python tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT \
        --output-file OUT.onnx [--shape N 3 H W] [--dynamic-batch]
        [--opset 17] [--all-stacks] [--verify]

The ONNX model maps the normalised input crop (N, 3, H, W) to the last
stack's heatmaps (N, K, H/4, W/4), or with ``--all-stacks`` every stack's
(N, S, K, H/4, W/4). Its metadata (``hg_plugin``) carries what the test
pipeline does around the network (crop padding and size, normalisation,
flip test, decoding, joint names), which ``hg_deploy.TopdownOnnxRuntime``
and ``tools/infer.py --backend onnxruntime`` read. ``--verify`` runs
onnxruntime against PyTorch and prints the largest difference.
"""
import argparse
import sys

from hg_plugin.deployment import export, verify
from hg_plugin.known_warnings import silence_known_warnings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--output-file', required=True)
    parser.add_argument('--shape', type=int, nargs=4,
                        metavar=('N', 'C', 'H', 'W'),
                        help="input shape (default: 1, 3 and the codec's "
                        'input size)')
    parser.add_argument('--dynamic-batch', action='store_true',
                        help='any batch size (the first axis is dynamic)')
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--all-stacks', action='store_true',
                        help="output every stack's heatmaps, (N, S, K, h, "
                        'w), instead of the last')
    parser.add_argument('--verify', action='store_true',
                        help='compare onnxruntime with PyTorch')
    args = parser.parse_args()
    silence_known_warnings()
    try:
        net = export(args.config, args.checkpoint, args.output_file,
                     args.shape, args.dynamic_batch, args.opset,
                     args.all_stacks)
    except (ValueError, FileNotFoundError, RuntimeError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(f'written {args.output_file}')
    if args.verify:
        w, h = net.head.decoder.input_size
        verify(net, args.output_file, args.shape or (1, 3, h, w),
               args.dynamic_batch)
    return 0


if __name__ == '__main__':
    sys.exit(main())
