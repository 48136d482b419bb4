"""A training process killed with SIGKILL and restarted with --resume ends
with the same weights as an uninterrupted run."""
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import time

import pytest
import torch

from tests.conftest import ROOT
from tests.helpers.configs import mpii_test_config

pytestmark = pytest.mark.slow

EPOCHS = 4
# deterministic CPU run; workers are re-created (and re-seeded by mmengine)
# every epoch, so augmentation does not depend on where a run started
EXTRA = '''
randomness = dict(seed=0, deterministic=True)
default_hooks = dict(checkpoint=dict(interval=1, save_best=None,
                                     max_keep_ckpts=-1))
'''


def train_cmd(cfg: str, work: str, *extra) -> list:
    return [sys.executable, osp.join(ROOT, 'tools', 'train.py'), cfg,
            '--work-dir', work, *extra]


def weights(path: str) -> dict:
    return torch.load(path, map_location='cpu', weights_only=True)[
        'state_dict']


def names_epoch_2_or_later(last_checkpoint: str) -> bool:
    if not osp.exists(last_checkpoint):
        return False
    with open(last_checkpoint) as f:
        return re.search(r'epoch_[2-9]\.pth\s*$', f.read()) is not None


def test_kill_and_resume_gives_the_same_weights(synthetic_root, tmp_path):
    cfg = mpii_test_config(str(tmp_path / 'cfg.py'), synthetic_root,
                           epochs=EPOCHS, train_people=6, val_people=2,
                           workers=1,
                           extra=EXTRA)
    env = dict(os.environ, OMP_NUM_THREADS='1')
    straight = str(tmp_path / 'straight')
    subprocess.run(train_cmd(cfg, straight), check=True, cwd=ROOT, env=env,
                   capture_output=True, timeout=600)

    killed = str(tmp_path / 'killed')
    proc = subprocess.Popen(train_cmd(cfg, killed), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    # kill once last_checkpoint names epoch 2 or later: mmengine writes it
    # after the checkpoint itself, and a kill in between resumes epoch 1
    last = osp.join(killed, 'last_checkpoint')
    deadline = time.time() + 300
    while not names_epoch_2_or_later(last):
        assert proc.poll() is None, 'training ended before it was killed'
        assert time.time() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not osp.exists(osp.join(killed, f'epoch_{EPOCHS}.pth'))

    resumed = subprocess.run(train_cmd(cfg, killed, '--resume'), cwd=ROOT,
                             env=env, capture_output=True, text=True,
                             timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    log = resumed.stdout + resumed.stderr
    # it continued from the checkpoint (a restart from scratch would end
    # with the same weights too, being deterministic)
    assert re.search(r'resumed epoch: [23], iter: [69]', log), log[-2000:]
    assert 'Epoch(train)  [1]' not in log and 'Epoch(train) [1]' not in log
    a = weights(osp.join(straight, f'epoch_{EPOCHS}.pth'))
    b = weights(osp.join(killed, f'epoch_{EPOCHS}.pth'))
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key

    # a damaged last checkpoint (a disk full, a kill while it was written):
    # --resume and tools/test.py name it, and the run continues from the
    # previous good one (README, "Train and test")
    last_ckpt = osp.join(killed, f'epoch_{EPOCHS}.pth')
    with open(last_ckpt, 'r+b') as f:
        f.truncate(osp.getsize(last_ckpt) // 2)
    test_cmd = [sys.executable, osp.join(ROOT, 'tools', 'test.py'), cfg,
                last_ckpt, '--work-dir', str(tmp_path / 'test')]
    for cmd in (train_cmd(cfg, killed, '--resume'), test_cmd):
        run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=600)
        assert run.returncode != 0
        assert f'checkpoint {last_ckpt} is damaged' in run.stderr, \
            run.stderr[-2000:]
    previous = osp.join(killed, f'epoch_{EPOCHS - 1}.pth')
    again = subprocess.run(train_cmd(cfg, killed, '--resume', previous),
                           cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    c = weights(last_ckpt)
    for key in a:
        assert torch.equal(a[key], c[key]), key
