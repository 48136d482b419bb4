from .multi_stage_heatmap_head import MultiStageHeatmapHead

__all__ = ['MultiStageHeatmapHead']
