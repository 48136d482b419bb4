"""Checkpoints of the public PyTorch stacked-hourglass ports -> the plugin.

Two lineages publish MPII checkpoints of the paper's network:

- princeton-vl/pytorch_stacked_hourglass: ``train.py`` saves
  ``{'state_dict', 'optimizer', 'epoch'}`` of ``Trainer(DataParallel(
  PoseNet))``, keys ``model.module.pre.0.conv.weight``, ...; its
  ``Residual`` always builds ``skip_layer``, used only where the channels
  change. The topology is ``hg.lua``'s (the plugin's defaults).
- bearpaw/pytorch-pose: ``example/main.py`` saves ``{'epoch', 'arch',
  'state_dict', 'best_acc', 'optimizer'}`` of ``DataParallel(
  HourglassNet)``, keys ``module.conv1.weight``, ...;
  anibali/pytorch-stacked-hourglass republishes its models as plain state
  dicts (no prefix). Its stem differs from ``hg.lua``: the second residual
  goes 128 to 256 and the third 256 to 256 (``stem_channels=(64, 128,
  256)``).

Either may also come as a plain state dict of the network. The topology
(stacks, joints, features, stem, hourglass order, residual modules per
site) is read off the tensors' shapes and keys.
"""
import re
from typing import Dict, Optional, Tuple

import torch
from torch import Tensor

from ..utils.io import load_torch_file

SOURCES = ('princeton-vl', 'bearpaw')

# residual module internals: the plugin's ResidualModule -> each source's
_RESIDUAL = {
    'princeton-vl': {
        'conv_block.0': 'bn1', 'conv_block.2': 'conv1.conv',
        'conv_block.3': 'bn2', 'conv_block.5': 'conv2.conv',
        'conv_block.6': 'bn3', 'conv_block.8': 'conv3.conv',
        'skip': 'skip_layer.conv'
    },
    'bearpaw': {
        'conv_block.0': 'bn1', 'conv_block.2': 'conv1',
        'conv_block.3': 'bn2', 'conv_block.5': 'conv2',
        'conv_block.6': 'bn3', 'conv_block.8': 'conv3',
        'skip': 'downsample.0'
    },
}
# what marks each source, after its DataParallel/Trainer prefix
_MARKERS = {'princeton-vl': 'pre.0.conv.weight', 'bearpaw': 'conv1.weight'}
_PREFIXES = ('model.module.', 'module.', 'model.')


class CheckpointConversionError(ValueError):
    """A file that is not a checkpoint of a supported hourglass network."""


def read_state_dict(path: str) -> Dict[str, Tensor]:
    """The network's tensors from a checkpoint file, read by the plugin's
    safe loader (:func:`hg_plugin.utils.io.load_torch_file`: nothing in
    the file is executed).

    Raises:
        FileNotFoundError: No such file.
        UnsafeCheckpointError: It needs a global that is not a tensor,
            number, string or container.
        DamagedCheckpointError: Cut, corrupted or not a torch file.
        CheckpointConversionError: It holds no state dict.
    """
    ckpt = load_torch_file(path)
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict) or not state or not all(
            isinstance(k, str) and isinstance(v, Tensor)
            for k, v in state.items()):
        raise CheckpointConversionError(
            f"{path}: holds no state dict of tensors (neither the file nor "
            "its 'state_dict' entry is a dict of named tensors)")
    return state


def detect_source(state: Dict[str, Tensor], path: str = 'checkpoint'
                  ) -> str:
    """``'princeton-vl'`` or ``'bearpaw'``, from the keys."""
    for source, marker in _MARKERS.items():
        if any(k == marker or k.endswith('.' + marker) for k in state):
            return source
    raise CheckpointConversionError(
        f'{path}: neither a princeton-vl PoseNet (no key ending in '
        f"'{_MARKERS['princeton-vl']}') nor a bearpaw HourglassNet (no "
        f"'{_MARKERS['bearpaw']}'); first keys: {sorted(state)[:5]}")


def strip_prefix(state: Dict[str, Tensor], source: str) -> Dict[str, Tensor]:
    """Drop the ``DataParallel``/``Trainer`` prefix of every key."""
    marker = _MARKERS[source]
    for prefix in _PREFIXES:
        if prefix + marker in state:
            return {k[len(prefix):] if k.startswith(prefix) else k: v
                    for k, v in state.items()}
    return dict(state)


def infer_architecture(state: Dict[str, Tensor], source: str,
                       path: str = 'checkpoint') -> dict:
    """``StackedHourglass`` arguments of the network in ``state``."""

    def shape(key: str, dim: int) -> int:
        if key not in state:
            raise CheckpointConversionError(
                f'{path}: no {key!r}: not a complete {source} network')
        if state[key].ndim <= dim:
            raise CheckpointConversionError(
                f'{path}: {key!r} has shape {tuple(state[key].shape)}, '
                f'not a {source} convolution weight')
        return state[key].shape[dim]

    def count(pattern: str) -> int:
        found = {m.group(1) for k in state for m in [re.match(pattern, k)]
                 if m}
        return len(found)

    if source == 'princeton-vl':
        stem = ('pre.0.conv.weight', 'pre.1.conv3.conv.weight',
                'pre.3.conv3.conv.weight')
        head = 'outs.0.conv.weight'
        stacks = count(r'hgs\.(\d+)\.')
        levels = [k.split('.up1.')[0].count('low2') for k in state
                  if k.startswith('hgs.0.0.') and '.up1.' in k]
        if not levels:
            raise CheckpointConversionError(
                f"{path}: no 'hgs.0.0.*up1*' keys: not a complete "
                f'{source} network')
        order = max(levels) + 1
        blocks = 1
    else:
        stem = ('conv1.weight', 'layer1.0.conv3.weight',
                'layer2.0.conv3.weight')
        head = 'score.0.weight'
        stacks = count(r'hg\.(\d+)\.')
        order = count(r'hg\.0\.hg\.(\d+)\.')
        blocks = count(r'res\.0\.(\d+)\.')
    return dict(
        num_stacks=stacks,
        num_keypoints=shape(head, 0),
        feat_channels=shape(head, 1),
        stem_channels=tuple(shape(k, 0) for k in stem),
        num_residual_modules=blocks,
        order=order)


def key_map(source: str, num_stacks: int, order: int = 4,
            num_residual_modules: int = 1, **unused) -> Dict[str, str]:
    """The plugin's module paths (backbone, no prefix) -> the source's.

    Every foreign key name is decided here. A residual module maps onto
    the source's as a whole (``_RESIDUAL``); ``skip`` only exists where the
    channels change.
    """
    res, layer = [], []  # (plugin module, source module)
    n = num_residual_modules
    if source == 'princeton-vl':
        layer += [('stem.0', 'pre.0.conv'), ('stem.1', 'pre.0.bn')]
        res += [('stem.3', 'pre.1'), ('stem.5', 'pre.3'), ('stem.6', 'pre.4')]
    else:
        layer += [('stem.0', 'conv1'), ('stem.1', 'bn1')]
        res += [('stem.3', 'layer1.0'), ('stem.5', 'layer2.0'),
                ('stem.6', 'layer3.0')]
    for i in range(num_stacks):
        ours = f'stacks.{i}'
        for d in range(order):  # d = 0: the outermost level
            hg = f'{ours}.hourglass' + '.low2' * d
            sites = ['up1', 'low1', 'low3']
            if d == order - 1:  # the bottom: residual modules, no hourglass
                sites.append('low2')
            if source == 'princeton-vl':
                theirs = f'hgs.{i}.0' + '.low2' * d
                res += [(f'{hg}.{s}.0', f'{theirs}.{s}') for s in sites]
            else:  # hg[n - 1] is the level of order n; [0] up1, [1] low1,
                # [2] low3, [3] the bottom's low2
                theirs = f'hg.{i}.hg.{order - 1 - d}'
                res += [(f'{hg}.{s}.{j}', f'{theirs}.{k}.{j}')
                        for k, s in enumerate(sites) for j in range(n)]
        if source == 'princeton-vl':
            res.append((f'{ours}.residuals.0', f'features.{i}.0'))
            layer += [(f'{ours}.linear.0', f'features.{i}.1.conv'),
                      (f'{ours}.linear.1', f'features.{i}.1.bn'),
                      (f'{ours}.heatmap', f'outs.{i}.conv'),
                      # Merge keeps a Conv, which keeps its nn.Conv2d
                      (f'{ours}.remap_features',
                       f'merge_features.{i}.conv.conv'),
                      (f'{ours}.remap_heatmaps',
                       f'merge_preds.{i}.conv.conv')]
        else:
            res += [(f'{ours}.residuals.{j}', f'res.{i}.{j}')
                    for j in range(n)]
            layer += [(f'{ours}.linear.0', f'fc.{i}.0'),
                      (f'{ours}.linear.1', f'fc.{i}.1'),
                      (f'{ours}.heatmap', f'score.{i}'),
                      (f'{ours}.remap_features', f'fc_.{i}'),
                      (f'{ours}.remap_heatmaps', f'score_.{i}')]
    modules = dict(layer)
    for ours, theirs in res:
        modules.update({f'{ours}.{a}': f'{theirs}.{b}'
                        for a, b in _RESIDUAL[source].items()})
    return modules


def convert_state_dict(state: Dict[str, Tensor], source: str,
                       expected: Dict[str, Tensor], arch: dict,
                       path: str = 'checkpoint') -> Dict[str, Tensor]:
    """Rename ``state``'s tensors to the keys of ``expected`` (the plugin
    backbone's own state dict), checking that each is there with the same
    shape and that nothing is left over but princeton-vl's unused skip
    layers.

    Raises:
        CheckpointConversionError: Missing or unexpected keys (a few of
            each are named), or a shape mismatch (key and both shapes).
    """
    modules = key_map(source, **arch)
    out, missing, used = {}, [], set()
    for key, ref in expected.items():
        module, param = key.rsplit('.', 1)
        theirs = f'{modules.get(module, "?" + module)}.{param}'
        if theirs not in state:
            if param == 'num_batches_tracked':  # torch < 0.4.1 had none
                out[key] = torch.zeros_like(ref)
                continue
            missing.append(theirs)
            continue
        floating = state[theirs].dtype.is_floating_point
        if floating != ref.dtype.is_floating_point:
            raise CheckpointConversionError(
                f'{path}: {theirs!r} is {state[theirs].dtype}, the plugin\'s '
                f'{key!r} needs {ref.dtype}')
        if state[theirs].shape != ref.shape:
            raise CheckpointConversionError(
                f'{path}: {theirs!r} has shape {tuple(state[theirs].shape)}'
                f', the plugin\'s {key!r} needs {tuple(ref.shape)}')
        out[key] = state[theirs].clone()
        used.add(theirs)
    # princeton-vl builds a skip layer in every residual module
    unused_skips = {
        f'{theirs}.{p}' for ours, theirs in modules.items()
        if ours.endswith('.skip') and f'{ours}.weight' not in expected
        for p in ('weight', 'bias')}
    unexpected = sorted(set(state) - used - unused_skips)
    if missing or unexpected:
        raise CheckpointConversionError(
            f'{path}: not the {source} network it looks like '
            f'({_describe(arch)}): {len(missing)} missing keys '
            f'{missing[:4]}, {len(unexpected)} unexpected keys '
            f'{unexpected[:4]}')
    return out


def _describe(arch: dict) -> str:
    return ', '.join(f'{k}={v}' for k, v in arch.items())


def convert_file(path: str, source: Optional[str] = None
                 ) -> Tuple[Dict[str, Tensor], str, dict]:
    """Read, detect (unless ``source`` is given), check and rename.

    Returns:
        tuple: the plugin's ``backbone.``-prefixed state dict, the source
        and the ``StackedHourglass`` arguments.
    """
    from hg_plugin.models import StackedHourglass
    state = read_state_dict(path)
    if source is None:
        source = detect_source(state, path)
    elif source not in SOURCES:
        raise ValueError(f'source must be one of {SOURCES}, got {source!r}')
    state = strip_prefix(state, source)
    arch = infer_architecture(state, source, path)
    try:
        expected = StackedHourglass(**arch).state_dict()
    except ValueError as e:
        raise CheckpointConversionError(f'{path}: {e}') from None
    converted = convert_state_dict(state, source, expected, arch, path)
    return {f'backbone.{k}': v for k, v in converted.items()}, source, arch
