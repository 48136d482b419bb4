"""The README's "Train on your own keypoints", followed literally: its
metainfo and config files as written there, on a synthetic set of
non-human shapes with 5 keypoints and one flip pair, trained a few
iterations by tools/train.py and evaluated by tools/test.py (OKS AP and
PCK by the box); and the start-up error of a model for another keypoint
count."""
import json
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tests.conftest import ROOT


def readme_files() -> dict:
    """The README's code blocks that start with a file name comment
    (``# configs/...``), by that file name."""
    with open(osp.join(ROOT, 'README.md')) as f:
        text = f.read()
    blocks = re.findall(r'```python\n(# (configs/\S+?\.py)\S*.*?)```', text,
                        re.S)
    return {name: body for body, name in blocks}


def test_the_recipe_is_in_the_readme():
    files = readme_files()
    assert set(files) == {'configs/_base_/datasets/my_keypoints.py',
                          'configs/my_keypoints.py'}
    config = files['configs/my_keypoints.py']
    assert len(config.strip().splitlines()) <= 25
    # the number of keypoints is stated once, in the backbone
    assert len(re.findall(r'num_keypoints|out_channels|in_channels',
                          config)) == 1


@pytest.fixture(scope='module')
def project(tmp_path_factory):
    """A user's checkout: the plugin's configs with the README's two files
    added, and the shapes' pictures in data/my_keypoints/."""
    from hg_plugin.synthetic.coco import (SHAPE_LINKS, SHAPE_NAMES,
                                          make_shape_scene, write_coco_split)
    root = tmp_path_factory.mktemp('user')
    shutil.copytree(osp.join(ROOT, 'configs'), root / 'configs')
    for name, body in readme_files().items():
        (root / name).write_text(body)
    data = str(root / 'data' / 'my_keypoints')
    for split, num, first in (('train', 12, 0), ('val', 4, 12)):
        write_coco_split(data, split, num, seed=3, scene=make_shape_scene,
                         size=(160, 120), first_index=first,
                         keypoint_names=SHAPE_NAMES,
                         skeleton=[[a + 1, b + 1] for a, b in SHAPE_LINKS],
                         category='shape', img_dir='images',
                         ann_file=f'annotations/{split}.json')
    return root


# only what makes it quick: one epoch of batches of 2, no workers
QUICK = ['--cfg-options', 'train_cfg.max_epochs=1',
         'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False',
         'val_dataloader.num_workers=0',
         'val_dataloader.persistent_workers=False',
         'test_dataloader.num_workers=0',
         'test_dataloader.persistent_workers=False']


def tool(project, name: str, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', name), *args],
        capture_output=True, text=True, cwd=str(project), env=env)


@pytest.mark.slow
def test_train_and_evaluate_own_keypoints(project):
    work = str(project / 'work_dirs' / 'my_keypoints')
    proc = tool(project, 'train.py', 'configs/my_keypoints.py',
                '--work-dir', work, *QUICK)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = str(project / 'metrics.json')
    proc = tool(project, 'test.py', 'configs/my_keypoints.py',
                osp.join(work, 'epoch_1.pth'), '--work-dir', work,
                '--out', out, *QUICK)
    assert proc.returncode == 0, proc.stderr[-3000:]
    metrics = json.load(open(out))
    for key in ('coco/AP', 'coco/AP .5', 'coco/AR', 'PCK'):
        assert 0 <= metrics[key] <= 1, (key, metrics)
    # mmpose's CocoMetric read the metainfo's sigmas for 5 keypoints
    assert 'AP' in proc.stdout + proc.stderr


@pytest.mark.slow
def test_a_model_for_another_count_stops_at_start_up(project):
    config = project / 'configs' / 'my_keypoints.py'
    wrong = project / 'configs' / 'my_keypoints_17.py'
    wrong.write_text(config.read_text().replace('num_keypoints=5',
                                                'num_keypoints=17'))
    proc = tool(project, 'train.py', str(wrong.relative_to(project)),
                '--work-dir', str(project / 'work_dirs' / 'wrong'), *QUICK)
    assert proc.returncode != 0
    message = proc.stderr.strip().splitlines()[-1]
    assert ('the model predicts 17 keypoints (model.backbone.num_keypoints)'
            ' but the train dataset' in message), message
    assert 'has 5: set model.backbone.num_keypoints=5' in message
    # nothing was trained
    assert not list((project / 'work_dirs' / 'wrong').glob('*.pth'))


def fake_runner(model_count: int, data_count: int, head_count=None):
    backbone = SimpleNamespace(num_keypoints=model_count)
    head = SimpleNamespace(out_channels=head_count)
    loop = SimpleNamespace(dataloader=SimpleNamespace(
        dataset=SimpleNamespace(metainfo=dict(num_keypoints=data_count,
                                              dataset_name='shapes'))))
    return SimpleNamespace(
        model=SimpleNamespace(backbone=backbone, head=head),
        _train_loop=dict(type='EpochBasedTrainLoop'),  # not built: a test
        _val_loop=None, _test_loop=loop)


def test_the_check_names_both_counts_and_the_key():
    from hg_plugin.engine import KeypointCountCheckHook
    KeypointCountCheckHook().before_run(fake_runner(5, 5))
    with pytest.raises(ValueError, match=r'predicts 16 keypoints \(model\.'
                       r'backbone\.num_keypoints\) but the test dataset\'s '
                       r'metainfo \(shapes, test_dataloader\.dataset\.'
                       r'metainfo\) has 5: set model\.backbone\.'
                       r'num_keypoints=5'):
        KeypointCountCheckHook().before_run(fake_runner(16, 5))
    # a head that states the count (mmpose's heads) is the key to change
    with pytest.raises(ValueError, match=r'predicts 17 keypoints \(model\.'
                       r'head\.out_channels\)'):
        KeypointCountCheckHook().before_run(fake_runner(5, 5, 17))
