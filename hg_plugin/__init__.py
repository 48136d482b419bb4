"""Stacked Hourglass Networks (Newell et al., ECCV 2016) for MMPose 1.x.

Importing the package (``custom_imports=dict(imports=['hg_plugin'])``)
registers every part in mmpose's registries and applies the changes of
``compat`` that this stack needs (``HG_PLUGIN_NO_COMPAT=1`` switches them
off). The synthetic-data generator and the converters are not imported
here (``hg_plugin.synthetic``, ``hg_plugin.converters``).
"""
from .known_warnings import quiet_imports

with quiet_imports():  # mmpose's import warns that pkg_resources is old
    from . import compat  # noqa: F401  (before anything loads a checkpoint)
    from .codecs import GaussianHeatmap
    from .datasets import CheckedMpiiDataset, FlicDataset, RandomChannelScale
    from .engine import AutocastOptimWrapper
    from .evaluation import KeypointPredictionDump, PCKhMetric, TorsoPCKMetric
    from .models import (MultiStageHeatmapHead, ScaledPoseDataPreprocessor,
                         StackedHourglass)
    from .version import __version__

__all__ = [
    '__version__', 'AutocastOptimWrapper', 'GaussianHeatmap',
    'CheckedMpiiDataset', 'FlicDataset', 'RandomChannelScale',
    'KeypointPredictionDump', 'PCKhMetric', 'TorsoPCKMetric',
    'MultiStageHeatmapHead', 'ScaledPoseDataPreprocessor', 'StackedHourglass'
]
