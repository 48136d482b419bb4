"""The settings an exported model carries in its ONNX metadata, in one
place: written by ``hg_plugin.deployment`` (``tools/deployment/
pytorch2onnx.py``), read by :class:`hg_deploy.TopdownOnnxRuntime`.

The metadata entry ``KEY`` holds a json object::

    version          int, the format's version (files without one: 1)
    input_size       [w, h] of the crop the network was exported for
    heatmap_size     [w, h] of its heatmaps
    scale_factor     [sx, sy], input pixels per heatmap pixel
    refine           'quarter', 'dark' or 'none' (the decoder's sub-pixel
                     step; hg_deploy decodes 'quarter' and 'none')
    padding          the box padding of GetBBoxCenterScale
    mean, std        per channel, after dividing by ``divisor``
    divisor          the input is divided by it first (1: mmpose's)
    bgr_to_rgb       whether the network takes RGB
    flip_test        average with the flipped crop's heatmaps
    shift_heatmap    shift the flipped heatmaps a pixel (mmpose's flip test)
    flip_indices     the joint each joint becomes when flipped
    keypoint_names   in order
    skeleton         [[a, b], ...] joint index pairs to draw
    output           'last_stack': (N, K, h, w); 'all_stacks': (N, S, K,
                     h, w), of which the last stack is used
    dynamic_shape    whether height and width may vary at run time
    precision        'fp32' or 'int8'
    calibration      for int8: {'source', 'images', 'method'}; else null

Version 2 added ``version``, ``output``, ``dynamic_shape``, ``precision``
and ``calibration``; a version 1 file is read with their defaults. A file
of a newer version is refused: its fields may mean what this reader does
not know.
"""
import json
from typing import Any, Dict, Mapping

KEY = 'hg_plugin'
VERSION = 2
# what a version 1 file (written before these fields existed) means
DEFAULTS_V1 = dict(output='last_stack', dynamic_shape=False,
                   precision='fp32', calibration=None)
REQUIRED = ('input_size', 'heatmap_size', 'scale_factor', 'refine',
            'padding', 'mean', 'std', 'divisor', 'bgr_to_rgb', 'flip_test',
            'shift_heatmap', 'flip_indices', 'keypoint_names', 'skeleton')
OUTPUTS = ('last_stack', 'all_stacks')
PRECISIONS = ('fp32', 'int8')


class MetadataError(ValueError):
    """An ONNX file whose metadata this reader cannot use."""


def encode(settings: Dict[str, Any]) -> str:
    """The metadata value for ``settings`` (every field of the module
    docstring but ``version``), checked as :func:`decode` will read it."""
    meta = dict(settings, version=VERSION)
    decode(json.dumps(meta), 'the settings to export')
    return json.dumps(meta)


def decode(value: str, source: str) -> Dict[str, Any]:
    """The settings of a metadata value, checked.

    Args:
        value (str): The metadata entry ``KEY``.
        source (str): The file, for the messages.

    Raises:
        MetadataError: Not json, a newer version, a missing field or an
            unknown value.
    """
    try:
        meta = json.loads(value)
    except ValueError as e:
        raise MetadataError(f'{source}: its {KEY!r} metadata is not json '
                            f'({e})') from None
    if not isinstance(meta, dict):
        raise MetadataError(f'{source}: its {KEY!r} metadata is not a json '
                            'object')
    version = meta.get('version', 1)
    if not isinstance(version, int) or isinstance(version, bool) or \
            version < 1:
        raise MetadataError(f'{source}: metadata version {version!r:.20} '
                            'is not a version (1, 2, ...)')
    if version > VERSION:
        raise MetadataError(
            f'{source}: metadata version {version} is newer than this '
            f'hg_deploy reads (up to {VERSION}); update hg_deploy')
    if version == 1:
        meta = {**DEFAULTS_V1, **meta, 'version': 1}
    missing = [k for k in REQUIRED + tuple(DEFAULTS_V1) if k not in meta]
    if missing:
        raise MetadataError(f'{source}: its {KEY!r} metadata lacks '
                            f'{missing}')
    for field, allowed in (('output', OUTPUTS), ('precision', PRECISIONS),
                           ('refine', ('quarter', 'dark', 'none'))):
        if meta[field] not in allowed:
            raise MetadataError(f'{source}: metadata {field} '
                                f'{meta[field]!r:.40} is not one of '
                                f'{list(allowed)}')
    return meta


def from_properties(props: Mapping[str, str], source: str) -> Dict[str, Any]:
    """The settings in an ONNX model's metadata properties (key -> value),
    checked; an error naming ``source`` where it has none."""
    if KEY not in props:
        raise MetadataError(f'{source}: no {KEY!r} metadata; export it with '
                            'tools/deployment/pytorch2onnx.py')
    return decode(props[KEY], source)


def read_file(onnx_file: str) -> Dict[str, Any]:
    """The settings of an exported model's file, read with the ``onnx``
    package (for runtimes other than onnxruntime, and for tools)."""
    import onnx
    try:
        model = onnx.load(onnx_file, load_external_data=False)
    except Exception as e:  # onnx raises several types for bad files
        raise MetadataError(f'{onnx_file}: not a readable ONNX file '
                            f'({type(e).__name__}: {str(e)[:200]})') from None
    return from_properties({p.key: p.value for p in model.metadata_props},
                           onnx_file)
