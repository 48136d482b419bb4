"""A short video of one synthetic person moving its limbs, for the demo's
inference step and the inference tests."""
from typing import Iterator, Tuple

import cv2
import numpy as np

from .people import _background, pose_joints, pose_parameters, render_person


def _blend(a: dict, b: dict, t: float, person: dict) -> dict:
    """Pose parameters between keyframes ``a`` and ``b`` (``0 <= t <= 1``),
    eased; the body (proportions, head turn) stays ``person``'s."""
    t = (1 - np.cos(np.pi * t)) / 2
    out = {k: (1 - t) * np.asarray(a[k]) + t * np.asarray(b[k]) for k in a}
    out['proportions'], out['turn'] = person['proportions'], person['turn']
    return out


def moving_person(num_frames: int = 45,
                  size: Tuple[int, int] = (256, 192),
                  seed: int = 0,
                  keyframes: int = 4
                  ) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    """Frames of one person whose limbs move smoothly through
    ``keyframes`` random poses while it drifts across a fixed background,
    made one at a time (a long video never is in memory whole).

    Yields:
        tuple: a frame (H, W, 3) BGR uint8 and its joints (16, 2) in
        MPII's order, 0-based pixels.
    """
    if num_frames < 2 or keyframes < 2:
        raise ValueError('moving_person: need at least 2 frames and 2 '
                         f'keyframes, got {num_frames} and {keyframes}')
    return _frames(num_frames, size, seed, keyframes)


def _frames(num_frames: int, size: Tuple[int, int], seed: int,
            keyframes: int) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    w, h = size
    rng = np.random.default_rng([seed, 7])
    background = _background(rng, h, w)
    keys = [pose_parameters(rng) for _ in range(keyframes)]
    height = 0.7 * h
    for f in range(num_frames):
        t = f / (num_frames - 1) * (keyframes - 1)
        i = min(int(t), keyframes - 2)
        body, face = pose_joints(
            _blend(keys[i], keys[i + 1], t - i, person=keys[0]))
        drift = np.array([0.15 * w * np.sin(2 * np.pi * f / num_frames),
                          0.])
        pts = np.concatenate([body, face]) * height + [w / 2, h / 2] + drift
        img = background.copy()
        # the same draws every frame: the same clothes, skin and hair
        render_person(np.random.default_rng([seed, 8]), img, pts[:16],
                      pts[16:], height)
        yield cv2.GaussianBlur(img, (3, 3), 0.6), pts[:16]
