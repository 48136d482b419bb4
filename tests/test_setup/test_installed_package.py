"""The plugin installed from its wheel (``pip install .``, not editable)
works from any folder: its datasets find their metainfo files and its
configs their bases without a path into this checkout."""
import os
import os.path as osp
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """The wheel of a copy of the tracked files, unpacked as pip installs
    it into site-packages."""
    tmp = tmp_path_factory.mktemp('wheel')
    files = subprocess.run(['git', 'ls-files'], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    src = tmp / 'src'
    for name in files:
        if osp.isfile(osp.join(ROOT, name)):
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_bytes(open(osp.join(ROOT, name), 'rb').read())
    proc = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
         '--no-build-isolation', '-q', '-w', str(tmp / 'dist'), str(src)],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel, ) = (tmp / 'dist').glob('hg_plugin-*.whl')
    site = tmp / 'site'
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    return str(site)


CODE = '''
import os.path as osp, sys
site, data = sys.argv[1], sys.argv[2]
from mmpose.utils import register_all_modules
register_all_modules()
import hg_deploy, hg_plugin
from hg_plugin.datasets import CheckedMpiiDataset
from hg_plugin.datasets.metainfo import dataset_metainfo
from mmengine.config import Config
from mmpose.registry import DATASETS
loaded = [m.__file__ for n, m in list(sys.modules.items())
          if n.split('.')[0] in ('hg_plugin', 'hg_deploy')
          and getattr(m, '__file__', None)]
assert all(f.startswith(site) for f in loaded), loaded
assert dataset_metainfo('flic')['num_keypoints'] == 11
ds = CheckedMpiiDataset(data_root=data, ann_file='annotations/mpii_val.json',
                        data_prefix=dict(img='images/'), test_mode=True)
assert ds.metainfo['keypoint_id2name'][9] == 'head_top'
cfg = Config.fromfile(osp.join(site, 'hg_plugin', '.mim', 'configs',
                               'hg2_synthetic.py'))
cfg.val_dataloader.dataset.data_root = data
cfg.val_dataloader.dataset.headbox_file = osp.join(
    data, 'annotations', 'mpii_gt_val.mat')
val = DATASETS.build(cfg.val_dataloader.dataset)
print('weights', val.metainfo['dataset_keypoint_weights'][10:12].tolist())
'''


@pytest.mark.slow
def test_the_wheel_works_from_any_folder(installed, synthetic_root, tmp_path):
    env = dict(os.environ, PYTHONPATH=installed)
    proc = subprocess.run([sys.executable, '-c', CODE, installed,
                           synthetic_root], capture_output=True, text=True,
                          cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # configs/_base_/datasets/mpii_synthetic.py's wrist and elbow weights
    assert 'weights [3.0, 2.0]' in proc.stdout
