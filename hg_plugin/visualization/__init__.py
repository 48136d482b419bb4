from .plots import (heatmap_panel, plot_loss_curve, plot_pck_curves,
                    read_scalars)

__all__ = [
    'heatmap_panel', 'plot_loss_curve', 'plot_pck_curves', 'read_scalars'
]
