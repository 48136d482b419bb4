"""Top-down pose estimation with an exported stacked hourglass: numpy,
OpenCV and onnxruntime only (no torch, mmcv, mmengine or mmpose)."""
from .metadata import MetadataError
from .topdown import (OnnxNetwork, TopdownOnnxRuntime, TopdownPipeline,
                      decode_heatmaps, draw_pose, warp_matrix)

__all__ = ['MetadataError', 'OnnxNetwork', 'TopdownOnnxRuntime',
           'TopdownPipeline', 'decode_heatmaps', 'draw_pose', 'warp_matrix']
