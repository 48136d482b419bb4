"""Two processes on the CPU (gloo): disjoint training samples, and every
validation sample evaluated exactly once."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.helpers.configs import mpii_test_config

pytestmark = pytest.mark.slow


def test_two_process_training_and_validation(synthetic_root, tmp_path):
    # 8 training people (4 per rank per epoch), 7 validation people: an odd
    # count, so rank 0 validates 4 and rank 1 validates 3
    cfg = mpii_test_config(
        str(tmp_path / 'cfg.py'), synthetic_root, train_people=8,
        val_people=7, extra="custom_imports = dict(imports=['hg_plugin', "
        "'tests.helpers.record_hook'], allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='RecordSamplesHook')]\n"
        "val_evaluator = [dict(type='PCKhMetric'), dict(type="
        f"'KeypointPredictionDump', out_file={str(tmp_path / 'p.json')!r})]")
    work = str(tmp_path / 'work')
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
         '--master_port=29517', osp.join(ROOT, 'tools', 'train.py'), cfg,
         '--work-dir', work, '--launcher', 'pytorch'],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    seen = []
    for rank in (0, 1):
        with open(osp.join(work, f'samples_rank{rank}.json')) as f:
            seen.append(json.load(f))
    train0, train1 = set(seen[0]['train']), set(seen[1]['train'])
    assert len(seen[0]['train']) == len(seen[1]['train']) == 4
    assert not train0 & train1 and train0 | train1 == set(range(8))
    assert sorted(seen[0]['val'] + seen[1]['val']) == list(range(7))
    assert not set(seen[0]['val']) & set(seen[1]['val'])
    # the metric saw each validation person once, in dataset order
    with open(tmp_path / 'p.json') as f:
        assert json.load(f)['ids'] == list(range(7))
