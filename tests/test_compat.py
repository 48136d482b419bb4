"""mmengine checkpoints load under torch's weights_only default; unsafe
ones are refused with a clear error."""
import io
import os
import pickle
import struct
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import load_checkpoint, save_checkpoint

from hg_plugin.compat import UnsafeCheckpointError, load_from_local


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


class AskGetattr:
    """Unpickles as getattr(obj, name): what a HistoryBuffer pickles for
    its statistics functions, and what a crafted file could ask for."""

    def __init__(self, obj, name):
        self.obj, self.name = obj, name

    def __reduce__(self):
        return (getattr, (self.obj, self.name))


@pytest.mark.parametrize('obj,name', [
    (HistoryBuffer, '__init__'),  # a method that is not a statistic
    (HistoryBuffer, '__dict__'),
    (np.dtype, 'mro'),  # another allowed class
])
def test_getattr_beyond_history_buffer_statistics_is_refused(
        tmp_path, obj, name):
    path = str(tmp_path / 'crafted.pth')
    torch.save(dict(state_dict={}, meta=AskGetattr(obj, name)), path)
    with pytest.raises(UnsafeCheckpointError,
                       match=r'crafted\.pth.*only HistoryBuffer statistics '
                       'functions are allowed'):
        load_checkpoint(torch.nn.Linear(2, 2), path)


def test_history_buffer_statistics_do_load(tmp_path):
    path = str(tmp_path / 'stats.pth')
    torch.save(dict(state_dict={}, meta=AskGetattr(HistoryBuffer, 'mean')),
               path)
    ckpt = load_from_local(path)
    assert ckpt['meta'] is HistoryBuffer.mean


def test_a_global_outside_the_allowlist_is_refused(tmp_path):
    import subprocess as sp
    path = str(tmp_path / 'popen.pth')
    torch.save(dict(state_dict={}, x=sp.Popen), path)
    with pytest.raises(UnsafeCheckpointError,
                       match=r'popen\.pth refers to .*Popen.*which loading'):
        load_checkpoint(torch.nn.Linear(2, 2), path)


def test_the_loader_is_named_local_in_mmengine_log(tmp_path):
    from mmengine.runner.checkpoint import CheckpointLoader
    assert CheckpointLoader._get_checkpoint_loader('x.pth').__name__ == \
        'load_from_local'


def run_python(code: str, env_switch: bool):
    env = dict(os.environ)
    env.pop('HG_PLUGIN_NO_COMPAT', None)
    if env_switch:
        env['HG_PLUGIN_NO_COMPAT'] = '1'
    return subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, env=env)


@pytest.mark.parametrize('switched_off', [False, True])
def test_environment_switch(tmp_path, switched_off):
    path = str(tmp_path / 'epoch_1.pth')
    runner_like_checkpoint(path)
    code = f"""
import numpy as np, torch
from mmengine.runner.checkpoint import load_checkpoint
from mmpose.visualization.opencv_backend_visualizer import \\
    OpencvBackendVisualizer as V
import hg_plugin
from hg_plugin import compat
print('applied', compat.APPLIED)
print('patched', hasattr(V.draw_circles, 'unpatched'))
try:
    load_checkpoint(torch.nn.Linear(2, 2), {path!r})
    print('loaded')
except Exception as e:
    print('failed', type(e).__name__)
"""
    proc = run_python(code, switched_off)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    if switched_off:
        assert 'applied []' in out and 'patched False' in out
        assert 'failed UnpicklingError' in out
    else:
        assert "'checkpoint-loading'" in out and 'loaded' in out
        broken = np.lib.NumpyVersion(np.__version__) >= '2.4.0'
        assert ("'keypoint-drawing'" in out) == broken
        assert ('patched True' in out) == broken


def test_missing_and_damaged_checkpoints(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'nope\.pth does not exist'):
        load_checkpoint(torch.nn.Linear(2, 2), str(tmp_path / 'nope.pth'))
    good = tmp_path / 'good.pth'
    runner_like_checkpoint(str(good))
    raw = good.read_bytes()
    bad = tmp_path / 'epoch_3.pth'
    # cut at 10 points of its length: what tools/test.py and --resume load
    for fraction in np.linspace(0.05, 0.95, 10):
        bad.write_bytes(raw[:int(len(raw) * fraction)])
        with pytest.raises(RuntimeError, match=r'checkpoint .*epoch_3\.pth '
                           'is damaged'):
            load_checkpoint(torch.nn.Linear(2, 2), str(bad))
    # one flipped byte in the weights: the zip's CRC no longer matches
    flipped = bytearray(raw)
    flipped[_first_tensor_offset(raw)] ^= 0xFF
    bad.write_bytes(bytes(flipped))
    with pytest.raises(RuntimeError, match=r'epoch_3\.pth is damaged'):
        load_checkpoint(torch.nn.Linear(2, 2), str(bad))


def _first_tensor_offset(raw: bytes) -> int:
    """Where the bytes of the checkpoint's first tensor start (a zip local
    file header, its name ``.../data/0``, then the data)."""
    import zipfile
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        info = next(i for i in z.infolist() if i.filename.endswith('/data/0'))
    header = raw[info.header_offset:info.header_offset + 30]
    name_len, extra_len = struct.unpack('<HH', header[26:30])
    return info.header_offset + 30 + name_len + extra_len


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
