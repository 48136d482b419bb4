"""ONNX export; not imported with the plugin."""
from .onnx_export import HeatmapNetwork, export, pipeline_settings, verify

__all__ = ['HeatmapNetwork', 'export', 'pipeline_settings', 'verify']
