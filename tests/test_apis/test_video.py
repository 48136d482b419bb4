"""Video written and read one frame at a time: the same frames with and
without the decoding and encoding threads, and complete files after an
error or an interruption (predictions.json's writer:
tests/test_utils/test_atomic_writes.py)."""
import os
import time

import cv2
import numpy as np
import pytest

from hg_plugin.apis.video import (VideoReader, VideoWriter, prefetched,
                                  write_video)


@pytest.fixture(scope='module')
def clip(tmp_path_factory):
    rng = np.random.default_rng(0)
    frames = [np.full((48, 64, 3), 20 * i, np.uint8) +
              rng.integers(0, 10, (48, 64, 3), np.uint8) for i in range(12)]
    path = str(tmp_path_factory.mktemp('clip') / 'c.mp4')
    write_video(path, frames, fps=12)
    return path


def read_all(reader) -> list:
    return list(reader)


def test_prefetch_yields_the_same_frames(clip):
    plain = read_all(VideoReader(clip))
    ahead = read_all(VideoReader(clip, prefetch=3))
    assert [i for i, _ in plain] == [i for i, _ in ahead] == list(range(12))
    for (_, a), (_, b) in zip(plain, ahead):
        assert np.array_equal(a, b)


def test_prefetch_raises_the_producers_error_and_stops_early():
    def items():
        yield 1
        yield 2
        raise ValueError('frame 3 is broken')

    got = []
    with pytest.raises(ValueError, match='frame 3 is broken'):
        for x in prefetched(items(), 2):
            got.append(x)
    assert got == [1, 2]
    produced = []

    def endless():
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1

    for x in prefetched(endless(), 2):
        if x == 5:
            break  # the thread stops: no endless production
    n = len(produced)
    assert n <= 5 + 2 + 2  # the queue's two and one in the producer's hand
    time.sleep(0.2)
    assert len(produced) == n


@pytest.mark.parametrize('background', [False, True])
def test_writer_with_and_without_its_thread(clip, tmp_path, background):
    frames = [f for _, f in VideoReader(clip)]
    out = str(tmp_path / 'o.mp4')
    with VideoWriter(out, 12, background=background) as writer:
        for f in frames:
            writer.write(f)
    cap = cv2.VideoCapture(out)
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == len(frames)
    ok, first = cap.read()
    assert ok and np.abs(first.astype(int) - frames[0]).mean() < 8


def test_an_interrupted_writer_keeps_a_playable_video(tmp_path):
    out = tmp_path / 'o.mp4'
    out.write_bytes(b'previous video')
    with pytest.raises(KeyboardInterrupt):
        with VideoWriter(str(out), 10, background=True) as writer:
            for i in range(5):
                writer.write(np.full((32, 32, 3), 40 * i, np.uint8))
            raise KeyboardInterrupt
    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 5
    assert os.listdir(tmp_path) == ['o.mp4']


def test_a_failing_encoder_thread_is_raised_and_leaves_nothing(
        tmp_path, monkeypatch):
    class Closed:
        def __init__(self, *args):
            pass

        def isOpened(self):
            return False

        def release(self):
            pass

    monkeypatch.setattr(cv2, 'VideoWriter', Closed)
    writer = VideoWriter(str(tmp_path / 'o.mp4'), 10, background=True)
    writer.write(np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(OSError, match=r'OpenCV cannot write an MP4 to '
                       r'.*o\.mp4'):
        writer.close()
    assert os.listdir(tmp_path) == []


class Capture:
    """OpenCV's VideoCapture over frames: ``None`` for a failed read."""

    def __init__(self, frames, count):
        self.frames, self.count, self.i = list(frames), count, 0
        self.released, self.reads_after_release = False, 0

    def isOpened(self):
        return True

    def read(self):
        if self.released:
            self.reads_after_release += 1
        time.sleep(0.001)
        frame = self.frames[self.i] if self.i < len(self.frames) else None
        self.i += 1
        return frame is not None, frame

    def get(self, prop):
        return {cv2.CAP_PROP_FPS: 10.,
                cv2.CAP_PROP_FRAME_COUNT: self.count}.get(prop, 0)

    def release(self):
        self.released = True


def reader_of(monkeypatch, frames, count, **kwargs):
    import hg_plugin.apis.video as video
    capture = Capture(frames, count)
    monkeypatch.setattr(video.cv2, 'VideoCapture', lambda source: capture)
    skipped = []
    return VideoReader(0 if count < 0 else 'v.mp4', on_skip=skipped.append,
                       **kwargs), capture, skipped


@pytest.mark.parametrize('prefetch', [0, 2])
def test_skips_are_reported_once_the_stream_goes_on(monkeypatch, prefetch):
    f = np.zeros((4, 4, 3), np.uint8)
    # frames 2 and 3 cannot be decoded; then the file is cut at frame 6 of
    # the 10 it says it has
    reader, _, skipped = reader_of(monkeypatch, [f, f, None, None, f, f],
                                   count=10, max_failures=3,
                                   prefetch=prefetch)
    assert [i for i, _ in reader] == [0, 1, 4, 5]
    assert skipped == [2, 3]  # not the failures that ended the stream


@pytest.mark.parametrize('prefetch', [0, 3])
def test_close_stops_the_decoding_before_letting_go(monkeypatch, prefetch):
    f = np.zeros((4, 4, 3), np.uint8)
    reader, capture, _ = reader_of(monkeypatch, [f] * 200, count=-1,
                                   prefetch=prefetch)
    frames = iter(reader)
    for _ in range(5):
        next(frames)
    reader.close()  # as Ctrl-C in the middle of a camera's stream does
    time.sleep(0.05)
    assert capture.released and capture.reads_after_release == 0
