from .flic_dataset import FlicDataset
from .mpii_dataset import CheckedMpiiDataset

__all__ = ['FlicDataset', 'CheckedMpiiDataset']
