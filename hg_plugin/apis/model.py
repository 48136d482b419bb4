"""A plugin model from its config and checkpoint, for inference and
export, with what its test pipeline does around the network."""
import os.path as osp
from typing import Dict, Optional, Tuple

import torch.nn as nn
from mmengine.config import Config

from ..deployment.settings import pipeline_settings
from .boxes import InputError


def load_pose_model(config: str, checkpoint: Optional[str],
                    device: str = 'cpu') -> Tuple[nn.Module, Config, Dict]:
    """The model of ``config`` with ``checkpoint``'s weights, in eval mode;
    the config; and its test path's settings (``pipeline_settings``).

    Unlike ``mmpose.apis.init_model``, the checkpoint must fit the model
    exactly (a checkpoint of another model is refused instead of leaving
    weights at random), and the joints of the checkpoint's
    ``meta.dataset_meta``, where it has one, are the model's.

    Raises:
        InputError: A missing config, one that does not import the
            plugin or is not a plugin model, or a checkpoint that does not
            fit it.
    """
    from mmengine.runner.checkpoint import load_checkpoint
    from mmpose.apis import init_model
    if not osp.isfile(config):
        raise InputError(f'config {config} does not exist')
    cfg = Config.fromfile(config)
    imports = cfg.get('custom_imports', {}).get('imports', [])
    if 'hg_plugin' not in imports:
        raise InputError(
            f"config {config} does not import the plugin "
            "(custom_imports=dict(imports=['hg_plugin']))")
    model = init_model(cfg, None, device=device)
    if checkpoint is not None:
        try:
            ckpt = load_checkpoint(model, checkpoint, map_location='cpu',
                                   strict=True)
        except RuntimeError as e:
            raise InputError(f'checkpoint {checkpoint} does not fit '
                             f'{config}: {str(e)[:600]}') from None
        meta = ckpt.get('meta', {}).get('dataset_meta')
        if meta:
            model.dataset_meta = meta
    model.to(device).eval()
    try:
        settings = pipeline_settings(cfg, model)
    except ValueError as e:
        raise InputError(str(e)) from None
    return model, cfg, settings
