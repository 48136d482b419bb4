"""The plugin inside mmpose's own config, trained and evaluated by the
mmengine runner through tools/train.py and tools/test.py."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.helpers.configs import mpii_test_config

pytestmark = pytest.mark.slow


def run(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, *args], capture_output=True,
                          text=True, cwd=cwd)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def last_val_metrics(work_dir: str) -> dict:
    (run_dir, ) = [d for d in sorted(os.listdir(work_dir))
                   if osp.isdir(osp.join(work_dir, d, 'vis_data'))]
    with open(osp.join(work_dir, run_dir, 'vis_data', 'scalars.json')) as f:
        rows = [json.loads(line) for line in f]
    return [r for r in rows if 'PCKh/Mean' in r][-1]


def test_train_one_iteration_then_test_the_checkpoint(synthetic_root,
                                                      tmp_path):
    cfg = mpii_test_config(str(tmp_path / 'cfg.py'), synthetic_root)
    work = str(tmp_path / 'work')
    run(osp.join(ROOT, 'tools', 'train.py'), cfg, '--work-dir', work)
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))
    trained = last_val_metrics(work)
    out = str(tmp_path / 'metrics.json')
    dump = str(tmp_path / 'preds.json')
    run(osp.join(ROOT, 'tools', 'test.py'), cfg,
        osp.join(work, 'epoch_1.pth'), '--work-dir', str(tmp_path / 'test'),
        '--out', out, '--dump', dump)
    with open(out) as f:
        tested = json.load(f)
    # same checkpoint, same data: the numbers of the end of training
    for key in ('PCKh/Mean', 'PCKh@0.1/Mean', 'PCKh/AUC'):
        assert tested[key] == pytest.approx(trained[key], abs=1e-6)
    with open(dump) as f:
        preds = json.load(f)
    assert preds['ids'] == [0, 1] and len(preds['preds'][0]) == 16
