"""The test-time path of a plugin config, for an ONNX model that
``tools/deployment/pytorch2onnx.py`` exported: crop each person as
``GetBBoxCenterScale`` + ``TopdownAffine`` do, normalise as the config's
data preprocessor, run the network, average with the flipped crop as
mmpose's flip test (``flip_heatmaps``), decode as ``GaussianHeatmap``
(argmax, quarter-pixel shift) and map the keypoints back to the image as
``TopdownPoseEstimator`` does. The settings travel in the ONNX file's
metadata (``hg_plugin``), so the file alone is enough.
"""
import json
from typing import Dict, Sequence, Tuple

import cv2
import numpy as np

METADATA_KEY = 'hg_plugin'


def warp_matrix(center: np.ndarray, scale: np.ndarray,
                output_size: Tuple[int, int]) -> np.ndarray:
    """mmpose's ``get_warp_matrix`` without rotation or shift: the 2x3
    affine map from the box (centre, size (w, h)) onto the output."""
    src_w = scale[0]
    dst_w, dst_h = output_size
    src = np.zeros((3, 2), dtype=np.float32)
    src[0] = center
    src[1] = center + np.array([0., src_w * -0.5])
    dst = np.zeros((3, 2), dtype=np.float32)
    dst[0] = [dst_w * 0.5, dst_h * 0.5]
    dst[1] = dst[0] + np.array([0., dst_w * -0.5])
    # the third point: (a - b) turned 90 degrees about b
    for p in (src, dst):
        d = p[0] - p[1]
        p[2] = p[1] + np.array([-d[1], d[0]])
    return cv2.getAffineTransform(src, dst)


def decode_heatmaps(heatmaps: np.ndarray, scale_factor: Sequence[float],
                    refine: str = 'quarter'
                    ) -> Tuple[np.ndarray, np.ndarray]:
    """``GaussianHeatmap``'s decode of (N, K, H, W) heatmaps: the argmax,
    shifted a quarter pixel toward the higher neighbour in x and in y where
    it is off the border; keypoints in input pixels (N, K, 2), ``-scale``
    where a heatmap has no positive value, and the peak values (N, K)."""
    n, k, h, w = heatmaps.shape
    flat = heatmaps.reshape(n, k, h * w)
    idx = flat.argmax(axis=2)
    scores = np.take_along_axis(flat, idx[..., None], 2)[..., 0]
    x, y = idx % w, idx // w
    kpts = np.stack((x, y), axis=-1).astype(np.float32)
    if refine == 'quarter':
        inner = (x > 0) & (x < w - 1) & (y > 0) & (y < h - 1)

        def at(xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
            i = np.clip(yy, 0, h - 1) * w + np.clip(xx, 0, w - 1)
            return np.take_along_axis(flat, i[..., None], 2)[..., 0]

        d = np.stack((at(x + 1, y) - at(x - 1, y),
                      at(x, y + 1) - at(x, y - 1)), axis=-1)
        kpts += np.where(inner[..., None], 0.25 * np.sign(d), 0)
    elif refine != 'none':
        raise ValueError(f"decode_heatmaps: refine {refine!r} is not "
                         "supported here ('quarter' or 'none')")
    kpts[scores <= 0] = -1
    return kpts * np.asarray(scale_factor, np.float32), scores


def draw_pose(img: np.ndarray, keypoints: np.ndarray, scores: np.ndarray,
              skeleton: Sequence[Sequence[int]], kpt_thr: float = 0.,
              radius: int = 3) -> np.ndarray:
    """A copy of the BGR image with each person's joints and limbs."""
    out = img.copy()
    for kpts, sc in zip(keypoints, scores):
        for a, b in skeleton:
            if sc[a] > kpt_thr and sc[b] > kpt_thr:
                cv2.line(out, tuple(int(v) for v in kpts[a]),
                         tuple(int(v) for v in kpts[b]), (0, 200, 255), 2)
        for (x, y), s in zip(kpts, sc):
            if s > kpt_thr:
                cv2.circle(out, (int(x), int(y)), radius, (0, 255, 0), -1)
    return out


class TopdownOnnxRuntime:
    """Keypoints of the people in given boxes, with an exported model.

    Args:
        onnx_file (str): A model written by
            ``tools/deployment/pytorch2onnx.py``.
        providers (sequence[str]): onnxruntime execution providers.
            Defaults to ``('CPUExecutionProvider', )``.
        flip_test (bool, optional): Override the config's flip test.

    Example:
        >>> runtime = TopdownOnnxRuntime('hg2.onnx')
        >>> keypoints, scores = runtime(cv2.imread('person.jpg'),
        ...                             [[10, 20, 200, 400]])
    """

    def __init__(self, onnx_file: str,
                 providers: Sequence[str] = ('CPUExecutionProvider', ),
                 flip_test: bool = None) -> None:
        import onnxruntime as ort
        try:
            self.session = ort.InferenceSession(
                onnx_file, providers=list(providers))
        except Exception as e:  # onnxruntime raises its own types
            raise ValueError(f'{onnx_file}: not a loadable ONNX model '
                             f'({str(e)[:200]})') from None
        custom = self.session.get_modelmeta().custom_metadata_map
        if METADATA_KEY not in custom:
            raise ValueError(
                f'{onnx_file}: no {METADATA_KEY!r} metadata; export it with '
                'tools/deployment/pytorch2onnx.py')
        self.meta: Dict = json.loads(custom[METADATA_KEY])
        self.input_name = self.session.get_inputs()[0].name
        batch = self.session.get_inputs()[0].shape[0]
        self.batch = batch if isinstance(batch, int) else None
        if flip_test is not None:
            self.meta['flip_test'] = flip_test
        if self.meta['refine'] not in ('quarter', 'none'):
            raise ValueError(f"{onnx_file}: refine {self.meta['refine']!r} "
                             "is not supported here ('quarter' or 'none')")

    @property
    def keypoint_names(self) -> list:
        return self.meta['keypoint_names']

    def crop(self, img: np.ndarray, bbox: Sequence[float]
             ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The network's input crop of one box (x1, y1, x2, y2), with the
        box's centre and its aspect-fixed size."""
        m = self.meta
        x1, y1, x2, y2 = np.asarray(bbox, np.float32)[:4]
        center = np.array([x1 + x2, y1 + y2], np.float32) * 0.5
        scale = np.array([x2 - x1, y2 - y1], np.float32) * m['padding']
        w, h = m['input_size']
        aspect = w / h
        if scale[0] > scale[1] * aspect:
            scale = np.array([scale[0], scale[0] / aspect], np.float32)
        else:
            scale = np.array([scale[1] * aspect, scale[1]], np.float32)
        warp = warp_matrix(center, scale, (w, h))
        crop = cv2.warpAffine(img, warp, (int(w), int(h)),
                              flags=cv2.INTER_LINEAR)
        return crop, center, scale

    def normalise(self, crops: np.ndarray) -> np.ndarray:
        """(N, H, W, 3) BGR uint8 -> (N, 3, H, W) float32 network input."""
        m = self.meta
        x = crops[..., ::-1] if m['bgr_to_rgb'] else crops
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2)).astype(np.float32)
        if m['divisor'] != 1:
            x /= np.float32(m['divisor'])
        mean = np.asarray(m['mean'], np.float32).reshape(1, 3, 1, 1)
        std = np.asarray(m['std'], np.float32).reshape(1, 3, 1, 1)
        return (x - mean) / std

    def heatmaps(self, inputs: np.ndarray) -> np.ndarray:
        """Run the network, in the model's batch size if it is fixed."""
        if self.batch is None:
            return self.session.run(None, {self.input_name: inputs})[0]
        outs = []
        for i in range(0, len(inputs), self.batch):
            chunk = inputs[i:i + self.batch]
            pad = self.batch - len(chunk)
            if pad:
                chunk = np.concatenate(
                    [chunk, np.zeros((pad, ) + chunk.shape[1:], chunk.dtype)])
            outs.append(self.session.run(
                None, {self.input_name: chunk})[0][:len(chunk) - pad])
        return np.concatenate(outs)

    def __call__(self, img: np.ndarray, bboxes: Sequence[Sequence[float]]
                 ) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints (N, K, 2) in image pixels and scores (N, K) of the
        people in ``bboxes`` (N, 4) of a BGR uint8 image."""
        if not isinstance(img, np.ndarray) or img.ndim != 3 or \
                img.shape[2] != 3 or img.dtype != np.uint8:
            raise ValueError('TopdownOnnxRuntime: the image must be an '
                             '(H, W, 3) uint8 BGR array')
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
        k = len(self.meta['keypoint_names'])
        if not len(bboxes):
            return np.zeros((0, k, 2), np.float32), np.zeros((0, k))
        crops, centers, scales = zip(*(self.crop(img, b) for b in bboxes))
        inputs = self.normalise(np.stack(crops))
        m = self.meta
        if m['flip_test']:
            both = self.heatmaps(
                np.concatenate([inputs, inputs[..., ::-1]]))
            hm, flipped = both[:len(inputs)], both[len(inputs):]
            flipped = flipped[..., ::-1][:, m['flip_indices']]
            if m['shift_heatmap']:
                flipped = np.concatenate(
                    [flipped[..., :1], flipped[..., :-1]], axis=-1)
            hm = (hm + flipped) * 0.5
        else:
            hm = self.heatmaps(inputs)
        kpts, scores = decode_heatmaps(hm, m['scale_factor'], m['refine'])
        size = np.asarray(m['input_size'], np.float32)
        scales, centers = np.stack(scales), np.stack(centers)
        kpts = (kpts / size * scales[:, None] + centers[:, None] -
                0.5 * scales[:, None])
        return kpts, scores
