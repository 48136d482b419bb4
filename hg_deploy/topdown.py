"""The test-time path of a plugin config around its network, in numpy and
OpenCV: crop each person as ``GetBBoxCenterScale`` + ``TopdownAffine`` do,
normalise as the config's data preprocessor, run the network, average with
the flipped crop as mmpose's flip test (``flip_heatmaps``), decode as
``GaussianHeatmap`` (argmax, quarter-pixel shift) and map the keypoints
back to the image as ``TopdownPoseEstimator`` does.

:class:`TopdownPipeline` does this around any network given as a function
of the input batch; :class:`TopdownOnnxRuntime` runs a model that
``tools/deployment/pytorch2onnx.py`` exported, whose metadata
(``metadata.py``) carries the settings, so the file alone is enough.
"""
from typing import Callable, Dict, Optional, Sequence, Tuple

import cv2
import numpy as np

from .metadata import from_properties

Network = Callable[[np.ndarray], np.ndarray]


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
              radius: int = 3, bboxes: Optional[np.ndarray] = None
              ) -> np.ndarray:
    """A copy of the BGR image with each person's limbs, joints and (if
    given) box."""
    out = img.copy()
    for kpts, sc in zip(keypoints, scores):
        for a, b in skeleton:
            if sc[a] > kpt_thr and sc[b] > kpt_thr:
                cv2.line(out, tuple(int(v) for v in kpts[a]),
                         tuple(int(v) for v in kpts[b]), (0, 200, 255), 2)
        for (x, y), s in zip(kpts, sc):
            if s > kpt_thr:
                cv2.circle(out, (int(x), int(y)), radius, (0, 255, 0), -1)
    for x1, y1, x2, y2 in ([] if bboxes is None else
                           np.asarray(bboxes)[:, :4].astype(int)):
        cv2.rectangle(out, (x1, y1), (x2, y2), (0, 255, 0), 1)
    return out


def check_decodable(meta: Dict, source: str) -> None:
    """Refuse settings whose decoding :func:`decode_heatmaps` has not
    (DARK), naming ``source``."""
    if meta['refine'] not in ('quarter', 'none'):
        raise ValueError(
            f"{source}: refine {meta['refine']!r} is not supported here "
            "('quarter' or 'none'); run the model with hg_plugin's "
            'inference (tools/infer.py CONFIG CHECKPOINT), which decodes '
            'with its codec')


class TopdownPipeline:
    """Keypoints of the people in given boxes, around any heatmap network.

    Args:
        meta (dict): The settings of ``metadata.py`` (an exported model's
            metadata, or ``hg_plugin.deployment.pipeline_settings`` of a
            config).
        network (callable): (N, 3, h, w) float32 inputs -> (N, K, h/4,
            w/4) heatmaps, numpy in and out.
        input_size (tuple[int, int], optional): The crop (w, h), for a
            network that takes any size. Defaults to the settings'.
        flip_test (bool, optional): Override the settings' flip test.
        decode (callable, optional): (N, K, h, w) heatmaps and the input
            pixels per heatmap pixel -> keypoints (N, K, 2) in input
            pixels and scores (N, K). Defaults to :func:`decode_heatmaps`
            of the settings' ``refine``, which decodes ``'quarter'`` and
            ``'none'``; a DARK model needs its codec's (hg_plugin's
            inference passes it).

    The stages (:meth:`preprocess`, :meth:`infer`, :meth:`postprocess`)
    can be called one by one, e.g. to batch the crops of several frames.
    """

    def __init__(self, meta: Dict, network: Network,
                 input_size: Optional[Sequence[int]] = None,
                 flip_test: Optional[bool] = None,
                 decode: Optional[Callable] = None) -> None:
        self.meta = dict(meta)
        if input_size is not None:
            self.meta['input_size'] = [int(v) for v in input_size]
        if flip_test is not None:
            self.meta['flip_test'] = bool(flip_test)
        refine = self.meta['refine']
        self.decode = decode or (
            lambda heatmaps, scale: decode_heatmaps(heatmaps, scale, refine))
        self.network = network
        m = self.meta
        self._mean = np.asarray(m['mean'], np.float32).reshape(1, 3, 1, 1)
        self._std = np.asarray(m['std'], np.float32).reshape(1, 3, 1, 1)

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
        return (x - self._mean) / self._std

    def preprocess(self, img: np.ndarray, bboxes: Sequence[Sequence[float]]
                   ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Network inputs (N, 3, h, w), box centres and sizes (N, 2) of
        the boxes (N, 4) of a BGR uint8 image."""
        if not isinstance(img, np.ndarray) or img.ndim != 3 or \
                img.shape[2] != 3 or img.dtype != np.uint8:
            raise ValueError('TopdownPipeline: the image must be an '
                             '(H, W, 3) uint8 BGR array')
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
        if not len(bboxes):
            w, h = self.meta['input_size']
            empty = np.zeros((0, 2), np.float32)
            return np.zeros((0, 3, h, w), np.float32), empty, empty
        crops, centers, scales = zip(*(self.crop(img, b) for b in bboxes))
        return (self.normalise(np.stack(crops)), np.stack(centers),
                np.stack(scales))

    def infer(self, inputs: np.ndarray) -> np.ndarray:
        """Heatmaps of the inputs, averaged with the flipped inputs'
        flipped back where the settings flip-test."""
        m = self.meta
        if not m['flip_test']:
            return self.network(inputs)
        both = self.network(np.concatenate([inputs, inputs[..., ::-1]]))
        hm, flipped = both[:len(inputs)], both[len(inputs):]
        flipped = flipped[..., ::-1][:, m['flip_indices']]
        if m['shift_heatmap']:
            flipped = np.concatenate([flipped[..., :1], flipped[..., :-1]],
                                     axis=-1)
        return (hm + flipped) * 0.5

    def postprocess(self, heatmaps: np.ndarray, centers: np.ndarray,
                    scales: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints (N, K, 2) in image pixels and scores (N, K)."""
        size = np.asarray(self.meta['input_size'], np.float32)
        # input pixels per heatmap pixel, from the heatmaps themselves (a
        # network exported for any size gives a quarter of any input)
        scale_factor = size / np.array(heatmaps.shape[:1:-1], np.float32)
        kpts, scores = self.decode(heatmaps, scale_factor)
        kpts = (kpts / size * scales[:, None] + centers[:, None] -
                0.5 * scales[:, None])
        return kpts, scores

    def __call__(self, img: np.ndarray, bboxes: Sequence[Sequence[float]]
                 ) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints (N, K, 2) in image pixels and scores (N, K) of the
        people in ``bboxes`` (N, 4) of a BGR uint8 image."""
        inputs, centers, scales = self.preprocess(img, bboxes)
        if not len(inputs):
            k = len(self.keypoint_names)
            return np.zeros((0, k, 2), np.float32), np.zeros((0, k))
        return self.postprocess(self.infer(inputs), centers, scales)


class ExportedNetwork:
    """An exported model as a function of the input batch: (N, 3, h, w) ->
    the last stack's (N, K, h/4, w/4) heatmaps, whatever the runtime.

    Args:
        run (callable): One batch (of the model's size, where it is fixed)
            -> the model's first output.
        batch (int, optional): The model's fixed batch size; ``None``: any.
        output (str): The metadata's ``output``: ``'last_stack'``, or
            ``'all_stacks'`` (N, S, K, h, w), of which the last is taken.
    """

    def __init__(self, run: Network, batch: Optional[int] = None,
                 output: str = 'last_stack') -> None:
        self.run, self.batch = run, batch
        self.all_stacks = output == 'all_stacks'

    def _run(self, inputs: np.ndarray) -> np.ndarray:
        out = self.run(inputs)
        return out[:, -1] if self.all_stacks else out

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        if self.batch is None:
            return self._run(inputs)
        outs = []
        for i in range(0, len(inputs), self.batch):
            chunk = inputs[i:i + self.batch]
            pad = self.batch - len(chunk)
            if pad:
                chunk = np.concatenate(
                    [chunk, np.zeros((pad, ) + chunk.shape[1:], chunk.dtype)])
            outs.append(self._run(chunk)[:len(chunk) - pad])
        return np.concatenate(outs)


def onnx_session(onnx_file: str,
                 providers: Sequence[str] = ('CPUExecutionProvider', ),
                 threads: Optional[int] = None):
    """An onnxruntime session of ``onnx_file``.

    Raises:
        ValueError: onnxruntime cannot load it (the file is named).
    """
    import onnxruntime as ort
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    try:
        return ort.InferenceSession(onnx_file, options,
                                    providers=list(providers))
    except Exception as e:  # onnxruntime raises its own types
        raise ValueError(f'{onnx_file}: not a loadable ONNX model '
                         f'({str(e)[:200]})') from None


class OnnxNetwork(ExportedNetwork):
    """An exported model in an onnxruntime session (:class:`ExportedNetwork`
    of its first input's batch size)."""

    def __init__(self, session, output: str = 'last_stack') -> None:
        self.session = session
        name = session.get_inputs()[0].name
        batch = session.get_inputs()[0].shape[0]
        super().__init__(lambda x: session.run(None, {name: x})[0],
                         batch if isinstance(batch, int) else None, output)


class TopdownOnnxRuntime(TopdownPipeline):
    """Keypoints of the people in given boxes, with an exported model.

    Args:
        onnx_file (str): A model written by
            ``tools/deployment/pytorch2onnx.py`` (fp32 or int8, the last
            stack or all stacks, a fixed or a dynamic size).
        providers (sequence[str]): onnxruntime execution providers.
            Defaults to ``('CPUExecutionProvider', )``.
        flip_test (bool, optional): Override the config's flip test.
        input_size (tuple[int, int], optional): The crop (w, h) for a
            model exported with ``--dynamic-shape``. Defaults to the
            config's.
        threads (int, optional): onnxruntime's intra-op threads.
            Defaults to onnxruntime's choice.

    Example:
        >>> runtime = TopdownOnnxRuntime('hg2.onnx')
        >>> keypoints, scores = runtime(cv2.imread('person.jpg'),
        ...                             [[10, 20, 200, 400]])
    """

    def __init__(self, onnx_file: str,
                 providers: Sequence[str] = ('CPUExecutionProvider', ),
                 flip_test: Optional[bool] = None,
                 input_size: Optional[Sequence[int]] = None,
                 threads: Optional[int] = None) -> None:
        session = onnx_session(onnx_file, providers, threads)
        meta = from_properties(
            session.get_modelmeta().custom_metadata_map, onnx_file)
        check_decodable(meta, onnx_file)
        if input_size is not None and not meta['dynamic_shape'] and \
                list(input_size) != list(meta['input_size']):
            raise ValueError(
                f'{onnx_file}: exported for {meta["input_size"]} crops '
                f'(w, h), not {list(input_size)}; export it with '
                '--dynamic-shape to choose the size at run time')
        try:
            super().__init__(meta, OnnxNetwork(session, meta['output']),
                             input_size, flip_test)
        except ValueError as e:
            raise ValueError(f'{onnx_file}: {e}') from None
        self.session = session
