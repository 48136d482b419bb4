"""A public stacked-hourglass checkpoint -> an mmpose checkpoint of the
plugin.

    python tools/model_converters/hourglass_to_mmpose.py SRC DST \
        [--from princeton-vl|bearpaw] [--dataset mpii]

SRC: princeton-vl/pytorch_stacked_hourglass's ``checkpoint.pt``,
bearpaw/pytorch-pose's ``checkpoint.pth.tar`` / ``model_best.pth.tar``, or
a plain state dict of either network (anibali/pytorch-stacked-hourglass's
``bearpaw_hg*.pth``); the source is detected from the keys unless
``--from`` says it. DST: an mmengine checkpoint with the dataset's joint
names and flip pairs in ``meta.dataset_meta``, for ``tools/test.py``,
``mmpose.apis.init_model`` and ``MMPoseInferencer`` with the matching
``configs/pretrained/`` config. Nothing in SRC is executed
(``weights_only`` loading); DST is written atomically.
"""
import argparse
import os.path as osp
import sys

import torch

from hg_plugin.converters.checkpoints import (SOURCES,
                                              CheckpointConversionError,
                                              convert_file)
from hg_plugin.datasets.metainfo import dataset_metainfo
from hg_plugin.utils.io import (DamagedCheckpointError, UnsafeCheckpointError,
                                atomic_write)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='the public checkpoint')
    parser.add_argument('dst', help='the mmengine checkpoint to write')
    parser.add_argument('--from', dest='source', choices=SOURCES,
                        help='the source (default: detected from the keys)')
    parser.add_argument('--dataset', default='mpii', choices=('mpii', ),
                        help='what the network was trained on (both '
                        'lineages publish MPII models)')
    args = parser.parse_args()
    try:
        state_dict, source, arch = convert_file(args.src, args.source)
        meta = dataset_metainfo(args.dataset)
        if arch['num_keypoints'] != meta['num_keypoints']:
            raise CheckpointConversionError(
                f"{args.src}: {arch['num_keypoints']} heatmaps, but "
                f"{args.dataset} has {meta['num_keypoints']} joints")
    except (CheckpointConversionError, UnsafeCheckpointError,
            DamagedCheckpointError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    ckpt = dict(
        meta=dict(
            dataset_meta=meta,
            converted_from=dict(
                source=source, file=osp.basename(args.src), **arch)),
        state_dict=state_dict)
    atomic_write(args.dst, lambda f: torch.save(ckpt, f), mode='wb')
    print(f'{source} network ({arch["num_stacks"]} stacks, stem '
          f'{arch["stem_channels"]}): {len(state_dict)} tensors written to '
          f'{args.dst}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
