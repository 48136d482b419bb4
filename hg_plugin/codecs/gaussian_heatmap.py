from typing import Optional, Tuple, Union

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from mmpose.codecs.base import BaseKeypointCodec
from mmpose.registry import KEYPOINT_CODECS
from torch import Tensor

ArrayOrTensor = Union[np.ndarray, Tensor]


@KEYPOINT_CODECS.register_module()
class GaussianHeatmap(BaseKeypointCodec):
    """Gaussian heatmaps of the stacked hourglass paper, vectorised.

    Encoding draws, per keypoint, a Gaussian with peak 1 and standard
    deviation ``sigma`` (heatmap pixels) around the keypoint's heatmap
    position. The paper says sigma 1 (``-hmGauss 1``); what the original Torch
    code drew with that option is ``image.gaussian(7)``, whose default
    relative width 0.25 gives **sigma = 1.75 heatmap pixels** inside a 7x7
    window (``drawGaussian`` in ``src/util/img.lua``). ``sigma=1.75`` with the
    default 3-sigma window reproduces it up to the window's extent (7x7 there,
    11x11 here; values beyond +-3 px are below 0.23).

    Decoding takes the argmax of each heatmap, then shifts it a quarter pixel
    toward the higher neighbour in x and in y (the paper's post-processing,
    ``postprocess`` in ``src/util/pose.lua``), or refines it with DARK's
    Taylor expansion (``refine='dark'``).

    Why not mmpose's ``MSRAHeatmap``: it loops over keypoints in Python in
    both directions (this codec is vectorised and has a batched torch decode
    that runs on the model's device), and it keeps a joint whose Gaussian
    window only overlaps the frame. Its quarter-pixel rule also differs at
    the border: it skips the x shift at column 1 (``1 < x``) and shifts y at
    column 0; the original code shifts both, or neither, by whether the
    maximum is off the border (``0 < x < W - 1 and 0 < y < H - 1``), as done
    here. With ``drop_out_of_frame=False`` the encodings are mmpose's (to
    float32 rounding) where 3 sigma is a whole number of pixels (mmpose's
    sigma 2, for one), and decodings agree wherever the maximum is more
    than one pixel inside (tests/test_codecs). Where 3 sigma is not whole,
    e.g. the original's 1.75, mmpose's Gaussian is off centre: its patch
    starts at ``trunc(mu - 3 sigma)`` and its peak sits ``(6 sigma + 1) //
    2`` further, one pixel up and left of the joint for sigma 1.75; this
    codec keeps the peak on the joint.

    Note:
        - instance number: N
        - keypoint number: K
        - heatmap size: [W, H]

    Args:
        input_size (tuple): Input image size ``[w, h]``.
        heatmap_size (tuple): Heatmap size ``[W, H]``.
        sigma (float): Standard deviation of the Gaussian in heatmap pixels.
            Defaults to ``2.0``, as mmpose's configs.
        subpixel_center (bool): Centre the Gaussian at the sub-pixel position
            (no truncation window) instead of the rounded pixel.
            Defaults to ``False``.
        drop_out_of_frame (bool): Give a joint whose (rounded) position lies
            outside the heatmap an all-zero heatmap and weight 0 (the paper's
            rule). ``False`` keeps mmpose's rule: drop only a joint whose
            whole 3-sigma window is outside. Defaults to ``True``.
        refine (str): ``'quarter'`` (the paper), ``'dark'`` (DARK) or
            ``'none'``. Defaults to ``'quarter'``.
        blur_kernel_size (int): Gaussian blur kernel of DARK's modulation;
            11 suits sigma 2. Defaults to ``11``.

    Paper: `Stacked Hourglass Networks for Human Pose Estimation
    <https://arxiv.org/abs/1603.06937>`_.
    """

    label_mapping_table = dict(keypoint_weights='keypoint_weights')
    field_mapping_table = dict(heatmaps='heatmaps')

    def __init__(self,
                 input_size: Tuple[int, int],
                 heatmap_size: Tuple[int, int],
                 sigma: float = 2.,
                 subpixel_center: bool = False,
                 drop_out_of_frame: bool = True,
                 refine: str = 'quarter',
                 blur_kernel_size: int = 11) -> None:
        super().__init__()
        if not sigma > 0:
            raise ValueError(
                f'GaussianHeatmap: sigma must be > 0, got {sigma}')
        if refine not in ('quarter', 'dark', 'none'):
            raise ValueError("GaussianHeatmap: refine must be 'quarter', "
                             f"'dark' or 'none', got {refine!r}")
        if blur_kernel_size < 1 or blur_kernel_size % 2 == 0:
            raise ValueError('GaussianHeatmap: blur_kernel_size must be a '
                             f'positive odd number, got {blur_kernel_size}')
        self.input_size = tuple(input_size)
        self.heatmap_size = tuple(heatmap_size)
        self.sigma = float(sigma)
        self.subpixel_center = subpixel_center
        self.drop_out_of_frame = drop_out_of_frame
        self.refine = refine
        self.blur_kernel_size = blur_kernel_size
        self.scale_factor = (np.array(input_size) /
                             heatmap_size).astype(np.float32)
        self._size = np.array(heatmap_size, np.float32)
        self._pixel_tables_by_size = {}  # for _decode_numpy, by (H, W)
        if not subpixel_center:
            radius = 3 * self.sigma
            if drop_out_of_frame:  # 0 <= mu <= size - 1
                lo, hi = np.full(2, -1), self._size
            else:  # mmpose's trunc(mu - r) < size, trunc(mu + r + 1) >= 0
                lo, hi = np.full(2, -radius - 2), self._size + radius
            # rows for whole centres -pad .. size - 1 + pad; every centre
            # inside either rule is in that range
            pad = int(np.ceil(radius)) + 2
            self._rows, self._row_index, self._tables, self._none, \
                self._row_step = self._build_rows(pad, lo, hi)
            self._edges = tuple(
                self._bucket_edges(axis, pad, len(self._tables[axis]))
                for axis in (0, 1))
            self._half = np.float32(0.5)

    # ------------------------------------------------------------- encode
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
            - keypoint_weights (np.ndarray): (N, K) float32.
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
        if self.subpixel_center:
            return self._encode_subpixel(keypoints[..., :2] /
                                         self.scale_factor, weights)
        # Few numpy calls: at 16 keypoints each costs more than its
        # arithmetic, and the row gather below is the only real work. A
        # position's whole centre, as an entry of the x or y table, is one
        # binary search among precomputed float32 edges (see
        # ``_bucket_edges``); every heatmap row is one of a few precomputed
        # rows, so encoding is one gather of whole rows. The tables give,
        # per whole x and per whole y, its part of a code that names the
        # joint's rows, or a part that leads to all-zero rows where the
        # centre is outside the rule (NaN and +-inf among them).
        tx, ty = self._tables
        ex, ey = self._edges
        code = tx.take(ex.searchsorted(keypoints[..., 0], 'right'))
        code += ty.take(ey.searchsorted(keypoints[..., 1], 'right'))
        inside = (code < self._none).astype(np.float32)
        inside *= weights
        weights = inside
        # a dropped or NaN weight takes rows that hold no Gaussian
        code = np.where(weights >= self._half, code, self._none)
        rows = self._row_index.take(code[..., None] + self._row_step)
        heatmaps = self._rows.take(rows, axis=0)
        heatmaps = heatmaps[0] if N == 1 else heatmaps.max(axis=0)
        return dict(heatmaps=heatmaps, keypoint_weights=weights)

    def _encode_subpixel(self, mu: np.ndarray, weights: np.ndarray) -> dict:
        """Gaussians centred at the sub-pixel positions, separable:
        exp(-(dx^2 + dy^2) / 2s^2) = gx(dx) * gy(dy)."""
        size = self._size
        if self.drop_out_of_frame:
            inside = ((mu >= 0) & (mu <= size - 1)).all(-1)
        else:  # mmpose's rule: some part of the 3-sigma window is inside
            radius = 3 * self.sigma
            inside = ((np.trunc(mu - radius) < size) &
                      (np.trunc(mu + radius + 1) >= 0)).all(-1)
        weights = weights * inside
        valid = weights >= 0.5
        gx = self._gaussian_1d(size[0], mu[..., 0]) * valid[..., None]
        gy = self._gaussian_1d(size[1], mu[..., 1])
        heatmaps = (gy[..., :, None] * gx[..., None, :]).max(axis=0)
        return dict(heatmaps=heatmaps, keypoint_weights=weights)

    def _gaussian_1d(self, size: float, mu: np.ndarray) -> np.ndarray:
        """exp(-(x - mu)^2 / 2 sigma^2) for x = 0..size-1, (..., size)."""
        d = np.arange(int(size), dtype=np.float32) - mu[..., None]
        return np.exp(d * d * np.float32(-0.5 / self.sigma**2))

    def _centre_entry(self, v: np.ndarray, axis: int, pad: int,
                      num: int) -> np.ndarray:
        """Table entry (whole centre + pad + 1, clipped to the table's
        ``num`` entries) of finite float32 positions ``v`` in input pixels:
        the heatmap position ``v / scale`` rounded half up (floor), or, with
        ``drop_out_of_frame=False``, ``trunc(v / scale + 0.5)`` as mmpose's
        ``MSRAHeatmap`` rounds, both in float32 arithmetic."""
        mu = v * np.float32(1 / self.scale_factor[axis])
        mu += np.float32(0.5)
        if self.drop_out_of_frame:
            np.floor(mu, out=mu)
        # centres -pad - 1 .. num - pad - 2 are entries 0 .. num - 1
        np.clip(mu, -pad - 1, num - pad - 2, out=mu)
        return mu.astype(np.intp) + pad + 1

    def _bucket_edges(self, axis: int, pad: int, num: int) -> np.ndarray:
        """Float32 edges ``e`` such that ``e.searchsorted(v, 'right')`` is
        ``_centre_entry(v)`` for every float32 ``v``.

        The entry is a non-decreasing step function of ``v``, so it is the
        number of ``j`` in ``1 .. num - 1`` whose first position ``e[j - 1]``
        (the least float32 with entry ``>= j``) is ``<= v``. The edges are
        found exactly by bisection over the float32 numbers in order, so the
        search reproduces the rounding of ``_centre_entry`` bit for bit,
        ties and float32 rounding of the scaling included. NaN sorts above
        every edge and +-inf beyond the ends: all take end entries, which
        are outside either frame rule. One search replaces the seven numpy
        calls of scaling, rounding, clipping and casting, measured as the
        larger part of an encode's time.
        """
        def key(f: np.ndarray) -> np.ndarray:  # float32 -> ordered int64
            b = f.astype(np.float32).view(np.int32).astype(np.int64)
            return np.where(b < 0, -(b & 0x7fffffff), b)

        def value(k: np.ndarray) -> np.ndarray:
            b = np.where(k < 0, (-k) | -0x80000000, k).astype(np.int32)
            return b.view(np.float32)

        big = np.finfo(np.float32).max
        need = np.arange(1, num)
        lo = np.full(num - 1, key(np.array(-big)))  # entry < need
        hi = np.full(num - 1, key(np.array(big)))  # entry >= need
        while np.any(hi - lo > 1):
            mid = (lo + hi) // 2
            up = self._centre_entry(value(mid), axis, pad, num) >= need
            hi = np.where(up, mid, hi)
            lo = np.where(up, lo, mid)
        return value(hi)

    def _build_rows(self, pad: int, lo: np.ndarray, hi: np.ndarray
                    ) -> Tuple[np.ndarray, np.ndarray,
                               Tuple[np.ndarray, np.ndarray], int,
                               np.ndarray]:
        """Every heatmap row of a joint at a whole centre, as a table.

        The Gaussian, truncated to the square 3-sigma window as mmpose draws
        it, is ``gy(y - cy) * gx(x - cx)``: row ``y`` of the heatmap of the
        centre ``(cx, cy)`` is ``gy(dy)`` times the W-pixel span of a padded
        1-D window that starts at ``W - 1 + pad - cx``, and all zero where
        ``|dy| > 3 sigma``. ``rows`` holds those rows, one per (dy, start)
        for ``|dy| <= 3 sigma`` and centres ``-pad .. size - 1 + pad`` (``pad``
        > 3 sigma), then all-zero rows: at 64x64 and sigma 2, 1,134 rows of
        64 floats (290 KB), where a heatmap is 64 of them.

        A joint is named by a code, the sum of an x part
        ``tables[0][cx + pad + 1]`` (the start) and a y part
        ``tables[1][cy + pad + 1]`` (``(H - 1 + pad - cy) * (starts + 1)``),
        each ``none`` where ``lo < c < hi`` fails (entries 0 and -1 among
        them), so that a code of at least ``none`` means dropped. Heatmap
        row ``y`` of a joint is ``rows[row_index[code + step[y]]]``;
        ``row_index`` sends every code from ``none`` on to all-zero rows.

        Measured on this project's 2-core machine (16 keypoints, 64x64):
        gathering whole rows with ``take`` costs half the gather of (H, W)
        windows of one canvas by fancy indexing that it replaces; building
        each heatmap as the outer product of two 1-D windows is slower
        still (numpy's broadcast multiplication runs one inner loop per
        heatmap row).

        Returns:
            tuple: ``rows`` (R, W), ``row_index``, the x and y tables,
            ``none`` and ``step`` (H, ).
        """
        def window(size: int, mid: int) -> np.ndarray:
            g = self._gaussian_1d(size, np.array(mid, np.float32))
            g[np.abs(np.arange(size) - mid) > 3 * self.sigma] = 0
            return g

        W, H = self.heatmap_size
        r = int(np.floor(3 * self.sigma))
        starts = W + 2 * pad  # of the W-pixel span in the padded x window
        line = starts + 1  # rows per dy: the starts, and one spare
        gx = window(2 * (W - 1 + pad) + 1, W - 1 + pad)
        spans = gx[np.arange(starts)[:, None] + np.arange(W)]
        rows = np.zeros((2 * r + 2, line, W), np.float32)  # last: zeros
        rows[:-1, :starts] = window(2 * r + 1, r)[:, None, None] * spans
        rows = rows.reshape(-1, W)
        # row_index[s * line + start]: s = H - 1 + pad - cy + y (the y part
        # of a code over line, plus y), so dy = y - cy = s - mid; beyond the
        # centres (s > 2 mid, codes from none on) dy > mid > r: zero rows
        mid = H - 1 + pad
        dy = np.arange(2 * mid + 1 + H) - mid
        dy_row = np.where(np.abs(dy) <= r, dy + r, 2 * r + 1)
        row_index = (dy_row[:, None] * line + np.arange(line)).ravel()
        none = (2 * mid + 1) * line  # s >= 2 mid + 1: all-zero rows

        def table(size: int, axis: int, unit: int) -> np.ndarray:
            c = np.arange(size + 2 * pad + 2) - (pad + 1)
            part = (size - 1 + pad - c) * unit
            inside = (c > lo[axis]) & (c < hi[axis])
            return np.where(inside, part, none).astype(np.intp)

        rows.flags.writeable = False
        return (rows, row_index.astype(np.intp),
                (table(W, 0, 1), table(H, 1, line)), np.intp(none),
                (np.arange(H) * line).astype(np.intp))

    # ------------------------------------------------------------- decode
    def decode(self, encoded: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Decode one instance's heatmaps (K, H, W).

        Returns:
            tuple:
            - keypoints (np.ndarray): (1, K, 2) in input-image coordinates.
            - scores (np.ndarray): (1, K), the heatmap peak values.
        """
        if self.refine == 'dark':
            keypoints, scores = self.decode_tensor(
                torch.from_numpy(np.ascontiguousarray(encoded))[None])
            return keypoints.numpy(), scores.numpy()
        return self._decode_numpy(np.asarray(encoded)[None])

    def batch_decode(self, batch_heatmaps: Tensor
                     ) -> Tuple[np.ndarray, np.ndarray]:
        """Decode a batch on the heatmaps' device, for mmpose's heads.

        Args:
            batch_heatmaps (Tensor): (B, K, H, W).

        Returns:
            tuple:
            - keypoints (np.ndarray): (B, 1, K, 2) in input coordinates.
            - scores (np.ndarray): (B, 1, K).
        """
        if batch_heatmaps.device.type == 'cpu' and self.refine != 'dark':
            keypoints, scores = self._decode_numpy(
                batch_heatmaps.detach().float().numpy())
        else:
            keypoints, scores = self.decode_tensor(batch_heatmaps)
            keypoints, scores = keypoints.cpu().numpy(), scores.cpu().numpy()
        return keypoints[:, None], scores[:, None]

    def _decode_numpy(self, hm: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """``decode_tensor`` for heatmaps in memory, argmax and quarter
        shift only: a few numpy calls over all B x K heatmaps at once, so
        the cost is one pass of argmax (torch's per-op overhead and its
        slower argmax over the last dimension cost 2x more on a CPU).

        The rest works on (2, B x K) and (5, B x K) arrays: numpy's
        broadcasting over (B x K, 2) or (B x K, 5) runs an inner loop of 2
        or 5 elements per heatmap (8 us for the five neighbour offsets of
        a batch of 32, as much as the argmax of two samples). A heatmap's
        peak value and its four neighbours come in one ``take``, and the
        peak's (x, y) and whether it is off the border from tables by
        pixel."""
        if hm.ndim != 4:
            raise ValueError('GaussianHeatmap: heatmaps to decode must be '
                             f'(B, K, H, W), got shape {hm.shape}')
        B, K, H, W = hm.shape
        n = B * K
        flat = hm.reshape(n, H * W)
        idx = flat.argmax(axis=1)
        xy, inner, around = self._pixel_tables(H, W)
        kpts = xy.take(idx, axis=1)  # (2, n)
        at = np.arange(0, n * H * W, H * W)
        at += idx
        # the peak, then its right, left, lower and upper neighbours; those
        # of a peak on the border may belong to another heatmap (or clip at
        # the ends), and its shift is set to 0 (not multiplied by 0, which
        # keeps a NaN or an infinite difference)
        values = flat.reshape(-1).take(around + at, mode='clip')
        scores = values[0].astype(np.float32)
        if self.refine == 'quarter' and H > 2 and W > 2:
            d = values[1::2] - values[2::2]  # (2, n): x and y differences
            np.sign(d, out=d)
            d = np.where(inner.take(idx), d, 0)
            d *= np.float32(0.25)
            kpts += d
        kpts[:, scores <= 0] = -1  # as mmpose: no peak -> -1 * scale_factor
        kpts *= self.scale_factor[:, None]
        return kpts.T.reshape(B, K, 2), scores.reshape(B, K)

    def _pixel_tables(self, H: int, W: int
                      ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per pixel of an (H, W) heatmap: (x, y) as (2, H x W) float32, and
        whether it is off the border (the quarter shift applies);
        and the flat offsets of a pixel and its four neighbours."""
        tables = self._pixel_tables_by_size
        if (H, W) not in tables:
            y, x = np.divmod(np.arange(H * W), W)
            inner = (x > 0) & (x < W - 1) & (y > 0) & (y < H - 1)
            tables[H, W] = (np.stack((x, y)).astype(np.float32),
                            inner, np.array([0, 1, -1, W, -W])[:, None])
        return tables[H, W]

    def decode_tensor(self, batch_heatmaps: ArrayOrTensor
                      ) -> Tuple[Tensor, Tensor]:
        """Decode a batch of heatmaps into tensors on their own device.

        Args:
            batch_heatmaps (Tensor): (B, K, H, W).

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
        B, K, H, W = hm.shape
        flat = hm.flatten(2)
        if flat.device.type == 'cpu':  # numpy's argmax is several x faster
            idx = torch.from_numpy(flat.numpy().argmax(axis=2))
        else:
            idx = flat.argmax(dim=2)
        scores = flat.gather(2, idx[..., None])[..., 0]
        x, y = idx % W, torch.div(idx, W, rounding_mode='floor')
        kpts = torch.stack((x, y), dim=-1).float()
        if self.refine == 'quarter':
            kpts += 0.25 * self._quarter_sign(hm, x, y)
        elif self.refine == 'dark':
            kpts += self._dark_offset(hm, x, y)
        kpts[scores <= 0] = -1  # as mmpose: no peak -> -1 * scale_factor
        return kpts * kpts.new_tensor(self.scale_factor), scores

    @staticmethod
    def _gather(hm: Tensor, x: Tensor, y: Tensor) -> Tensor:
        """``hm[b, k, y[b, k], x[b, k]]`` with indices clamped inside."""
        H, W = hm.shape[-2:]
        flat = y.clamp(0, H - 1) * W + x.clamp(0, W - 1)
        return hm.flatten(2).gather(2, flat[..., None])[..., 0]

    def _quarter_sign(self, hm: Tensor, x: Tensor, y: Tensor) -> Tensor:
        """Sign of the difference of the two neighbours in x and in y, where
        the maximum is off the border (the original code's
        ``pX > 1 and pX < res and pY > 1 and pY < res``, 1-based)."""
        H, W = hm.shape[-2:]
        inner = (x > 0) & (x < W - 1) & (y > 0) & (y < H - 1)
        g = self._gather
        dx = (g(hm, x + 1, y) - g(hm, x - 1, y)) * inner
        dy = (g(hm, x, y + 1) - g(hm, x, y - 1)) * inner
        return torch.stack((dx.sign(), dy.sign()), dim=-1)

    def _dark_offset(self, hm: Tensor, x: Tensor, y: Tensor) -> Tensor:
        """DARK: blur (max preserved), log, second-order Taylor step.

        Same arithmetic as mmpose's ``refine_keypoints_dark`` (zero-padded
        blur with OpenCV's kernel), batched.
        """
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
        # offset = -H^-1 g, with the 2x2 inverse written out
        off_x = -(dyy * dx - dxy * dy) / det
        off_y = -(-dxy * dx + dxx * dy) / det
        off = torch.stack((off_x, off_y), dim=-1) * ok[..., None]
        return off.to(hm.dtype)
