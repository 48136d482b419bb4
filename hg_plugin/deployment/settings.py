"""What a config does around its network at test time, as the settings of
``hg_deploy.metadata``: the ONNX exporter writes them into the file, and
the plugin's inference runs ``hg_deploy.TopdownPipeline`` with them around
a PyTorch network."""
from typing import Dict

import torch.nn as nn
from mmengine.config import Config

from ..datasets.metainfo import joint_names


def pipeline_settings(cfg: Config, model: nn.Module) -> Dict:
    """The test path of ``cfg`` for ``model`` (built from it, with its
    ``dataset_meta``): crop, normalisation, flip test, decoding, joints.

    Raises:
        ValueError: Not a plugin model (a head with the plugin's
            ``GaussianHeatmap`` decoder).
    """
    codec = getattr(model.head, 'decoder', None)
    if codec is None or not hasattr(codec, 'refine'):
        raise ValueError(f'{cfg.filename}: not a plugin model (a head with '
                         "a GaussianHeatmap decoder)")
    pipeline = cfg.test_dataloader.dataset.pipeline
    padding = [t.get('padding', 1.25) for t in pipeline
               if t['type'] == 'GetBBoxCenterScale']
    pre = cfg.model.data_preprocessor
    test_cfg = model.test_cfg or {}
    meta = model.dataset_meta
    return dict(
        input_size=[int(v) for v in codec.input_size],
        heatmap_size=[int(v) for v in codec.heatmap_size],
        scale_factor=[float(v) for v in codec.scale_factor],
        refine=codec.refine,
        padding=float(padding[0]) if padding else 1.25,
        mean=[float(v) for v in pre.get('mean', (0., 0., 0.))],
        std=[float(v) for v in pre.get('std', (1., 1., 1.))],
        divisor=float(pre.get('divisor', 1.)),
        bgr_to_rgb=bool(pre.get('bgr_to_rgb', False)),
        flip_test=bool(test_cfg.get('flip_test', False)),
        shift_heatmap=bool(test_cfg.get('shift_heatmap', False)),
        flip_indices=[int(i) for i in meta['flip_indices']],
        keypoint_names=joint_names(meta),
        skeleton=[[int(a), int(b)]
                  for a, b in meta.get('skeleton_links', [])],
        output='last_stack',
        dynamic_shape=False,
        precision='fp32',
        calibration=None)
