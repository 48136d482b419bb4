"""What ``tools/infer.py`` reads: an image, a folder of images, a video or
a camera, each checked where it enters."""
import os
import os.path as osp
from typing import Iterator, List, Tuple

import cv2
import numpy as np

from .boxes import InputError

IMAGE_EXT = ('.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff')
VIDEO_EXT = ('.mp4', '.avi', '.mov', '.mkv', '.webm')


def list_inputs(path: str) -> Tuple[str, List[str]]:
    """``('video', [path])`` or ``('images', [paths])`` (a folder's images,
    sorted).

    Raises:
        InputError: A path that does not exist, an empty folder, or a file
            that is neither an image nor a video by its name.
    """
    if osp.isdir(path):
        files = sorted(osp.join(path, f) for f in os.listdir(path)
                       if f.lower().endswith(IMAGE_EXT))
        if not files:
            raise InputError(f'{path}: no image files ({", ".join(IMAGE_EXT)})'
                             ' in the folder')
        return 'images', files
    if not osp.exists(path):
        raise InputError(f'{path} does not exist')
    if path.lower().endswith(VIDEO_EXT):
        return 'video', [path]
    if path.lower().endswith(IMAGE_EXT):
        return 'images', [path]
    raise InputError(f'{path}: not an image ({", ".join(IMAGE_EXT)}) or a '
                     f'video ({", ".join(VIDEO_EXT)})')


def read_image(path: str) -> np.ndarray:
    """A BGR image, or an :class:`InputError` naming the file."""
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise InputError(f'{path}: not a readable image')
    return img


def spread(count: int, n: int) -> List[int]:
    """Up to ``n`` indices evenly spread over ``range(count)`` (the
    pictures an int8 model is calibrated on)."""
    if count <= 0:
        return []
    return sorted(set(np.linspace(0, count - 1, min(n, count)).astype(int)))


def image_files(paths: List[str]) -> Iterator[Tuple[str, np.ndarray]]:
    """(file name, image) of the readable ones of ``paths``."""
    for p in paths:
        img = cv2.imread(p, cv2.IMREAD_COLOR)
        if img is not None:
            yield osp.basename(p), img
