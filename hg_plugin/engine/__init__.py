from .hooks import KeypointCountCheckHook
from .optim_wrappers import AutocastOptimWrapper

__all__ = ['AutocastOptimWrapper', 'KeypointCountCheckHook']
