from .annotations import AnnotationError, load_person_annotations
from .body import CheckedMpiiDataset, FlicDataset
from .metainfo import dataset_metainfo
from .transforms import RandomChannelScale

__all__ = [
    'AnnotationError', 'load_person_annotations', 'FlicDataset',
    'CheckedMpiiDataset', 'RandomChannelScale', 'dataset_metainfo'
]
