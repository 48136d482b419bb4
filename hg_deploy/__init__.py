"""Top-down pose estimation with an exported stacked hourglass: numpy,
OpenCV and onnxruntime only (no torch, mmcv, mmengine or mmpose)."""
from .metadata import MetadataError
from .topdown import (ExportedNetwork, OnnxNetwork, TopdownOnnxRuntime,
                      TopdownPipeline, decode_heatmaps, draw_pose,
                      onnx_session, warp_matrix)

__all__ = ['ExportedNetwork', 'MetadataError', 'OnnxNetwork',
           'TopdownOnnxRuntime', 'TopdownPipeline', 'decode_heatmaps',
           'draw_pose', 'onnx_session', 'warp_matrix']
