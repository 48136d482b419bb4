"""Inference and the tools' command lines, for ``tools/`` and users'
scripts; not imported with the plugin."""
from .boxes import InputError, boxes_for, load_bboxes
from .inferencer import TopdownInferencer
from .inputs import list_inputs, read_image
from .paths import InferencePath, supported_paths
from .video import VideoReader, VideoWriter, write_video

__all__ = [
    'InferencePath', 'InputError', 'TopdownInferencer', 'VideoReader',
    'VideoWriter', 'boxes_for', 'list_inputs', 'load_bboxes', 'read_image',
    'supported_paths', 'write_video'
]
