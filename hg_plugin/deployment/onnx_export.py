"""Export of a plugin model's network to ONNX, with the test pipeline's
settings in the file's metadata (read by ``hg_deploy``); the command is
``tools/deployment/pytorch2onnx.py``."""
import json
import os
import os.path as osp

import numpy as np
import torch
import torch.nn as nn

from ..utils.io import atomic_write

METADATA_KEY = 'hg_plugin'  # as hg_deploy.topdown.METADATA_KEY


class HeatmapNetwork(nn.Module):
    """The pose model between its data preprocessor and its decoder."""

    def __init__(self, model: nn.Module, all_stacks: bool) -> None:
        super().__init__()
        self.backbone, self.head = model.backbone, model.head
        self.all_stacks = all_stacks

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        stacks = self.head.forward(self.backbone(x))
        return torch.stack(stacks, 1) if self.all_stacks else stacks[-1]


def pipeline_settings(cfg, model: nn.Module) -> dict:
    """What ``hg_deploy`` needs of the config's test path."""
    codec = model.head.decoder
    pipeline = cfg.test_dataloader.dataset.pipeline
    padding = [t.get('padding', 1.25) for t in pipeline
               if t['type'] == 'GetBBoxCenterScale']
    pre = cfg.model.data_preprocessor
    test_cfg = model.test_cfg or {}
    meta = model.dataset_meta
    names = [meta['keypoint_id2name'][i] for i in range(meta['num_keypoints'])]
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
        keypoint_names=names,
        skeleton=[[int(a), int(b)]
                  for a, b in meta.get('skeleton_links', [])])


def export(config: str, checkpoint: str, output_file: str, shape=None,
           dynamic_batch: bool = False, opset: int = 17,
           all_stacks: bool = False) -> nn.Module:
    """Write the ONNX model (atomically); return the PyTorch network."""
    import onnx
    from mmengine.config import Config
    from mmpose.apis import init_model
    cfg = Config.fromfile(config)
    model = init_model(cfg, checkpoint, device='cpu')
    if model.head.__class__.__name__ != 'MultiStageHeatmapHead' or \
            model.head.decoder is None:
        raise ValueError(f'{config}: not a plugin model (a '
                         'MultiStageHeatmapHead with a decoder)')
    net = HeatmapNetwork(model, all_stacks).eval()
    w, h = model.head.decoder.input_size
    shape = shape or (1, 3, h, w)
    dummy = torch.zeros(*shape)
    tmp_graph = output_file + '.graph.tmp'
    try:
        with torch.no_grad():
            torch.onnx.export(
                net, (dummy, ), tmp_graph, input_names=['input'],
                output_names=['heatmaps'], opset_version=opset,
                dynamic_axes=dict(input={0: 'batch'}, heatmaps={0: 'batch'})
                if dynamic_batch else None, dynamo=False)
        graph = onnx.load(tmp_graph)
    finally:
        if osp.exists(tmp_graph):
            os.remove(tmp_graph)
    entry = graph.metadata_props.add()
    entry.key = METADATA_KEY
    entry.value = json.dumps(pipeline_settings(cfg, model))
    atomic_write(output_file,
                 lambda f: f.write(graph.SerializeToString()), 'wb')
    return net


def verify(net: nn.Module, output_file: str, shape, dynamic_batch: bool
           ) -> float:
    """Largest difference of onnxruntime and PyTorch on random inputs
    (batch 1 and 3 with a dynamic batch), relative to the largest
    PyTorch output."""
    import onnxruntime as ort
    session = ort.InferenceSession(output_file,
                                   providers=['CPUExecutionProvider'])
    worst = 0.
    for n in ((1, 3) if dynamic_batch else (shape[0], )):
        x = torch.randn(n, *shape[1:])
        with torch.no_grad():
            ref = net(x).numpy()
        out = session.run(None, {'input': x.numpy()})[0]
        diff = float(np.abs(out - ref).max() / np.abs(ref).max())
        print(f'batch {n}: largest |onnxruntime - PyTorch| = '
              f'{np.abs(out - ref).max():.3g} ({diff:.3g} of the largest '
              'output)')
        worst = max(worst, diff)
    return worst
