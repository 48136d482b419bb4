"""Top-down pose estimation with an exported stacked hourglass: numpy,
OpenCV and onnxruntime only (no torch, mmcv, mmengine or mmpose)."""
from .topdown import (TopdownOnnxRuntime, decode_heatmaps, draw_pose,
                      warp_matrix)

__all__ = ['TopdownOnnxRuntime', 'decode_heatmaps', 'draw_pose',
           'warp_matrix']
