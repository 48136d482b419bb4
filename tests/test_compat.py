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
