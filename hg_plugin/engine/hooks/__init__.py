from .keypoint_count_check_hook import KeypointCountCheckHook

__all__ = ['KeypointCountCheckHook']
