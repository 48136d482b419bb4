"""Synthetic people in the formats of the real MPII and FLIC annotations.

MPII and FLIC images cannot be shipped or downloaded here, so tests and the
demo train on generated ones: articulated, human-like figures (MPII's 16
joints; FLIC's 11 are a subset plus the eyes and nose), limbs drawn as
thick segments and ellipses in varied colours and textures, over cluttered
backgrounds. Joint angles stay within human limits; scale, rotation and
position vary; some joints are hidden by an occluder (still annotated, as
in MPII) or fall out of the frame (then not annotated, as in MPII).

Every image is a function of ``(seed, index)`` alone, so a set is the same
whatever the number of worker processes. People face the camera: the
person's left is on the image's right, and the face (eyes, nose) shows it.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np

from ..datasets.metainfo import dataset_metainfo, joint_names
from ..utils.io import atomic_write, dump_json

# The figure's 16 body joints are MPII's, in the order of MPII's metainfo;
# its face points are l_eye, r_eye, nose.
MPII_NAMES = joint_names(dataset_metainfo('mpii'))
R_ANK, R_KNE, R_HIP, L_HIP, L_KNE, L_ANK, PELVIS, THORAX, NECK, HEAD, \
    R_WRI, R_ELB, R_SHO, L_SHO, L_ELB, L_WRI = (MPII_NAMES.index(n) for n in (
        'right_ankle', 'right_knee', 'right_hip', 'left_hip', 'left_knee',
        'left_ankle', 'pelvis', 'thorax', 'upper_neck', 'head_top',
        'right_wrist', 'right_elbow', 'right_shoulder', 'left_shoulder',
        'left_elbow', 'left_wrist'))
FACE = ('l_eye', 'r_eye', 'nose')
# FLIC's joints (its metainfo order) as points of the figure: body joints
# by their MPII names, then the face points
_FLIC_AS_MPII = dict(
    l_shoulder='left_shoulder', l_elbow='left_elbow', l_wrist='left_wrist',
    r_shoulder='right_shoulder', r_elbow='right_elbow',
    r_wrist='right_wrist', l_hip='left_hip', r_hip='right_hip')
FLIC_NAMES = joint_names(dataset_metainfo('flic'))
FLIC_POINTS = [
    MPII_NAMES.index(_FLIC_AS_MPII[n]) if n in _FLIC_AS_MPII else
    len(MPII_NAMES) + FACE.index(n) for n in FLIC_NAMES
]


def _rot(deg: float) -> np.ndarray:
    a = np.deg2rad(deg)
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


def _dir(deg: float) -> np.ndarray:
    """Unit vector at ``deg`` from straight down (image y grows down),
    positive toward image right."""
    a = np.deg2rad(deg)
    return np.array([np.sin(a), np.cos(a)])


def pose_parameters(rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """The random choices of one figure's pose: proportions, lean, head
    tilt and turn, and the angles of the limbs (degrees)."""
    params = dict(proportions=rng.uniform(0.9, 1.1, size=8),
                  lean=rng.uniform(-15, 15), tilt=rng.uniform(-20, 20))
    # arms: abduction from hanging down (outward +), elbow flexion in 2D
    for side in ('r_arm', 'l_arm'):
        abd = rng.uniform(-25, 170)
        flex = rng.uniform(0, 145) * rng.choice([-1, 1], p=[0.3, 0.7])
        params[side] = np.array([abd, flex])
    # legs: abduction (outward +), knee flexion
    for side in ('r_leg', 'l_leg'):
        abd = rng.uniform(-12, 50)
        flex = rng.uniform(0, 110) * rng.choice([-1, 1], p=[0.6, 0.4])
        params[side] = np.array([abd, flex])
    params['turn'] = rng.uniform(-0.1, 0.1)
    return params


def pose_joints(params: Dict[str, np.ndarray]
                ) -> Tuple[np.ndarray, np.ndarray]:
    """Joints of one upright figure of height ~1 centred on its pelvis.

    Returns:
        tuple: (16, 2) MPII joints and (3, 2) face points (l_eye, r_eye,
        nose), in body units, image orientation (y down).
    """
    p, lean = params['proportions'], params['lean']
    j = np.zeros((16, 2))
    up = -_dir(lean)  # from pelvis toward the head
    side = np.array([-up[1], up[0]])  # toward image right (person's left)
    j[THORAX] = 0.30 * p[0] * up
    j[NECK] = j[THORAX] + 0.07 * up
    head_tilt = _dir(lean + 180 + params['tilt'])
    j[HEAD] = j[NECK] + 0.13 * p[1] * head_tilt
    shoulder = 0.11 * p[2]
    j[R_SHO] = j[THORAX] - shoulder * side
    j[L_SHO] = j[THORAX] + shoulder * side
    j[R_HIP] = -0.08 * p[3] * side
    j[L_HIP] = 0.08 * p[3] * side
    for sho, elb, wri, out, name in ((R_SHO, R_ELB, R_WRI, -1, 'r_arm'),
                                     (L_SHO, L_ELB, L_WRI, 1, 'l_arm')):
        abd, flex = params[name]
        a_upper = lean + out * abd
        j[elb] = j[sho] + 0.17 * p[4] * _dir(a_upper)
        j[wri] = j[elb] + 0.15 * p[4] * _dir(a_upper - out * flex)
    for hip, kne, ank, out, name in ((R_HIP, R_KNE, R_ANK, -1, 'r_leg'),
                                     (L_HIP, L_KNE, L_ANK, 1, 'l_leg')):
        abd, flex = params[name]
        a_thigh = lean + out * abd
        j[kne] = j[hip] + 0.24 * p[5] * _dir(a_thigh)
        j[ank] = j[kne] + 0.23 * p[5] * _dir(a_thigh + out * flex)
    j[PELVIS] = 0
    # face: eyes and nose inside the head, the person's left eye on the
    # image's right (people face the camera); a head turn shifts them
    hd = j[HEAD] - j[NECK]
    hl = np.linalg.norm(hd)
    right = np.array([-hd[1], hd[0]]) / hl  # image right when upright
    turn = params['turn'] * hl * right
    mid = j[NECK] + 0.6 * hd + turn
    face = np.stack([mid + 0.22 * hl * right, mid - 0.22 * hl * right,
                     j[NECK] + 0.42 * hd + 1.5 * turn])
    return j, face


def ear_points(joints: np.ndarray, face: np.ndarray) -> np.ndarray:
    """(2, 2) left and right ear of a figure: at the sides of the head,
    level with the eyes, the person's left on the image's right (people
    face the camera), following the face when the head turns."""
    hd = joints[..., HEAD, :] - joints[..., NECK, :]
    eyes_mid = face[..., :2, :].mean(-2)
    across = face[..., 0, :] - face[..., 1, :]  # right eye to left eye
    across = across / np.linalg.norm(across, axis=-1, keepdims=True)
    width = 0.5 * np.linalg.norm(hd, axis=-1)[..., None]
    mid = joints[..., NECK, :] + 0.6 * hd
    centre = 0.5 * (mid + eyes_mid)  # a turned head shows its ears unevenly
    return np.stack([centre + width * across, centre - width * across], -2)


def sample_pose(rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    """A random figure's joints and face points (:func:`pose_joints`)."""
    return pose_joints(pose_parameters(rng))


def _pattern(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A random texture (H, W, 3) uint8: plain, stripes, checks or noise."""
    c1 = rng.integers(0, 256, 3)
    c2 = np.clip(c1 + rng.integers(-90, 90, 3), 0, 255)
    kind = rng.integers(4)
    yy, xx = np.mgrid[:h, :w]
    if kind == 0:
        t = np.zeros((h, w))
    elif kind == 1:
        period = rng.integers(4, 12)
        a = rng.uniform(0, np.pi)
        t = ((xx * np.cos(a) + yy * np.sin(a)) // period) % 2
    elif kind == 2:
        period = rng.integers(4, 12)
        t = ((xx // period + yy // period) % 2)
    else:
        t = rng.uniform(0, 1, (h, w)) > 0.5
    return np.where(t[..., None] > 0, c2, c1).astype(np.uint8)


def _background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    img = _pattern(rng, h, w)
    # clutter: shapes that look like limbs and heads too
    for _ in range(rng.integers(8, 20)):
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(4)
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        s = int(rng.integers(max(3, w // 40), max(4, w // 5)))
        if kind == 0:
            cv2.rectangle(img, (x, y), (x + s, y + s // 2), color, -1)
        elif kind == 1:
            cv2.circle(img, (x, y), s // 2, color, -1)
        elif kind == 2:
            x2, y2 = int(rng.integers(0, w)), int(rng.integers(0, h))
            cv2.line(img, (x, y), (x2, y2), color,
                     int(rng.integers(1, max(2, w // 30))))
        else:
            cv2.ellipse(img, (x, y), (s // 2, s // 4),
                        float(rng.uniform(0, 180)), 0, 360, color, -1)
    noise = rng.normal(0, 8, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


_RIM_KERNEL = np.ones((3, 3), np.uint8)


def _limb(mask: np.ndarray, a: np.ndarray, b: np.ndarray, width: float,
          ellipse: bool) -> None:
    a, b = a.astype(float), b.astype(float)
    if ellipse:
        c = (a + b) / 2
        length = np.linalg.norm(b - a) / 2 + width / 3
        ang = np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0]))
        cv2.ellipse(mask, (int(c[0]), int(c[1])),
                    (max(1, int(length)), max(1, int(width / 2))), ang, 0,
                    360, 255, -1)
    else:
        cv2.line(mask, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), 255,
                 max(1, int(width)))


def render_person(rng: np.random.Generator, img: np.ndarray,
                  joints: np.ndarray, face: np.ndarray, height: float,
                  ears: Optional[np.ndarray] = None
                  ) -> Tuple[np.ndarray, np.ndarray]:
    """Draw a figure with joints in pixels onto ``img`` (in place).

    Args:
        ears (np.ndarray, optional): (2, 2) ear positions (COCO's
            keypoints) to draw beside the head; none by default, which
            draws the figure of the MPII and FLIC sets exactly (the ears
            draw nothing random).

    Returns:
        tuple: head box (2, 2) as [[x1, y1], [x2, y2]] and an (H, W) mask of
        the pixels the figure covers.
    """
    h, w = img.shape[:2]
    ellipse = rng.random() < 0.5
    limb_w = height * rng.uniform(0.045, 0.07)
    parts = {  # part -> list of segments; drawn back to front
        'legs': [(R_HIP, R_KNE), (R_KNE, R_ANK), (L_HIP, L_KNE),
                 (L_KNE, L_ANK)],
        'torso': [],
        'upper_arms': [(R_SHO, R_ELB), (L_SHO, L_ELB)],
        'fore_arms': [(R_ELB, R_WRI), (L_ELB, L_WRI)],
    }
    skin = np.array([rng.integers(60, 256), rng.integers(40, 200),
                     rng.integers(20, 180)])
    cover = np.zeros((h, w), np.uint8)
    shirt = _pattern(rng, h, w)
    textures = {
        'legs': _pattern(rng, h, w),
        'torso': shirt,
        'upper_arms': shirt,
        # bare forearms or sleeves of another cloth: the elbow shows
        'fore_arms': _pattern(rng, h, w) if rng.random() < 0.5 else
        np.broadcast_to(skin.astype(np.uint8), (h, w, 3)),
    }
    for name, segments in parts.items():
        mask = np.zeros((h, w), np.uint8)
        if name == 'torso':
            quad = joints[[R_SHO, L_SHO, L_HIP, R_HIP]].astype(np.int32)
            cv2.fillConvexPoly(mask, quad, 255)
            _limb(mask, joints[THORAX], joints[PELVIS], limb_w * 2, False)
        for a, b in segments:
            width = limb_w * (1.3 if name == 'legs' and
                              a in (R_HIP, L_HIP) else 1.0)
            _limb(mask, joints[a], joints[b], width, ellipse)
        m = mask > 0
        img[m] = textures[name][m]
        # a dark rim, as shading and seams give real limbs, so that a limb
        # in front of the torso (same shirt) still shows its outline
        rim = m & ~(cv2.erode(mask, _RIM_KERNEL) > 0)
        img[rim] = (img[rim] * 0.4).astype(np.uint8)
        cover |= mask
    # hands and feet, wider than the limb that ends in them and outlined
    # like it
    shoe = rng.integers(0, 120, 3)
    for ks, color in (((R_WRI, L_WRI), skin), ((R_ANK, L_ANK), shoe)):
        r = max(2, int(limb_w * 1.1))
        for k in ks:
            c = tuple(int(v) for v in joints[k])
            cv2.circle(img, c, r, tuple(int(v) for v in color * 0.4), -1)
            cv2.circle(img, c, r - 1, tuple(int(v) for v in color), -1)
            cv2.circle(cover, c, r, 255, -1)
    # neck and head
    neck = (tuple(int(v) for v in joints[THORAX]),
            tuple(int(v) for v in joints[NECK]), max(1, int(limb_w)))
    cv2.line(img, *neck[:2], tuple(int(c) for c in skin), neck[2])
    cv2.line(cover, *neck[:2], 255, neck[2])
    hd = joints[HEAD] - joints[NECK]
    hl = np.linalg.norm(hd)
    c = joints[NECK] + 0.5 * hd
    ang = np.degrees(np.arctan2(hd[1], hd[0]))
    if ears is not None:  # outlined, half hidden by the head
        ear_r = max(1, int(hl * 0.14))
        for e in ears:
            e = (int(e[0]), int(e[1]))
            cv2.circle(img, e, ear_r, tuple(int(v) for v in skin * 0.5), -1)
            cv2.circle(img, e, max(1, ear_r - 1),
                       tuple(int(v) for v in skin), -1)
            cv2.circle(cover, e, ear_r, 255, -1)
    head = ((int(c[0]), int(c[1])),
            (max(1, int(hl / 2)), max(1, int(hl * 0.38))), ang, 0, 360)
    cv2.ellipse(img, *head, tuple(int(v) for v in skin), -1)
    cv2.ellipse(cover, *head, 255, -1)
    hair = tuple(int(v) for v in rng.integers(0, 140, 3))
    top = joints[NECK] + 0.8 * hd
    cv2.circle(img, (int(top[0]), int(top[1])), max(1, int(hl * 0.3)), hair,
               -1)
    cv2.circle(cover, (int(top[0]), int(top[1])), max(1, int(hl * 0.3)),
               255, -1)
    eye_r = max(1, int(hl * 0.07))
    cv2.circle(img, tuple(int(v) for v in face[0]), eye_r, (255, 255, 255),
               -1)
    cv2.circle(img, tuple(int(v) for v in face[1]), eye_r, (20, 20, 20), -1)
    cv2.circle(img, tuple(int(v) for v in face[2]), eye_r,
               (0, 0, 200), -1)
    # an axis-aligned square around the head with a margin, as MPII's
    # annotators drew head boxes (their 0.6 x diagonal is ~0.15 x height)
    box = np.array([c - 0.7 * hl, c + 0.7 * hl])
    return box, cover


def make_person(rng: np.random.Generator,
                size: Tuple[int, int]) -> Dict[str, np.ndarray]:
    """One image with one person and its annotation (0-based pixels).

    Returns:
        dict: ``img`` (H, W, 3) BGR uint8, ``joints`` (16, 2), ``face``
        (3, 2), ``annotated`` (16, ) bool (False out of frame),
        ``occluded`` (16, ) bool, ``headbox`` (2, 2), ``center`` (2, ),
        ``scale`` (height / 200).
    """
    w, h = size
    img = _background(rng, h, w)
    body, face = sample_pose(rng)
    height = rng.uniform(0.55, 0.85) * h
    R = _rot(rng.uniform(-30, 30))
    pts = np.concatenate([body, face]) @ R.T * height
    lo, hi = pts.min(0), pts.max(0)
    # place the figure; now and then let an extremity leave the frame
    margin = -0.12 * height if rng.random() < 0.15 else 2
    offset = np.array([
        rng.uniform(margin - lo[0], w - margin - hi[0])
        if w - margin - hi[0] > margin - lo[0] else (w - lo[0] - hi[0]) / 2,
        rng.uniform(margin - lo[1], h - margin - hi[1])
        if h - margin - hi[1] > margin - lo[1] else (h - lo[1] - hi[1]) / 2
    ])
    pts = pts + offset
    joints, face = pts[:16], pts[16:]
    headbox, cover = render_person(rng, img, joints, face, height)
    occluded = np.zeros(16, bool)
    if rng.random() < 0.3:  # an occluder in front of a part of the body
        k = rng.integers(16)
        s = height * rng.uniform(0.08, 0.18)
        x0, y0 = joints[k] + rng.uniform(-s, s, 2) * 0.5
        pt1 = (int(x0 - s / 2), int(y0 - s / 2))
        pt2 = (int(x0 + s / 2), int(y0 + s / 2))
        cv2.rectangle(img, pt1, pt2,
                      tuple(int(c) for c in rng.integers(0, 256, 3)), -1)
        occluded = ((joints[:, 0] >= pt1[0]) & (joints[:, 0] <= pt2[0]) &
                    (joints[:, 1] >= pt1[1]) & (joints[:, 1] <= pt2[1]))
    annotated = ((joints[:, 0] >= 0) & (joints[:, 0] <= w - 1) &
                 (joints[:, 1] >= 0) & (joints[:, 1] <= h - 1))
    img = cv2.GaussianBlur(img, (3, 3), 0.6)
    box_lo, box_hi = joints.min(0), joints.max(0)
    return dict(
        img=img,
        joints=joints,
        face=face,
        annotated=annotated,
        occluded=occluded,
        headbox=headbox,
        center=(box_lo + box_hi) / 2,
        scale=np.float64(height / 200))


# How the hourglass FLIC files frame a person (medians over the 1016 people
# of anewell/pose-hg-train's data/flic/annot/valid.h5; its train.h5: 0.358
# and 0.041): the torso
# (||r_shoulder - l_hip||) is 0.368 of the crop's side, and the crop's
# centre sits 0.038 of the side above the mean of shoulders and hips.
FLIC_TORSO_TO_BOX = 0.368
FLIC_CENTRE_ABOVE_TORSO = 0.038


def _flic_box(fj: np.ndarray) -> Tuple[np.ndarray, float, float]:
    """Centre, scale (side / 200) and torso size of a FLIC record.

    FLIC is an upper-body set: its crops frame the torso, arms and head,
    not the whole figure as MPII's do, so the FLIC records frame each
    person as the real files do (``FLIC_TORSO_TO_BOX``).
    """
    at = {n: fj[i] for i, n in enumerate(FLIC_NAMES)}
    torso = float(np.linalg.norm(at['r_shoulder'] - at['l_hip']))
    side = torso / FLIC_TORSO_TO_BOX
    middle = np.mean(
        [at[n] for n in ('l_shoulder', 'r_shoulder', 'l_hip', 'r_hip')], 0)
    center = middle - [0, FLIC_CENTRE_ABOVE_TORSO * side]
    return center, side / 200, torso


def _records(people: List[dict], names: List[str]):
    mpii, flic = [], []
    for p, name in zip(people, names):
        joints = np.where(p['annotated'][:, None], p['joints'], -1.)
        mpii.append(
            dict(
                image=name,
                center=[float(v) for v in p['center'] + 1],  # 1-based
                scale=float(p['scale']),
                joints=np.round(joints, 3).tolist(),
                joints_vis=p['annotated'].astype(int).tolist()))
        fj = np.concatenate([p['joints'], p['face']])[FLIC_POINTS]
        center, scale, torso = _flic_box(fj)
        flic.append(
            dict(
                image=name,
                center=[float(v) for v in center],
                scale=scale,
                joints=np.round(fj, 3).tolist(),
                joints_vis=[1] * 11,
                torso_size=torso))
    return mpii, flic


def generate_split(out_dir: str,
                   split: str,
                   num: int,
                   seed: int,
                   size: Tuple[int, int] = (192, 192),
                   first_index: int = 0,
                   progress: Optional[bool] = None) -> Dict[str, str]:
    """Write ``num`` images and their MPII and FLIC annotations.

    Writes ``images/%09d.jpg`` (numeric names, as mmpose's ``MpiiDataset``
    wants), ``annotations/mpii_{split}.json``, ``annotations/
    flic_{split}.json`` and, for ``val``, ``annotations/mpii_gt_val.mat``
    (``pos_gt_src``, ``jnt_missing``, ``headboxes_src``: 1-based, as
    ``detections_our_format.mat``).

    Args:
        out_dir (str): The data root.
        split (str): ``'train'`` or ``'val'``.
        num (int): Number of people (= images).
        seed (int): Seed of the set; image ``i`` depends on (seed, i) only.
        size (tuple): Image ``(w, h)``. Defaults to ``(192, 192)``.
        first_index (int): Number of the first image file.
        progress (bool, optional): Show a progress bar (tqdm).
            Defaults to showing it on a terminal.

    Returns:
        dict: Paths of the written annotation files.
    """
    from scipy.io import savemat
    from tqdm import tqdm
    img_dir = osp.join(out_dir, 'images')
    ann_dir = osp.join(out_dir, 'annotations')
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(ann_dir, exist_ok=True)
    people, names = [], []
    for i in tqdm(range(num), desc=f'{split} people',
                  disable=not (progress if progress is not None
                               else os.isatty(2))):
        rng = np.random.default_rng([seed, first_index + i])
        p = make_person(rng, size)
        name = f'{first_index + i + 1:09d}.jpg'
        cv2.imwrite(osp.join(img_dir, name), p.pop('img'),
                    [cv2.IMWRITE_JPEG_QUALITY, 92])
        people.append(p)
        names.append(name)
    mpii, flic = _records(people, names)
    flic_split = 'valid' if split == 'val' else split
    paths = dict(
        mpii=osp.join(ann_dir, f'mpii_{split}.json'),
        flic=osp.join(ann_dir, f'flic_{flic_split}.json'))
    dump_json(mpii, paths['mpii'])
    dump_json(flic, paths['flic'])
    if split == 'val':
        joints = np.stack([p['joints'] for p in people]) + 1
        annotated = np.stack([p['annotated'] for p in people])
        joints[~annotated] = 0
        paths['headbox'] = osp.join(ann_dir, 'mpii_gt_val.mat')
        atomic_write(paths['headbox'], lambda f: savemat(
            f,
            dict(
                pos_gt_src=joints.transpose(1, 2, 0),
                jnt_missing=(~annotated).astype(np.uint8).T,
                headboxes_src=(np.stack([p['headbox'] for p in people]) +
                               1).transpose(1, 2, 0),
                dataset_joints=np.array([[
                    'rank', 'rkne', 'rhip', 'lhip', 'lkne', 'lank', 'pelv',
                    'thor', 'neck', 'head', 'rwri', 'relb', 'rsho', 'lsho',
                    'lelb', 'lwri'
                ]], dtype=object))), mode='wb')
    return paths
