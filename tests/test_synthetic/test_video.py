"""The demo's synthetic video: one person, moving, the same look."""
import cv2
import numpy as np
import pytest

from hg_plugin.apis.video import write_video
from hg_plugin.synthetic.video import moving_person


def test_frames_move_smoothly_and_keep_the_person(tmp_path):
    frames, joints = map(np.stack, zip(*moving_person(
        num_frames=12, size=(160, 128), seed=1)))
    assert frames.shape == (12, 128, 160, 3) and joints.shape == (12, 16, 2)
    steps = np.linalg.norm(np.diff(joints, axis=0), axis=-1)
    assert steps.max() < 0.25 * 128  # no jumps between frames
    assert steps.mean(axis=1).min() > 0  # every frame moves
    # limb lengths are the person's own in every frame (upper arm: joints
    # 12 -> 11, MPII's right shoulder -> right elbow)
    upper = np.linalg.norm(joints[:, 12] - joints[:, 11], axis=-1)
    np.testing.assert_allclose(upper, upper[0], rtol=1e-6)
    path = str(tmp_path / 'v.mp4')
    write_video(path, frames, fps=10)
    cap = cv2.VideoCapture(path)
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 12
    ok, first = cap.read()
    assert ok and first.shape == (128, 160, 3)
    # lossy, but the same picture
    assert np.abs(first.astype(int) - frames[0]).mean() < 12


def test_arguments():
    with pytest.raises(ValueError, match='at least 2 frames'):
        moving_person(num_frames=1)
