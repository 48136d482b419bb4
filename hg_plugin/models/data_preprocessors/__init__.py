from .scaled_data_preprocessor import ScaledPoseDataPreprocessor

__all__ = ['ScaledPoseDataPreprocessor']
