from .backbones import ResidualModule, StackedHourglass
from .heads import MultiStageHeatmapHead

__all__ = ['ResidualModule', 'StackedHourglass', 'MultiStageHeatmapHead']
