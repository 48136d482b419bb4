from typing import Optional, Tuple

import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpose.registry import HOOKS


def model_keypoints(model: nn.Module) -> Tuple[Optional[int], str]:
    """How many keypoints a pose model predicts, and the config key that
    says so: the head's ``out_channels`` where it has one, else the
    plugin's backbone's ``num_keypoints`` (its head follows it)."""
    head = getattr(model, 'head', None)
    count = getattr(head, 'out_channels', None)
    if isinstance(count, int):
        return count, 'model.head.out_channels'
    count = getattr(getattr(model, 'backbone', None), 'num_keypoints', None)
    if isinstance(count, int):
        return count, 'model.backbone.num_keypoints'
    return None, ''


@HOOKS.register_module()
class KeypointCountCheckHook(Hook):
    """Stop a run at start-up where the model's number of keypoints and
    its datasets' metainfo disagree.

    Without it such a run (mmpose #2527: a config for another keypoint
    set) fails at its first step deep inside the loss with a shape error,
    or, where the numbers happen to fit, tests with the wrong flip pairs.
    The error names both numbers, the dataset and the config key to
    change. The plugin's runtime (``configs/_base_/default_runtime.py``)
    adds this hook to every config.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        count, key = model_keypoints(model)
        if count is None:
            return
        for split in ('train', 'val', 'test'):
            loop = getattr(runner, f'_{split}_loop', None)
            dataset = getattr(getattr(loop, 'dataloader', None), 'dataset',
                              None)
            meta = getattr(dataset, 'metainfo', None) or {}
            expected = meta.get('num_keypoints')
            if expected is not None and expected != count:
                name = meta.get('dataset_name', type(dataset).__name__)
                raise ValueError(
                    f'the model predicts {count} keypoints ({key}) but the '
                    f"{split} dataset's metainfo ({name}, "
                    f'{split}_dataloader.dataset.metainfo) has {expected}: '
                    f'set {key}={expected} in the config, or give the '
                    'dataset the metainfo of the keypoints the model is '
                    'for')
