from typing import Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomChannelScale(BaseTransform):
    """Multiply each colour channel by its own random factor.

    The colour augmentation of the original code (``generateSample`` in
    ``src/util/pose.lua``: each channel times U(0.6, 1.4), clipped). mmcv's
    and mmpose's photometric transforms change brightness, contrast,
    saturation and hue, not independent per-channel gains.

    Required keys: ``img`` (H, W, 3), uint8 or float in [0, 255].
    Modified keys: ``img``.

    Args:
        scale_range (tuple[float, float]): Range of the factors.
            Defaults to ``(0.6, 1.4)``.
        prob (float): Probability of applying it. Defaults to ``1.0``.
    """

    def __init__(self,
                 scale_range: Tuple[float, float] = (0.6, 1.4),
                 prob: float = 1.) -> None:
        low, high = scale_range
        if not 0 <= low <= high:
            raise ValueError('RandomChannelScale: scale_range must be '
                             f'0 <= low <= high, got {scale_range}')
        self.scale_range = (float(low), float(high))
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        img = results['img']
        gains = np.random.uniform(*self.scale_range, size=img.shape[-1])
        if img.dtype == np.uint8 and img.ndim == 3 and img.shape[-1] <= 4:
            # the same values, through one lookup table per channel
            lut = np.clip(
                np.arange(256, dtype=np.float32)[:, None] * gains, 0, 255)
            results['img'] = cv2.LUT(img, lut.astype(np.uint8)[:, None])
            return results
        out = np.clip(img.astype(np.float32) * gains, 0, 255)
        results['img'] = out.astype(img.dtype)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale_range={self.scale_range}, '
                f'prob={self.prob})')
