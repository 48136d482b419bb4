import os.path as osp
import re

import pytest

from hg_plugin.utils.configs import config_path
from tests.conftest import ROOT


def test_config_path_finds_shipped_configs_and_names_missing_ones():
    path = config_path('_base_/datasets/mpii.py')
    assert osp.isfile(path)
    with open(path) as f, open(osp.join(ROOT, 'configs', '_base_',
                                        'datasets', 'mpii.py')) as g:
        assert f.read() == g.read()
    with pytest.raises(FileNotFoundError,
                       match=r'config _base_/nope\.py is neither'):
        config_path('_base_/nope.py')
    # both places it looked, each under its name
    with pytest.raises(FileNotFoundError) as e:
        config_path('_base_/nope.py')
    installed = osp.join(ROOT, 'hg_plugin', '.mim', 'configs')
    checkout = osp.join(ROOT, 'configs')
    assert re.search(rf'installed package \({re.escape(installed)}\) nor '
                     rf'in a checkout \({re.escape(checkout)}\)',
                     str(e.value))
