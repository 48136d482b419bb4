"""Keypoints of the people in pictures with a plugin model, on the
inference path that suits the machine and the input (``paths.py``)."""
import math
import os.path as osp
import time
import warnings
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from hg_deploy import TopdownOnnxRuntime, TopdownPipeline, draw_pose
from hg_deploy.metadata import read_file
from hg_deploy.topdown import check_decodable
from .boxes import InputError
from .networks import ModelFiles, OpenVinoNetwork, TorchNetwork, build_network
from .paths import (BACKENDS, EAGER, MIN_CALIBRATION_CROPS, PRECISIONS,
                    InferencePath, SpeedRecords, choose, supported_paths)

Result = Tuple[np.ndarray, np.ndarray, np.ndarray]  # boxes, keypoints, scores


class TopdownInferencer:
    """Top-down keypoints: boxes from the caller, an mmdet detector or the
    whole picture; each box cropped, run through the network and decoded
    as the config's test pipeline does (``hg_deploy.TopdownPipeline``).

    Call :meth:`prepare` with the size of the input to choose and build
    the inference path (``paths.py``), then call the inferencer on each
    picture.

    Args:
        config (str, optional): A plugin model config.
        checkpoint (str, optional): Its weights.
        onnx (str, optional): An exported model instead of the config and
            checkpoint (run by onnxruntime, or OpenVINO).
        device (str): PyTorch's device. Defaults to ``'cpu'``.
        backend (str): ``'auto'`` or one of ``paths.BACKENDS``.
            Defaults to ``'auto'``.
        precision (str): ``'auto'`` or one of ``paths.PRECISIONS``.
            Defaults to ``'auto'``.
        compile (bool, optional): ``torch.compile`` the PyTorch network:
            always, never, or (``None``) where it pays. Defaults to
            ``None``.
        det_config (str, optional): An mmdet detector config.
        det_checkpoint (str, optional): Its weights.
        det_cat_id (int): The detector's person class. Defaults to ``0``
            (COCO's).
        bbox_thr (float): Detections scored below are dropped.
            Defaults to ``0.3``.
        flip_test (bool, optional): Override the config's flip test.
        threads (int, optional): onnxruntime's and OpenVINO's threads.
    """

    def __init__(self,
                 config: Optional[str] = None,
                 checkpoint: Optional[str] = None,
                 onnx: Optional[str] = None,
                 device: str = 'cpu',
                 backend: str = 'auto',
                 precision: str = 'auto',
                 compile: Optional[bool] = None,
                 det_config: Optional[str] = None,
                 det_checkpoint: Optional[str] = None,
                 det_cat_id: int = 0,
                 bbox_thr: float = 0.3,
                 flip_test: Optional[bool] = None,
                 threads: Optional[int] = None) -> None:
        if backend not in ('auto', ) + BACKENDS:
            raise InputError(f'backend must be auto or one of {BACKENDS}, '
                             f'got {backend!r}')
        if precision not in ('auto', ) + PRECISIONS:
            raise InputError(f'precision must be auto or one of '
                             f'{PRECISIONS}, got {precision!r}')
        self.device, self.threads = device, threads
        self.backend, self.precision, self.compile = backend, precision, \
            compile
        self.flip_test = flip_test
        self.onnx = onnx
        self.path: Optional[InferencePath] = None
        self.reason = ''
        if onnx is not None:
            self.model = None
            self.pipeline = self._onnx_pipeline(onnx)
            self.settings = self.pipeline.meta
        else:
            if config is None:
                raise InputError('give a config and checkpoint, or --onnx')
            from ..deployment.onnx_export import HeatmapNetwork
            from .model import load_pose_model
            self.model, self.cfg, self.settings = load_pose_model(
                config, checkpoint, device)
            self.net = HeatmapNetwork(self.model).eval()
            self.files = ModelFiles(self.net, self.settings,
                                    self.cfg.model.to_dict(), checkpoint)
            self.records = SpeedRecords(self.files.key)
            self.pipeline = None
        self.detector = None
        if det_config is not None:
            from mmdet.apis import init_detector

            # palette: no class colours to draw (mmdet would otherwise
            # build the config's test dataset just for them)
            self.detector = init_detector(det_config, det_checkpoint,
                                          device=device, palette='random')
        self.det_cat_id, self.bbox_thr = det_cat_id, bbox_thr
        self._cropper = None

    @property
    def keypoint_names(self) -> List[str]:
        return self.settings['keypoint_names']

    def _onnx_pipeline(self, onnx: str) -> TopdownPipeline:
        if not osp.isfile(onnx):
            raise InputError(f'--onnx {onnx} does not exist')
        if self.backend not in ('auto', 'onnxruntime', 'openvino'):
            raise InputError(f'--onnx runs on onnxruntime or openvino, not '
                             f'{self.backend}')
        try:
            if self.backend == 'openvino':
                meta = read_file(onnx)
                check_decodable(meta, onnx)
                network = OpenVinoNetwork(onnx, meta['output'], self.threads)
                runtime = TopdownPipeline(meta, network,
                                          flip_test=self.flip_test)
            else:
                runtime = TopdownOnnxRuntime(onnx, flip_test=self.flip_test,
                                             threads=self.threads)
        except ValueError as e:
            raise InputError(str(e)) from None
        backend = 'openvino' if self.backend == 'openvino' else 'onnxruntime'
        self.path = InferencePath(backend, runtime.meta['precision'])
        self.reason = 'the given ONNX model'
        return runtime

    def crops_per_person(self) -> int:
        flip = self.settings['flip_test'] if self.flip_test is None else \
            self.flip_test
        return 2 if flip else 1

    def candidates(self) -> List[InferencePath]:
        """The supported paths the arguments allow."""
        paths = [
            p for p in supported_paths(self.device)
            if self.backend in ('auto', p.backend) and self.precision in (
                'auto', p.precision) and self.compile in (None, p.compiled)
        ]
        if not paths:
            asked = ' '.join(v for v in (self.backend, self.precision)
                             if v != 'auto') + (
                ' (torch.compile)' if self.compile else '')
            raise InputError(
                f'{asked} is not a path this machine supports; it has: '
                f"{', '.join(str(p) for p in supported_paths(self.device))}")
        return paths

    def eager_seconds_per_crop(self) -> float:
        """The eager path's seconds per crop: recorded here, or timed on
        one crop."""
        recorded = self.records.get(EAGER, 'per_crop_s')
        if recorded:
            return recorded
        net = TorchNetwork(self.net, self.device)
        w, h = self.settings['input_size']
        x = np.zeros((1, 3, h, w), np.float32)
        net(x)
        start = time.perf_counter()
        net(x)
        return time.perf_counter() - start

    def prepare(self, crops: float = 1,
                calibration: Optional[Callable[[], List[np.ndarray]]] = None,
                calibration_source: str = '') -> str:
        """Choose the path for an input of about ``crops`` network inputs
        (``math.inf``: a camera) and build it; returns why it was chosen.

        Args:
            crops (float): People times pictures, twice with flip test.
            calibration (callable, optional): Returns calibration inputs
                (normalised crops of the input) where an int8 model has to
                be made; without it, int8 only where one is cached.
            calibration_source (str): What the crops are, for the int8
                model's metadata.
        """
        if self.onnx is not None:
            return self.reason
        paths = self.candidates()
        cached = {p: self.files.has(p.precision) for p in paths
                  if p.backend != 'pytorch'}
        paths = [p for p in paths if p.precision != 'int8' or
                 cached[p] or calibration is not None]
        if not paths:
            raise InputError(
                'int8 needs an int8 model of this checkpoint, made before '
                'from pictures to calibrate on (a video or a folder of '
                f'{MIN_CALIBRATION_CROPS} or more people); or export one '
                '(tools/deployment/pytorch2onnx.py --quantize int8) and '
                'run it with --onnx')
        if len(paths) == 1:
            best, reason = paths[0], 'the only path allowed'
        elif crops <= 2 and not math.isinf(crops):
            # a picture or two: nothing pays for a start-up
            best = next((p for p in paths if not p.compiled and
                         p.backend == 'pytorch'), paths[0])
            reason = 'a single picture: no start-up pays for itself'
        else:
            est, all_est = choose(paths, crops, self.eager_seconds_per_crop(),
                                  self.records, cached,
                                  calibration is not None)
            best = est.path
            eager = next((e for e in all_est if e.path == EAGER), None)
            amount = 'a stream' if math.isinf(crops) else \
                f'{crops:.0f} crops'
            reason = (f'{amount}: ~{est.per_crop_s * 1e3:.0f} ms a crop, '
                      f'start-up ~{est.startup_s:.0f} s')
            if eager is not None and best != EAGER:
                reason += f' (PyTorch eager fp32: ~' \
                    f'{eager.per_crop_s * 1e3:.0f} ms a crop)'
        try:
            self.pipeline = self._build(best, calibration,
                                        calibration_source)
        except Exception as e:  # a compiler, a runtime that fails here
            chosen_for_you = (self.backend, self.precision,
                              self.compile) == ('auto', 'auto', None)
            if best == EAGER or not chosen_for_you:
                raise InputError(f'{best} could not start: '
                                 f'{type(e).__name__}: {str(e)[:300]}') \
                    from None
            warnings.warn(f'{best} could not start ({type(e).__name__}: '
                          f'{str(e)[:200]}); running PyTorch eager fp32')
            best, reason = EAGER, f'{best} could not start'
            self.pipeline = self._build(best, None, '')
        if best.precision == 'int8':
            calib = read_file(self.files.path('int8'))['calibration']
            reason += (f"; int8 calibrated on {calib['images']} crops of "
                       f"{calib['source']}")
        self.path, self.reason = best, reason
        return reason

    def _build(self, path: InferencePath,
               calibration: Optional[Callable[[], List[np.ndarray]]],
               calibration_source: str) -> TopdownPipeline:
        """The pipeline around ``path``'s network, started (its start-up
        time recorded)."""
        start = time.perf_counter()
        network = build_network(path, self.net, self.device, self.files,
                                calibration, calibration_source,
                                self.threads)
        pipeline = TopdownPipeline(self.settings, network,
                                   flip_test=self.flip_test,
                                   decode=self._codec_decode())
        if path.backend != 'pytorch' or path.compiled:
            # the first batches: a compilation, a runtime's set-up (one
            # person, with and without flip test)
            w, h = self.settings['input_size']
            for n in (1, 2):
                network(np.zeros((n, 3, h, w), np.float32))
            self.records.record(path,
                                startup_s=time.perf_counter() - start)
        return pipeline

    def _codec_decode(self) -> Optional[Callable]:
        """The model's codec as the pipeline's decoder where hg_deploy's
        numpy decoding has not its refinement (DARK); else ``None``."""
        if self.settings['refine'] in ('quarter', 'none'):
            return None
        import torch
        codec = self.model.head.decoder

        def decode(heatmaps: np.ndarray, scale) -> tuple:
            kpts, scores = codec.decode_tensor(torch.from_numpy(heatmaps))
            # the codec's pixels are its own input's; the pipeline's crop
            # may be another size (scale: input pixels per heatmap pixel)
            kpts = kpts / kpts.new_tensor(codec.scale_factor) * \
                kpts.new_tensor(np.asarray(scale, np.float32))
            return kpts.numpy(), scores.numpy()

        return decode

    def record_speed(self, seconds: float, crops: int) -> None:
        """Keep the seconds per crop the network took in a run, for the
        next choice (only runs of some length say anything)."""
        if self.model is not None and self.path is not None and crops >= 8:
            self.records.record(self.path, per_crop_s=seconds / crops)

    def preprocess(self, img: np.ndarray,
                   bboxes: Optional[np.ndarray] = None) -> np.ndarray:
        """The normalised crops (N, 3, h, w) of a picture's people (given,
        detected or the whole picture), without running the network."""
        if self._cropper is None:
            self._cropper = TopdownPipeline(self.settings, network=None)
        return self._cropper.preprocess(
            img, self.detect(img) if bboxes is None else bboxes)[0]

    def detect(self, img: np.ndarray) -> np.ndarray:
        """The person boxes (N, 4) of the detector, or the whole image."""
        h, w = img.shape[:2]
        if self.detector is None:
            return np.array([[0, 0, w, h]], np.float32)
        from mmdet.apis import inference_detector
        pred = inference_detector(self.detector, img).pred_instances
        keep = (pred.labels == self.det_cat_id) & (pred.scores >=
                                                   self.bbox_thr)
        return pred.bboxes[keep].cpu().numpy().astype(np.float32)

    def __call__(self, img: np.ndarray,
                 bboxes: Optional[Sequence[Sequence[float]]] = None
                 ) -> Result:
        """The boxes (N, 4), keypoints (N, K, 2) in image pixels and
        scores (N, K) of the people of a BGR image: those in ``bboxes``,
        else the detector's or the whole image."""
        if self.pipeline is None:
            self.prepare()
        boxes = self.detect(img) if bboxes is None else np.asarray(
            bboxes, np.float32).reshape(-1, 4)
        kpts, scores = self.pipeline(img, boxes)
        return boxes, kpts, scores

    def draw(self, img: np.ndarray, result: Result,
             kpt_thr: float = 0.) -> np.ndarray:
        """The image with each person's box, limbs and joints."""
        boxes, kpts, scores = result
        return draw_pose(img, kpts, scores, self.settings['skeleton'],
                         kpt_thr, bboxes=boxes)
