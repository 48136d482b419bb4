"""Export of a plugin model's network to ONNX, with the test pipeline's
settings in the file's metadata (``hg_deploy.metadata``, read by
``hg_deploy``); the command is ``tools/deployment/pytorch2onnx.py``."""
import os
import os.path as osp
import tempfile
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn

from hg_deploy import metadata
from ..utils.io import atomic_write


class HeatmapNetwork(nn.Module):
    """The pose model between its data preprocessor and its decoder."""

    def __init__(self, model: nn.Module, all_stacks: bool = False) -> None:
        super().__init__()
        self.backbone, self.head = model.backbone, model.head
        self.all_stacks = all_stacks

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        stacks = self.head.forward(self.backbone(x))
        return torch.stack(stacks, 1) if self.all_stacks else stacks[-1]


def export(config: str, checkpoint: Optional[str], output_file: str,
           input_size: Optional[Sequence[int]] = None, batch: int = 1,
           dynamic_batch: bool = False, dynamic_shape: bool = False,
           opset: int = 17, all_stacks: bool = False) -> nn.Module:
    """Write the ONNX model of a config and checkpoint (atomically).

    Args:
        config (str): The model config.
        checkpoint (str, optional): Its weights.
        output_file (str): The ``.onnx`` to write.
        input_size (sequence[int], optional): The crop (h, w) to export
            for. Defaults to the codec's input size.
        batch (int): The batch size of a model without a dynamic batch.
            Defaults to ``1``.
        dynamic_batch (bool): Any batch size. Defaults to ``False``.
        dynamic_shape (bool): Any height and width (multiples of 4), and
            any batch size. Defaults to ``False``.
        opset (int): ONNX opset. Defaults to ``17``.
        all_stacks (bool): Output every stack's heatmaps (N, S, K, h, w)
            instead of the last stack's. Defaults to ``False``.

    Returns:
        nn.Module: The exported PyTorch network (:class:`HeatmapNetwork`).
    """
    from ..apis.model import load_pose_model
    model, _, settings = load_pose_model(config, checkpoint)
    net = HeatmapNetwork(model, all_stacks).eval()
    if input_size is None:
        input_size = settings['input_size'][::-1]
    export_network(net, settings, output_file, input_size, batch,
                   dynamic_batch, dynamic_shape, opset)
    return net


def export_network(net: HeatmapNetwork, settings: Dict, output_file: str,
                   input_size: Sequence[int], batch: int = 1,
                   dynamic_batch: bool = False, dynamic_shape: bool = False,
                   opset: int = 17) -> None:
    """Write ``net`` as ONNX with ``settings`` (``pipeline_settings``) for
    crops of ``input_size`` (h, w) in its metadata; see :func:`export`."""
    import onnx
    h, w = (int(v) for v in input_size)
    settings = dict(
        settings, input_size=[w, h], heatmap_size=[w // 4, h // 4],
        scale_factor=[w / (w // 4), h / (h // 4)],
        output='all_stacks' if net.all_stacks else 'last_stack',
        dynamic_shape=dynamic_shape)
    axes = None
    if dynamic_shape:
        hm = 3 if net.all_stacks else 2  # the heatmaps' height axis
        axes = dict(input={0: 'batch', 2: 'height', 3: 'width'},
                    heatmaps={0: 'batch', hm: 'heatmap_height',
                              hm + 1: 'heatmap_width'})
    elif dynamic_batch:
        axes = dict(input={0: 'batch'}, heatmaps={0: 'batch'})
    dummy = torch.zeros(batch, 3, h, w)
    folder = osp.dirname(osp.abspath(output_file))
    os.makedirs(folder, exist_ok=True)
    fd, tmp_graph = tempfile.mkstemp(dir=folder, suffix='.graph.tmp')
    os.close(fd)
    try:
        with torch.no_grad():
            net(dummy)  # the backbone checks the size (not while tracing)
            torch.onnx.export(
                net, (dummy, ), tmp_graph, input_names=['input'],
                output_names=['heatmaps'], opset_version=opset,
                dynamic_axes=axes, dynamo=False)
        graph = onnx.load(tmp_graph)
    finally:
        if osp.exists(tmp_graph):
            os.remove(tmp_graph)
    write_model(graph, settings, output_file)


def write_model(graph, settings: Dict, output_file: str) -> None:
    """Write an ONNX model with ``settings`` as its metadata, atomically."""
    for entry in list(graph.metadata_props):
        if entry.key == metadata.KEY:
            graph.metadata_props.remove(entry)
    entry = graph.metadata_props.add()
    entry.key = metadata.KEY
    entry.value = metadata.encode(settings)
    atomic_write(output_file,
                 lambda f: f.write(graph.SerializeToString()), 'wb')


def verify(net: nn.Module, output_file: str, shapes: Sequence[Sequence[int]]
           ) -> float:
    """Largest difference of onnxruntime and PyTorch on random inputs of
    each (N, 3, H, W) shape, relative to the largest PyTorch output."""
    import onnxruntime as ort
    session = ort.InferenceSession(output_file,
                                   providers=['CPUExecutionProvider'])
    worst = 0.
    for shape in shapes:
        x = torch.randn(*shape)
        with torch.no_grad():
            ref = net(x).numpy()
        out = session.run(None, {'input': x.numpy()})[0]
        diff = float(np.abs(out - ref).max() / np.abs(ref).max())
        print(f'input {tuple(shape)}: largest |onnxruntime - PyTorch| = '
              f'{np.abs(out - ref).max():.3g} ({diff:.3g} of the largest '
              'output)')
        worst = max(worst, diff)
    return worst
