from .annotations import AnnotationError, load_person_annotations
from .flic_dataset import FlicDataset
from .mpii_dataset import CheckedMpiiDataset
from .synthetic import generate_split
from .transforms import RandomChannelScale

__all__ = [
    'AnnotationError', 'load_person_annotations', 'FlicDataset',
    'CheckedMpiiDataset', 'RandomChannelScale', 'generate_split'
]
