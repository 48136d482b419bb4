"""Stacked Hourglass Networks (Newell et al., ECCV 2016) for MMPose 1.x.

Importing the package (``custom_imports=dict(imports=['hg_plugin'])``)
registers every part in mmpose's registries and makes checkpoints saved by
mmengine's runner loadable under torch >= 2.6 (see ``compat``).
"""
from . import compat  # noqa: F401  (before anything loads a checkpoint)
from .codecs import GaussianHeatmap
from .datasets import CheckedMpiiDataset, FlicDataset, RandomChannelScale
from .evaluation import KeypointPredictionDump, PCKhMetric, TorsoPCKMetric
from .models import MultiStageHeatmapHead, StackedHourglass
from .version import __version__

__all__ = [
    '__version__', 'GaussianHeatmap', 'CheckedMpiiDataset', 'FlicDataset',
    'RandomChannelScale', 'KeypointPredictionDump', 'PCKhMetric',
    'TorsoPCKMetric', 'MultiStageHeatmapHead', 'StackedHourglass'
]
