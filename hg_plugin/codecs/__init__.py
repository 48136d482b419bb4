from .gaussian_heatmap import GaussianHeatmap

__all__ = ['GaussianHeatmap']
