from .stacked_hourglass import ResidualModule, StackedHourglass

__all__ = ['ResidualModule', 'StackedHourglass']
