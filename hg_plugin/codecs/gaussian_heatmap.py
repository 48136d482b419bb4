from typing import Optional, Tuple, Union

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmpose.codecs.base import BaseKeypointCodec
from mmpose.registry import KEYPOINT_CODECS
from torch import Tensor

from ..utils.checks import (check_bool, check_choice, check_int, check_number,
                            check_size)

ArrayOrTensor = Union[np.ndarray, Tensor]


@KEYPOINT_CODECS.register_module()
class GaussianHeatmap(BaseKeypointCodec):
    """Gaussian heatmaps of the stacked hourglass paper.

    Encoding draws, per keypoint, a Gaussian with peak 1 and standard
    deviation ``sigma`` (heatmap pixels) around the keypoint's rounded
    heatmap position, truncated to the square 3-sigma window, as the product
    of two 1-D Gaussians. The paper says sigma 1 (``-hmGauss 1``); what the
    original code drew with it is ``image.gaussian(7)``, whose relative
    width 0.25 gives **sigma = 1.75** heatmap pixels (``drawGaussian`` in
    ``src/util/img.lua``).

    Decoding takes the argmax of each heatmap and shifts it a quarter pixel
    toward the higher neighbour in x and in y where the maximum is off the
    border (``postprocess`` in ``src/util/pose.lua``), or refines it with
    DARK's Taylor step. One batched torch path decodes numpy arrays and
    tensors, on the tensor's device.

    Why not mmpose's ``MSRAHeatmap``: it keeps a joint whose Gaussian window
    only overlaps the frame (the paper drops a joint whose rounded position
    is outside; ``drop_out_of_frame=False`` keeps mmpose's rule), its
    quarter-pixel rule differs at the border (no x shift at column 1, a y
    shift at column 0), and where 3 sigma is not whole (1.75) its Gaussian
    peaks one pixel up and left of the joint. Elsewhere the encodings and
    decodings are mmpose's (tests/test_codecs). It takes ``MSRAHeatmap``'s
    arguments, so changing ``type=`` alone swaps the two.

    Note:
        - instance number: N
        - keypoint number: K
        - heatmap size: [W, H]

    Args:
        input_size (tuple): Input image size ``[w, h]``.
        heatmap_size (tuple, optional): Heatmap size ``[W, H]``.
            Defaults to ``None``: a quarter of ``input_size``, the stacked
            hourglass's output, so that a config that changes the input
            size changes the heatmaps with it.
        sigma (float): Standard deviation in heatmap pixels, 0.01 to 1000
            (a narrower one would overflow float32). Defaults to ``2.0``.
        unbiased (bool): ``MSRAHeatmap``'s switch to DARK: sub-pixel centres
            and ``refine='dark'``. Defaults to ``False``.
        blur_kernel_size (int): Gaussian blur kernel of DARK's modulation.
            Defaults to ``11``.
        subpixel_center (bool, optional): Centre the Gaussian at the
            sub-pixel position, untruncated. Defaults to ``unbiased``.
        drop_out_of_frame (bool): Drop a joint whose rounded position is
            outside the heatmap (the paper); ``False`` drops only a joint
            whose whole window is outside (mmpose). Defaults to ``True``.
        refine (str, optional): ``'quarter'``, ``'dark'`` or ``'none'``.
            Defaults to ``'dark'`` if ``unbiased`` else ``'quarter'``.

    Paper: `Stacked Hourglass Networks for Human Pose Estimation
    <https://arxiv.org/abs/1603.06937>`_.
    """

    label_mapping_table = dict(keypoint_weights='keypoint_weights')
    field_mapping_table = dict(heatmaps='heatmaps')

    def __init__(self,
                 input_size: Tuple[int, int],
                 heatmap_size: Optional[Tuple[int, int]] = None,
                 sigma: float = 2.,
                 unbiased: bool = False,
                 blur_kernel_size: int = 11,
                 subpixel_center: Optional[bool] = None,
                 drop_out_of_frame: bool = True,
                 refine: Optional[str] = None) -> None:
        super().__init__()
        name = 'GaussianHeatmap'
        check_bool(name, 'unbiased', unbiased)
        refine = refine or ('dark' if unbiased else 'quarter')
        check_number(name, 'sigma', sigma, low=0.01, high=1e3)
        check_choice(name, 'refine', refine, ('quarter', 'dark', 'none'))
        if check_int(name, 'blur_kernel_size', blur_kernel_size) % 2 == 0:
            raise ValueError('GaussianHeatmap: blur_kernel_size must be a '
                             f'positive odd number, got {blur_kernel_size}')
        check_bool(name, 'drop_out_of_frame', drop_out_of_frame)
        if subpixel_center is not None:
            check_bool(name, 'subpixel_center', subpixel_center)
        self.input_size = check_size(name, 'input_size', input_size)
        if heatmap_size is None:
            heatmap_size = tuple(max(1, v // 4) for v in self.input_size)
        self.heatmap_size = check_size(name, 'heatmap_size', heatmap_size)
        self.sigma = float(sigma)
        self.subpixel_center = (unbiased if subpixel_center is None else
                                subpixel_center)
        self.drop_out_of_frame = drop_out_of_frame
        self.refine = refine
        self.blur_kernel_size = blur_kernel_size
        self.scale_factor = (np.array(self.input_size) /
                             self.heatmap_size).astype(np.float32)

    def encode(self,
               keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Encode keypoints in input-image coordinates into heatmaps.

        Args:
            keypoints (np.ndarray): Keypoints, shape (N, K, 2).
            keypoints_visible (np.ndarray, optional): Visibility (annotated
                where >= 0.5), shape (N, K). Defaults to all visible.

        Returns:
            dict:
            - heatmaps (np.ndarray): (K, H, W) float32, the maximum over
              the N instances.
            - keypoint_weights (np.ndarray): (N, K) float32, 0 for a joint
              not drawn.
        """
        keypoints = np.asarray(keypoints, dtype=np.float32)
        if keypoints.ndim != 3 or keypoints.shape[-1] < 2:
            raise ValueError('GaussianHeatmap.encode: keypoints must be '
                             f'(N, K, 2), got shape {keypoints.shape}')
        N, K = keypoints.shape[:2]
        if keypoints_visible is None:
            weights = np.ones((N, K), dtype=np.float32)
        else:
            weights = np.asarray(keypoints_visible, dtype=np.float32)
            if weights.shape != (N, K):
                raise ValueError('GaussianHeatmap.encode: keypoints_visible '
                                 f'must be {(N, K)}, got {weights.shape}')
        size = np.array(self.heatmap_size, np.float32)
        radius = 3 * self.sigma
        # float32 arithmetic of the original and of mmpose: x / scale + 0.5
        mu = keypoints[..., :2] * (np.float32(1) / self.scale_factor)
        if self.subpixel_center:
            centre = mu
            if self.drop_out_of_frame:
                inside = (mu >= 0) & (mu <= size - 1)
            else:  # MSRAHeatmap(unbiased=True)'s rule
                inside = (mu - radius < size) & (mu + radius + 1 >= 0)
        else:
            mu += np.float32(0.5)
            if self.drop_out_of_frame:  # the paper: round half up
                centre = np.floor(mu)
                inside = (centre >= 0) & (centre <= size - 1)
            else:  # mmpose: cast toward 0; part of the window inside
                centre = np.trunc(mu)
                inside = (np.trunc(centre - radius) < size) & (
                    np.trunc(centre + radius + 1) >= 0)
        weights = weights * inside.all(-1)
        drawn = weights >= 0.5  # False for NaN
        # a joint not drawn gets a zero row; NaN or inf never reach exp
        centre = np.where(drawn[..., None], centre, 0)
        gx = self._gaussian_1d(self.heatmap_size[0], centre[..., 0])
        gy = self._gaussian_1d(self.heatmap_size[1], centre[..., 1])
        gx *= drawn[..., None]
        heatmaps = gy[..., :, None] * gx[..., None, :]
        # one person (top-down): no maximum over instances to take
        heatmaps = heatmaps[0] if N == 1 else heatmaps.max(axis=0)
        return dict(heatmaps=heatmaps, keypoint_weights=weights)

    def _gaussian_1d(self, size: int, centre: np.ndarray) -> np.ndarray:
        """exp(-d^2 / 2 sigma^2) at d = 0..size-1 minus ``centre``, (...,
        size); zero beyond 3 sigma unless the centre is sub-pixel."""
        d = np.arange(size, dtype=np.float32) - centre[..., None]
        g = np.exp(d * d * np.float32(-0.5 / self.sigma**2))
        if not self.subpixel_center:
            g[np.abs(d) > 3 * self.sigma] = 0
        return g

    def decode(self, encoded: ArrayOrTensor) -> Tuple[np.ndarray, np.ndarray]:
        """Decode one instance's heatmaps (K, H, W).

        Returns:
            tuple:
            - keypoints (np.ndarray): (1, K, 2) in input-image coordinates.
            - scores (np.ndarray): (1, K), the heatmap peak values.
        """
        keypoints, scores = self.decode_tensor(torch.as_tensor(encoded)[None])
        return keypoints.cpu().numpy(), scores.cpu().numpy()

    def batch_decode(self, batch_heatmaps: Tensor
                     ) -> Tuple[np.ndarray, np.ndarray]:
        """Decode (B, K, H, W) heatmaps: keypoints (B, 1, K, 2) and scores
        (B, 1, K), as mmpose's heads expect."""
        keypoints, scores = self.decode_tensor(batch_heatmaps)
        return keypoints.cpu().numpy()[:, None], scores.cpu().numpy()[:, None]

    def decode_tensor(self, batch_heatmaps: ArrayOrTensor
                      ) -> Tuple[Tensor, Tensor]:
        """Decode a batch of heatmaps into tensors on their own device.

        Args:
            batch_heatmaps (np.ndarray | Tensor): (B, K, H, W).

        Returns:
            tuple:
            - keypoints (Tensor): (B, K, 2) in input-image coordinates;
              ``-scale_factor`` where a heatmap has no positive value (as
              mmpose).
            - scores (Tensor): (B, K), the peak values.
        """
        hm = torch.as_tensor(batch_heatmaps).detach().float()
        if hm.ndim != 4:
            raise ValueError('GaussianHeatmap: heatmaps to decode must be '
                             f'(B, K, H, W), got shape {tuple(hm.shape)}')
        W = hm.shape[-1]
        flat = hm.flatten(2)
        idx = flat.argmax(dim=2)
        scores = flat.gather(2, idx[..., None])[..., 0]
        x, y = idx % W, torch.div(idx, W, rounding_mode='floor')
        keypoints = torch.stack((x, y), dim=-1).float()
        if self.refine == 'quarter':
            keypoints += 0.25 * self._quarter_sign(hm, x, y)
        elif self.refine == 'dark':
            keypoints += self._dark_offset(hm, x, y)
        keypoints[scores <= 0] = -1  # as mmpose: no peak, -1 * scale
        return keypoints * keypoints.new_tensor(self.scale_factor), scores

    @staticmethod
    def _gather(hm: Tensor, x: Tensor, y: Tensor) -> Tensor:
        """``hm[b, k, y[b, k], x[b, k]]`` with indices clamped inside."""
        H, W = hm.shape[-2:]
        flat = y.clamp(0, H - 1) * W + x.clamp(0, W - 1)
        return hm.flatten(2).gather(2, flat[..., None])[..., 0]

    def _quarter_sign(self, hm: Tensor, x: Tensor, y: Tensor) -> Tensor:
        """Sign of the difference of the two neighbours in x and in y where
        the maximum is off the border (the original's ``pX > 1 and pX < res
        and pY > 1 and pY < res``, 1-based), else 0."""
        H, W = hm.shape[-2:]
        inner = ((x > 0) & (x < W - 1) & (y > 0) & (y < H - 1))[..., None]
        g = self._gather
        d = torch.stack((g(hm, x + 1, y) - g(hm, x - 1, y),
                         g(hm, x, y + 1) - g(hm, x, y - 1)), dim=-1)
        # where, not a product: an infinite neighbour must not give NaN
        return torch.where(inner, d.sign(), torch.zeros_like(d))

    def _dark_offset(self, hm: Tensor, x: Tensor, y: Tensor) -> Tensor:
        """DARK: blur (maximum kept), log, one second-order Taylor step;
        the arithmetic of mmpose's ``refine_keypoints_dark`` (zero-padded
        blur with OpenCV's kernel), batched."""
        B, K, H, W = hm.shape
        ks = self.blur_kernel_size
        k1 = torch.from_numpy(cv2.getGaussianKernel(ks, 0)[:, 0]).to(hm)
        flat = hm.reshape(B * K, 1, H, W)
        peak = flat.amax(dim=(2, 3), keepdim=True)
        blur = F.conv2d(flat, k1.view(1, 1, ks, 1), padding=(ks // 2, 0))
        blur = F.conv2d(blur, k1.view(1, 1, 1, ks), padding=(0, ks // 2))
        blur = blur * peak / blur.amax(dim=(2, 3), keepdim=True)
        logh = blur.clamp_min(1e-10).log().reshape(B, K, H, W)

        def at(ox: int, oy: int) -> Tensor:
            return self._gather(logh, x + ox, y + oy).double()

        dx = 0.5 * (at(1, 0) - at(-1, 0))
        dy = 0.5 * (at(0, 1) - at(0, -1))
        dxx = 0.25 * (at(2, 0) - 2 * at(0, 0) + at(-2, 0))
        dyy = 0.25 * (at(0, 2) - 2 * at(0, 0) + at(0, -2))
        dxy = 0.25 * (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1))
        det = dxx * dyy - dxy**2
        ok = (x > 1) & (x < W - 2) & (y > 1) & (y < H - 2) & (det != 0)
        det = torch.where(ok, det, torch.ones_like(det))
        # offset = -H^-1 g, the 2x2 inverse written out
        off_x = -(dyy * dx - dxy * dy) / det
        off_y = -(-dxy * dx + dxx * dy) / det
        off = torch.stack((off_x, off_y), dim=-1) * ok[..., None]
        return off.to(hm.dtype)
