"""Export a plugin model's network to ONNX (mmpose 0.x's convention).

    python tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT \
        --output-file OUT.onnx [--shape H W] [--batch N] [--dynamic-batch]
        [--dynamic-shape] [--opset 17] [--all-stacks] [--verify]
        [--quantize int8 --calib-images DIR_OR_CONFIG [--calib-count 64]
         [--calib-method minmax]]

The ONNX model maps the normalised input crop (N, 3, H, W) to the last
stack's heatmaps (N, K, H/4, W/4), or with ``--all-stacks`` every stack's
(N, S, K, H/4, W/4). ``--shape H W`` exports for another crop than the
config's (any multiple of 4), ``--dynamic-shape`` for any, chosen at run
time. Its metadata (``hg_plugin``, ``hg_deploy/metadata.py``) carries what
the test pipeline does around the network (crop padding and size,
normalisation, flip test, decoding, joint names), which
``hg_deploy.TopdownOnnxRuntime`` and ``tools/infer.py`` read.

``--quantize int8`` also writes the int8 model (QDQ, per-channel weights;
OUT.onnx is int8, the fp32 model goes to OUT.fp32.onnx), calibrated on
``--calib-count`` crops: the images of a folder (each image one person),
or a config's validation people through its test pipeline.
``--verify`` runs onnxruntime against PyTorch and prints the largest
difference.
"""
import argparse
import os.path as osp
import sys

from hg_plugin.deployment import export, verify
from hg_plugin.known_warnings import silence_known_warnings


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--output-file', required=True)
    parser.add_argument('--shape', type=int, nargs=2, metavar=('H', 'W'),
                        help="the crop's height and width (default: the "
                        "codec's input size)")
    parser.add_argument('--batch', type=int, default=1,
                        help='the batch size of a model without '
                        '--dynamic-batch')
    parser.add_argument('--dynamic-batch', action='store_true',
                        help='any batch size (the first axis is dynamic)')
    parser.add_argument('--dynamic-shape', action='store_true',
                        help='any batch size, height and width')
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--all-stacks', action='store_true',
                        help="output every stack's heatmaps, (N, S, K, h, "
                        'w), instead of the last')
    parser.add_argument('--verify', action='store_true',
                        help='compare onnxruntime with PyTorch')
    parser.add_argument('--quantize', choices=('int8', ),
                        help='also quantize (static, onnxruntime)')
    parser.add_argument('--calib-images', metavar='DIR_OR_CONFIG',
                        help='calibration: a folder of images or a config '
                        'whose validation set to use')
    parser.add_argument('--calib-count', type=int, default=64)
    parser.add_argument('--calib-method', default='minmax',
                        choices=('minmax', 'percentile', 'entropy'))
    args = parser.parse_args()
    if args.quantize and not args.calib_images:
        parser.error('--quantize int8 needs --calib-images DIR_OR_CONFIG')
    if args.calib_count < 1 or args.batch < 1:
        parser.error('--calib-count and --batch must be at least 1')
    return args


def main() -> int:
    args = parse_args()
    silence_known_warnings()
    out = args.output_file
    fp32_file = osp.splitext(out)[0] + '.fp32.onnx' if args.quantize else out
    try:
        net = export(args.config, args.checkpoint, fp32_file, args.shape,
                     args.batch, args.dynamic_batch or bool(args.quantize),
                     args.dynamic_shape, args.opset, args.all_stacks)
        print(f'written {fp32_file}')
        if args.quantize:
            from hg_plugin.deployment.quantization import quantize_file
            settings = quantize_file(fp32_file, out, args.config,
                                     args.calib_images, args.calib_count,
                                     args.calib_method)
            calib = settings['calibration']
            print(f"written {out} (int8, calibrated on {calib['images']} "
                  f"crops of {calib['source']}, {calib['method']})")
    except (ValueError, FileNotFoundError, RuntimeError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    if args.verify:
        h, w = args.shape or net.head.decoder.input_size[::-1]
        n = args.batch
        shapes = [(n, 3, h, w)]
        if args.dynamic_batch or args.dynamic_shape or args.quantize:
            shapes.append((3, 3, h, w))
        if args.dynamic_shape:
            shapes.append((1, 3, h + 32, w - 16))
        verify(net, fp32_file, shapes)
    return 0


if __name__ == '__main__':
    sys.exit(main())
