"""ONNX export and int8 quantization; not imported with the plugin."""
from .onnx_export import HeatmapNetwork, export, export_network, verify
from .settings import pipeline_settings

__all__ = ['HeatmapNetwork', 'export', 'export_network', 'pipeline_settings',
           'verify']
