from .backbones import ResidualModule, StackedHourglass
from .data_preprocessors import ScaledPoseDataPreprocessor
from .heads import MultiStageHeatmapHead

__all__ = [
    'ResidualModule', 'StackedHourglass', 'ScaledPoseDataPreprocessor',
    'MultiStageHeatmapHead'
]
