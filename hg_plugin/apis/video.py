"""Video in and out one frame at a time: memory does not grow with a
video's length, a frame the decoder cannot read is reported and skipped,
and an interrupted run leaves a playable file of the frames done."""
import os
import os.path as osp
import queue
import tempfile
import threading
from typing import Callable, Iterable, Iterator, Optional, Tuple, Union

import cv2
import numpy as np

from .boxes import InputError

_END = object()


def prefetched(items: Iterable, depth: int) -> Iterator:
    """``items``, produced by a thread up to ``depth`` ahead of the
    consumer, so that producing them (decoding a video) overlaps what the
    consumer does with them. An error of the producer is raised in the
    consumer; a consumer that stops early (Ctrl-C) stops the thread."""
    slots = queue.Queue(depth)
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                slots.put(entry, timeout=0.05)
                return True
            except queue.Full:
                pass
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((None, item)):
                    return
        except BaseException as e:  # raised again in the consumer
            put((e, None))
            return
        put(_END)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while True:
            entry = slots.get()
            if entry is _END:
                return
            error, item = entry
            if error is not None:
                raise error
            yield item
    finally:
        stop.set()
        thread.join()


class VideoReader:
    """The frames of a video file or a camera, one at a time.

    Iterating yields ``(index, frame)``: the frame's position in the
    stream (a skipped frame keeps its number) and the BGR frame. A frame
    that cannot be decoded is skipped and reported through
    ``on_skip(index)`` once a later frame decodes; ``max_failures`` failed
    reads in a row end the stream (a cut file, a camera that went away)
    and are no skipped frames.

    Args:
        source (str | int): A video file, or an OpenCV camera index.
        on_skip (callable, optional): Called with the index of each frame
            that could not be decoded.
        max_failures (int): Failed reads in a row that end the stream.
            Defaults to ``25``.
        prefetch (int): Decode up to this many frames ahead in a thread
            (:func:`prefetched`); 0 decodes each when it is asked for.
            Defaults to ``0``.

    Raises:
        InputError: Nothing can be read from the source.
    """

    def __init__(self, source: Union[str, int],
                 on_skip: Optional[Callable[[int], None]] = None,
                 max_failures: int = 25, prefetch: int = 0) -> None:
        self.source = source
        self.prefetch = prefetch
        self.is_camera = isinstance(source, int)
        self.capture = cv2.VideoCapture(source)
        self.on_skip = on_skip
        self.max_failures = max_failures
        self._iterator: Optional[Iterator] = None
        name = f'camera {source}' if self.is_camera else source
        if not self.capture.isOpened():
            self.capture.release()
            raise InputError(f'{name}: cannot be opened (no such camera?)'
                             if self.is_camera else
                             f'{name}: not a readable video (cannot be '
                             'opened)')
        ok, self._first = self.capture.read()
        if not ok:
            self.capture.release()
            raise InputError(f'{name}: not a readable video (no frame '
                             'decoded)')
        self.fps = float(self.capture.get(cv2.CAP_PROP_FPS) or 0) or 25.
        count = int(self.capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        # a camera, or a container that does not say
        self.frame_count = None if self.is_camera or count <= 0 else count

    def __iter__(self) -> Iterator[Tuple[int, np.ndarray]]:
        frames = self._frames()
        self._iterator = prefetched(frames, self.prefetch) if \
            self.prefetch else frames
        return self._iterator

    def _frames(self) -> Iterator[Tuple[int, np.ndarray]]:
        yield 0, self._first
        index, failed = 0, []
        while len(failed) < self.max_failures:
            index += 1
            ok, frame = self.capture.read()
            if ok and frame is not None:
                for i in failed:  # skipped: the stream went on after them
                    if self.on_skip is not None:
                        self.on_skip(i)
                failed = []
                yield index, frame
            elif self.frame_count is not None and index >= self.frame_count:
                return  # the end of a file
            else:
                failed.append(index)

    def close(self) -> None:
        """Stop the decoding (its thread first, if it has one), then let go
        of the file or camera."""
        if self._iterator is not None:
            self._iterator.close()
            self._iterator = None
        self.capture.release()


class VideoWriter:
    """BGR frames to an MP4 (``mp4v``), one at a time.

    The frames go to a temporary file in the output's folder, which
    :meth:`close` finishes and renames to ``path``: until then an existing
    file stays as it was, and never is half written. Leaving a ``with``
    block, for whatever reason (an error, Ctrl-C), closes it, so the frames
    written so far make a playable video; a writer that received no frame
    leaves nothing (:meth:`abort` removes what was written).

    Args:
        path (str): The ``.mp4`` to write.
        fps (float): Frames per second. Defaults to ``15``.
        background (bool): Encode in a thread, a few frames behind, so
            that encoding overlaps the caller's work. Defaults to
            ``False``.
    """

    def __init__(self, path: str, fps: float = 15.,
                 background: bool = False) -> None:
        self.path, self.fps = path, fps
        self._queue = self._thread = None
        self._error: Optional[BaseException] = None
        if background:
            self._queue = queue.Queue(4)
            self._thread = threading.Thread(target=self._encode,
                                            daemon=True)
            self._thread.start()
        folder = osp.dirname(osp.abspath(path))
        os.makedirs(folder, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(dir=folder, suffix='.mp4',
                                         prefix=f'.{osp.basename(path)}.')
        os.close(fd)
        self._writer = None
        self.frames = 0

    def _encode(self) -> None:
        while True:
            frame = self._queue.get()
            if frame is _END:
                return
            if self._error is None:
                try:
                    self._write(frame)
                except BaseException as e:  # raised by write or close
                    self._error = e

    def write(self, frame: np.ndarray) -> None:
        """Add a frame (the first one sets the video's size)."""
        if self._error is not None:
            raise self._error
        if self._queue is not None:
            self._queue.put(frame)
        else:
            try:
                self._write(frame)
            except OSError:
                self.abort()
                raise
        self.frames += 1

    def _write(self, frame: np.ndarray) -> None:
        if self._writer is None:
            h, w = frame.shape[:2]
            self._writer = cv2.VideoWriter(
                self._tmp, cv2.VideoWriter_fourcc(*'mp4v'), self.fps, (w, h))
            if not self._writer.isOpened():
                self._writer.release()
                self._writer = None
                raise OSError(f'OpenCV cannot write an MP4 to {self.path}')
        self._writer.write(np.ascontiguousarray(frame))

    def _join(self) -> None:
        if self._thread is not None:
            self._queue.put(_END)
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        """Finish the file and move it into place (nothing without
        frames)."""
        self._join()
        if self._error is not None:
            self.abort()
            raise self._error
        if self._writer is None:
            self.abort()
            return
        self._writer.release()
        self._writer = None
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Remove what was written; ``path`` is left as it was."""
        self._join()
        if self._writer is not None:
            self._writer.release()
            self._writer = None
        if osp.exists(self._tmp):
            os.remove(self._tmp)

    def __enter__(self) -> 'VideoWriter':
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_video(path: str, frames, fps: float = 15.) -> None:
    """Write BGR frames (an array (F, H, W, 3) or any iterable of
    frames) as an MP4, complete or not at all."""
    writer = VideoWriter(path, fps)
    try:
        for frame in frames:
            writer.write(frame)
    except BaseException:
        writer.abort()
        raise
    writer.close()
