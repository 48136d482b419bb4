"""Synthetic pictures of several people, and of non-human articulated
shapes, in COCO's keypoint format: for the COCO configs' tests, the CPU
COCO demo (``configs/hg2_coco_synthetic.py``) and the "your own keypoints"
recipe.

A picture holds 2 to 4 figures of different sizes, drawn back to front:
they overlap, and some stand partly outside the frame. Each annotation is
COCO's: 17 keypoints ``[x, y, v]`` with ``v`` 0 (outside the picture, not
labelled: ``(0, 0, 0)``), 1 (labelled, hidden by a figure or an occluder in
front) or 2 (visible); ``bbox`` and ``area`` of the figure's visible pixels;
``num_keypoints``; ``iscrowd`` 0. A validation split also gets a detection
file in the format of mmpose's ``bbox_file``: the ground-truth boxes,
jittered, with scores. Every picture is a function of ``(seed, index)``
alone.
"""
import os
import os.path as osp
from typing import Callable, Dict, List, Optional, Tuple

import cv2
import numpy as np

from ..datasets.metainfo import joint_names
from ..utils.io import dump_json
from .people import (L_ANK, L_ELB, L_HIP, L_KNE, L_SHO, L_WRI, R_ANK, R_ELB,
                     R_HIP, R_KNE, R_SHO, R_WRI, _background, _rot, ear_points,
                     render_person, sample_pose)

# the figure's points in COCO's order: nose, eyes, ears (face: l_eye,
# r_eye, nose; then the two ears), then the body joints of MPII's order
_FACE, _EARS = 16, 19  # first index of the face and the ears in `points`
COCO_POINTS = (_FACE + 2, _FACE + 0, _FACE + 1, _EARS + 0, _EARS + 1,
               L_SHO, R_SHO, L_ELB, R_ELB, L_WRI, R_WRI, L_HIP, R_HIP,
               L_KNE, R_KNE, L_ANK, R_ANK)


def coco_metainfo() -> dict:
    """mmpose's parsed COCO metainfo (``CocoDataset.METAINFO``)."""
    from mmpose.datasets.datasets.body import CocoDataset
    return CocoDataset._load_metainfo()


def _place(rng: np.random.Generator, pts: np.ndarray, w: int, h: int
           ) -> np.ndarray:
    """Move a figure's points into the picture; one in four stands partly
    outside it."""
    lo, hi = pts.min(0), pts.max(0)
    size = hi - lo
    out = rng.random() < 0.25
    margin = -0.25 * size if out else np.array([2., 2.])
    low = margin - lo
    high = np.array([w, h]) - margin - hi
    offset = np.where(high > low, rng.uniform(np.minimum(low, high),
                                              np.maximum(low, high)),
                      (np.array([w, h]) - lo - hi) / 2)
    return pts + offset


def _visibility(points: np.ndarray, in_front: np.ndarray, w: int, h: int
                ) -> np.ndarray:
    """COCO's v of each point: 0 outside the picture, 1 under a mask of
    what is drawn in front, else 2."""
    inside = ((points[:, 0] >= 0) & (points[:, 0] <= w - 1) &
              (points[:, 1] >= 0) & (points[:, 1] <= h - 1))
    xy = np.clip(np.round(points).astype(int), 0, [w - 1, h - 1])
    hidden = in_front[xy[:, 1], xy[:, 0]] > 0
    return np.where(inside, np.where(hidden, 1, 2), 0)


def _annotations(figures: List[Tuple[np.ndarray, np.ndarray]],
                 occluder: np.ndarray, w: int, h: int
                 ) -> List[Dict]:
    """COCO annotations of figures (points, mask) drawn in list order
    (later in front), under an occluder mask drawn last."""
    anns = []
    for i, (points, mask) in enumerate(figures):
        in_front = occluder.copy()
        for _, later in figures[i + 1:]:
            in_front |= later
        v = _visibility(points, in_front, w, h)
        seen = (mask > 0) & (in_front == 0)
        if not seen.any():
            continue  # hidden whole: no annotation, as COCO
        ys, xs = np.nonzero(seen)
        x1, y1 = float(xs.min()), float(ys.min())
        xy = np.round(np.where(v[:, None] > 0, points, 0), 2).tolist()
        anns.append(dict(
            keypoints=[c for (x, y), vis in zip(xy, v.tolist())
                       for c in (x, y, vis)],
            num_keypoints=int((v > 0).sum()),
            bbox=[x1, y1, float(xs.max()) - x1 + 1,
                  float(ys.max()) - y1 + 1],
            area=float(seen.sum()),
            iscrowd=0,
            category_id=1))
    return anns


def _occluder(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """Now and then a box in front of everything; its mask."""
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    if rng.random() < 0.3:
        s = int(min(w, h) * rng.uniform(0.1, 0.25))
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        cv2.rectangle(img, (x, y), (x + s, y + s), color, -1)
        cv2.rectangle(mask, (x, y), (x + s, y + s), 255, -1)
    return mask


def make_scene(rng: np.random.Generator, size: Tuple[int, int] = (320, 240)
               ) -> Tuple[np.ndarray, List[Dict]]:
    """One picture of 2 to 4 people and their COCO annotations (17
    keypoints, 0-based pixels).

    Returns:
        tuple: the BGR image (H, W, 3) and the annotations (without ids).
    """
    w, h = size
    img = _background(rng, h, w)
    figures = []
    for _ in range(int(rng.integers(2, 5))):
        body, face = sample_pose(rng)
        height = rng.uniform(0.35, 0.9) * h
        rot = _rot(rng.uniform(-30, 30))
        pts = np.concatenate([body, face, ear_points(body, face)])
        pts = _place(rng, pts @ rot.T * height, w, h)
        _, mask = render_person(rng, img, pts[:16], pts[16:19], height,
                                ears=pts[19:])
        figures.append((pts[list(COCO_POINTS)], mask))
    occluder = _occluder(rng, img)
    img = cv2.GaussianBlur(img, (3, 3), 0.6)
    return img, _annotations(figures, occluder, w, h)


# ------------------------------------------------------------------ shapes
SHAPE_NAMES = ('top', 'left_arm', 'right_arm', 'centre', 'base')
SHAPE_LINKS = ((3, 0), (3, 1), (3, 2), (3, 4))


def make_shape(rng: np.random.Generator, img: np.ndarray, scale: float
               ) -> Tuple[np.ndarray, np.ndarray]:
    """A non-human articulated shape of five points (a centre with a top,
    a base and two arms, the left arm on the image's right), drawn onto
    ``img``; its points (5, 2) and mask."""
    h, w = img.shape[:2]
    up, arm, down = rng.uniform((0.35, 0.3, 0.35), (0.5, 0.45, 0.5)) * scale
    left, right = rng.uniform(-0.6, 0.9, 2)  # the arms' angles up
    local = np.array([[0., -up],
                      [arm * np.cos(left), -arm * np.sin(left)],
                      [-arm * np.cos(right), -arm * np.sin(right)],
                      [0., 0.],
                      [0., down]])
    pts = local @ _rot(rng.uniform(-30, 30)).T
    pts = _place(rng, pts, w, h)
    mask = np.zeros((h, w), np.uint8)
    color = tuple(int(c) for c in rng.integers(30, 256, 3))
    thick = max(2, int(scale * 0.08))
    p = [tuple(int(v) for v in q) for q in pts]
    for a_, b_ in SHAPE_LINKS:
        for target, value in ((img, color), (mask, 255)):
            cv2.line(target, p[a_], p[b_], value, thick)
    for target, value in ((img, color), (mask, 255)):
        cv2.circle(target, p[3], int(thick * 1.8), value, -1)
        cv2.circle(target, p[0], int(thick * 1.3), value, -1)
    # the arms end in marks of their own colour: left and right differ
    cv2.circle(img, p[1], thick, (0, 0, 230), -1)
    cv2.circle(img, p[2], thick, (230, 0, 0), -1)
    for q in (p[1], p[2]):
        cv2.circle(mask, q, thick, 255, -1)
    return pts, mask


def make_shape_scene(rng: np.random.Generator,
                     size: Tuple[int, int] = (160, 120)
                     ) -> Tuple[np.ndarray, List[Dict]]:
    """One picture of 1 to 3 shapes (:func:`make_shape`) and their COCO
    annotations (5 keypoints)."""
    w, h = size
    img = _background(rng, h, w)
    figures = [make_shape(rng, img, rng.uniform(0.4, 0.8) * h)
               for _ in range(int(rng.integers(1, 4)))]
    occluder = _occluder(rng, img)
    return img, _annotations(figures, occluder, w, h)


# ------------------------------------------------------------------- splits
def write_coco_split(out_dir: str, split: str, num: int, seed: int,
                     scene: Callable = make_scene,
                     size: Tuple[int, int] = (320, 240),
                     first_index: int = 0,
                     keypoint_names: Optional[List[str]] = None,
                     skeleton: Optional[List] = None,
                     category: str = 'person',
                     ann_file: Optional[str] = None,
                     det_file: Optional[str] = None,
                     img_dir: Optional[str] = None) -> Dict[str, str]:
    """Write ``num`` pictures of ``scene`` and their COCO annotations.

    Writes ``<img_dir>/<id>.jpg`` (COCO's names; default folder
    ``<split>2017``), the annotations (default
    ``annotations/person_keypoints_<split>2017.json``) and, where
    ``det_file`` is given, detections of the ground-truth boxes (each side
    moved by up to a twentieth of the box, scores 0.5 to 1).

    Returns:
        dict: the paths written (``ann_file``, ``det_file``, ``img_dir``).
    """
    from tqdm import tqdm
    img_dir = osp.join(out_dir, img_dir or f'{split}2017')
    os.makedirs(img_dir, exist_ok=True)
    if keypoint_names is None:
        meta = coco_metainfo()
        keypoint_names = joint_names(meta)
        skeleton = [[int(a) + 1, int(b) + 1]
                    for a, b in meta['skeleton_links']]
    images, anns, dets = [], [], []
    for i in tqdm(range(num), desc=f'{split} pictures',
                  disable=not os.isatty(2)):
        image_id = first_index + i + 1
        rng = np.random.default_rng([seed, first_index + i])
        img, found = scene(rng, size)
        name = f'{image_id:012d}.jpg'
        cv2.imwrite(osp.join(img_dir, name), img,
                    [cv2.IMWRITE_JPEG_QUALITY, 92])
        images.append(dict(id=image_id, file_name=name, width=size[0],
                           height=size[1]))
        for ann in found:
            ann.update(id=len(anns) + 1, image_id=image_id)
            anns.append(ann)
            x, y, bw, bh = ann['bbox']
            jitter = rng.uniform(-0.05, 0.05, 4) * [bw, bh, bw, bh]
            x1, y1 = x + jitter[0], y + jitter[1]
            x2, y2 = x + bw + jitter[2], y + bh + jitter[3]
            dets.append(dict(image_id=image_id, category_id=1,
                             bbox=[float(x1), float(y1), float(x2 - x1),
                                   float(y2 - y1)],
                             score=float(rng.uniform(0.5, 1.0))))
    paths = dict(img_dir=img_dir, ann_file=osp.join(
        out_dir, ann_file or
        f'annotations/person_keypoints_{split}2017.json'))
    dump_json(dict(
        images=images, annotations=anns,
        categories=[dict(id=1, name=category, supercategory=category,
                         keypoints=list(keypoint_names),
                         skeleton=skeleton or [])]), paths['ann_file'])
    if det_file:
        paths['det_file'] = osp.join(out_dir, det_file)
        dump_json(dets, paths['det_file'])
    return paths
