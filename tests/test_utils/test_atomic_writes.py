"""Interrupted writes lose nothing: a failure injected at each write step
(the temporary file being written, the disk full at the flush, the rename)
leaves an earlier output intact and no partial file under the final name;
for every writer of the plugin: the converters, --dump, --out and the
checkpoint converter, and predictions.json written one result at a time."""
import errno
import json
import os
import os.path as osp
import runpy
import sys

import numpy as np
import pytest
import torch

from hg_plugin.utils import io as hg_io
from tests.conftest import ROOT


class Injected(Exception):
    pass


def fail_writer(f):
    f.write('{"partial": ')
    raise Injected('the writer failed half way')


STEPS = {
    # the write itself fails half way
    'writer': lambda mp: None,
    # the disk is full when the data is flushed to it
    'disk full': lambda mp: mp.setattr(hg_io.os, 'fsync', lambda fd: (
        _ for _ in ()).throw(OSError(errno.ENOSPC, 'No space left'))),
    # the rename fails (another file system, permissions)
    'rename': lambda mp: mp.setattr(hg_io.os, 'replace', lambda a, b: (
        _ for _ in ()).throw(OSError(errno.EXDEV, 'cross-device link'))),
}


def leftovers(folder) -> list:
    return sorted(f for f in os.listdir(folder) if f.endswith('.tmp'))


@pytest.mark.parametrize('step', list(STEPS))
def test_atomic_write_keeps_the_previous_file(tmp_path, monkeypatch, step):
    path = tmp_path / 'out.json'
    path.write_text('{"previous": true}')
    STEPS[step](monkeypatch)
    with pytest.raises((Injected, OSError)):
        hg_io.atomic_write(str(path), fail_writer if step == 'writer' else
                           (lambda f: f.write('{"new": true}')))
    assert json.loads(path.read_text()) == {'previous': True}
    assert leftovers(tmp_path) == []


def test_atomic_write_without_a_previous_file(tmp_path, monkeypatch):
    STEPS['rename'](monkeypatch)
    with pytest.raises(OSError):
        hg_io.dump_json({'a': 1}, str(tmp_path / 'new.json'))
    assert os.listdir(tmp_path) == []


def run_tool(script: str, argv: list, monkeypatch) -> None:
    """Run a tool's main() in this process (so that the failure injected
    here reaches it)."""
    monkeypatch.setattr(sys, 'argv', [script] + argv)
    with pytest.raises((OSError, SystemExit)) as e:
        runpy.run_path(script, run_name='__main__')
    if e.type is SystemExit:
        assert e.value.code not in (0, None), 'the tool did not fail'


def write_previous(*paths) -> None:
    for p in paths:
        with open(p, 'w') as f:
            f.write('previous')


def assert_previous(folder, *paths) -> None:
    for p in paths:
        assert open(p).read() == 'previous', p
    assert leftovers(folder) == []


@pytest.mark.parametrize('step', ['disk full', 'rename'])
def test_dataset_converter(tmp_path, monkeypatch, shared_data, step):
    out = tmp_path / 'flic.json'
    write_previous(out)
    STEPS[step](monkeypatch)
    run_tool(osp.join(ROOT, 'tools', 'dataset_converters',
                      'hg_h5_to_json.py'),
             ['flic', osp.join(shared_data, 'flic', 'valid.h5'), str(out)],
             monkeypatch)
    assert_previous(tmp_path, out)


@pytest.mark.parametrize('step', ['disk full', 'rename'])
def test_checkpoint_converter(tmp_path, monkeypatch, step):
    from tests.test_converters.test_checkpoints import (bearpaw_shapes,
                                                        random_state)
    src = str(tmp_path / 'model.pth')
    torch.save(random_state(bearpaw_shapes(1)), src)
    out = tmp_path / 'converted.pth'
    write_previous(out)
    STEPS[step](monkeypatch)
    run_tool(osp.join(ROOT, 'tools', 'model_converters',
                      'hourglass_to_mmpose.py'), [src, str(out)],
             monkeypatch)
    assert_previous(tmp_path, out)


@pytest.mark.parametrize('step', ['disk full', 'rename'])
def test_prediction_dump_and_metrics_out(tmp_path, monkeypatch, step):
    # tools/test.py's --dump (KeypointPredictionDump) and --out
    from hg_plugin.evaluation import KeypointPredictionDump
    dump = tmp_path / 'preds.json'
    write_previous(dump)
    metric = KeypointPredictionDump(out_file=str(dump))
    metric.dataset_meta = dict(dataset_name='mpii')
    metric.process([], [dict(id=0, img_path='a.jpg', pred_instances=dict(
        keypoints=np.zeros((1, 16, 2)), keypoint_scores=np.ones((1, 16))))])
    STEPS[step](monkeypatch)
    with pytest.raises(OSError):
        metric.evaluate(1)
    out = tmp_path / 'metrics.json'
    write_previous(out)
    with pytest.raises(OSError):
        hg_io.dump_json({'PCKh/Mean': 90.}, str(out), indent=1)
    assert_previous(tmp_path, dump, out)


def test_atomic_write_writes_beside_the_target_and_replaces_it(tmp_path):
    # the temporary file lies in the target's folder (one file system, so
    # the rename is atomic), hidden and marked .tmp; missing folders are
    # made, an existing file is replaced, and nothing is left over
    path = tmp_path / 'a' / 'b' / 'out.json'
    seen = []

    def writer(f):
        seen.extend(os.listdir(path.parent))  # while it is written
        f.write('first')

    hg_io.atomic_write(str(path), writer)
    assert path.read_text() == 'first'
    assert len(seen) == 1
    assert seen[0].startswith('.out.json.') and seen[0].endswith('.tmp')
    hg_io.dump_json({'a': [1, 2]}, str(path), indent=1)
    assert path.read_text() == json.dumps({'a': [1, 2]}, indent=1)
    assert os.listdir(path.parent) == ['out.json']


def test_json_list_writer_is_valid_json_whatever_happens(tmp_path):
    path = tmp_path / 'p.json'
    path.write_text('{"previous": 1}')
    with pytest.raises(RuntimeError):
        with hg_io.JsonListWriter(str(path), dict(input='v.mp4')) as out:
            out.add(dict(frame=0))
            out.add(dict(frame=1, people=[[1.5, 2]]))
            out.tail = dict(interrupted=True)
            # until it is closed, the previous file is there
            assert json.loads(path.read_text()) == {'previous': 1}
            raise RuntimeError('stopped')
    results = [dict(frame=0), dict(frame=1, people=[[1.5, 2]])]
    assert json.loads(path.read_text()) == dict(
        input='v.mp4', results=results, interrupted=True)
    with hg_io.JsonListWriter(str(path), {}, key='frames'):
        pass
    assert json.loads(path.read_text()) == dict(frames=[])
    assert os.listdir(tmp_path) == ['p.json']


def test_json_list_writer_writes_beside_the_target_and_closes_once(tmp_path):
    # as atomic_write: the items go to a hidden .tmp file in the target's
    # folder (one file system, so the rename is atomic); a second close (an
    # explicit one, then the with block's) changes nothing
    path = tmp_path / 'out' / 'predictions.json'
    with hg_io.JsonListWriter(str(path), {}) as out:
        out.add(1)
        seen = os.listdir(path.parent)
        out.close()
        assert json.loads(path.read_text()) == dict(results=[1])
    assert len(seen) == 1
    assert seen[0].startswith('.predictions.json.') and seen[0].endswith(
        '.tmp')
    assert json.loads(path.read_text()) == dict(results=[1])
    assert os.listdir(path.parent) == ['predictions.json']
