"""mmengine checkpoints load under torch's weights_only default; unsafe
ones are refused with a clear error."""
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.runner.checkpoint import load_checkpoint, save_checkpoint

from hg_plugin.compat import UnsafeCheckpointError


def runner_like_checkpoint(path: str) -> None:
    hub = MessageHub.get_instance('test_compat')
    hub.update_scalar('train/loss', 0.25)
    save_checkpoint(
        dict(meta=dict(epoch=3, seed=np.int64(7), message_hub=hub.state_dict(),
                       dataset_meta=dict(sigmas=np.ones(16, np.float32))),
             state_dict=torch.nn.Linear(2, 2).state_dict()), path)


def test_runner_checkpoint_loads_through_mmengine(tmp_path):
    path = str(tmp_path / 'epoch_3.pth')
    runner_like_checkpoint(path)
    ckpt = load_checkpoint(torch.nn.Linear(2, 2), path)
    assert ckpt['meta']['epoch'] == 3
    buf = ckpt['meta']['message_hub']['log_scalars']['train/loss']
    assert buf.current() == 0.25


def test_without_the_plugin_torch_refuses_it(tmp_path):
    # the incompatibility the compat module fixes
    path = str(tmp_path / 'epoch_3.pth')
    runner_like_checkpoint(path)
    code = ('import torch, sys; torch.load(sys.argv[1]); print("loaded")')
    proc = subprocess.run([sys.executable, '-c', code, path],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert 'Weights only load failed' in proc.stderr


class Exploit:

    def __reduce__(self):
        return (os.system, ('echo pwned',))


def test_unsafe_checkpoint_is_refused_naming_file(tmp_path):
    path = str(tmp_path / 'evil.pth')
    torch.save(dict(state_dict={}, payload=Exploit()), path)
    with pytest.raises(UnsafeCheckpointError,
                       match=r'evil\.pth refers to .*system'):
        load_checkpoint(torch.nn.Linear(2, 2), path)
    assert isinstance(UnsafeCheckpointError('x'), pickle.UnpicklingError)


def test_missing_and_damaged_checkpoints(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'nope\.pth does not exist'):
        load_checkpoint(torch.nn.Linear(2, 2), str(tmp_path / 'nope.pth'))
    bad = tmp_path / 'cut.pth'
    runner_like_checkpoint(str(bad))
    bad.write_bytes(bad.read_bytes()[:200])
    with pytest.raises((RuntimeError, UnsafeCheckpointError), match='cut.pth'):
        load_checkpoint(torch.nn.Linear(2, 2), str(bad))


def test_visualizer_draws_keypoints_under_numpy_2():
    from mmengine.structures import InstanceData
    from mmpose.structures import PoseDataSample
    from mmpose.visualization import PoseLocalVisualizer
    from mmpose.visualization.opencv_backend_visualizer import \
        OpencvBackendVisualizer

    # the unpatched method fails on numpy >= 2.4 (int of a 1-element array)
    original = OpencvBackendVisualizer.draw_circles.unpatched
    vis = PoseLocalVisualizer(radius=4)
    vis.set_image(np.zeros((64, 64, 3), np.uint8))
    if np.lib.NumpyVersion(np.__version__) >= '2.4.0':
        with pytest.raises(TypeError):
            original(vis, np.array([32., 32.]), np.array([4]),
                     face_colors=(255, 0, 0), alpha=1.0)
    vis.set_dataset_meta(dict(num_keypoints=1, keypoint_colors=np.array(
        [[255, 0, 0]]), skeleton_links=[], skeleton_link_colors=None))
    sample = PoseDataSample()
    sample.pred_instances = InstanceData(
        keypoints=np.array([[[32., 32.]]]),
        keypoint_scores=np.ones((1, 1)))
    img = vis.add_datasample('t', np.zeros((64, 64, 3), np.uint8), sample,
                             draw_gt=False, draw_bbox=False, kpt_thr=0.)
    assert img[32, 32].tolist() != [0, 0, 0]  # the keypoint was drawn
