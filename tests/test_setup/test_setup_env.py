"""tools/setup_env.sh in an existing environment: it never replaces an
installed torch without --replace-stack, and it says what it found.

The environment is a fresh venv whose "torch" is only an installed
distribution's metadata (no package), so nothing is downloaded: the
set-up must stop before installing anything."""
import os
import subprocess
import sys
import venv

import pytest

from tests.conftest import ROOT


def fake_distribution(site_packages, name, version):
    info = site_packages / f'{name}-{version}.dist-info'
    info.mkdir()
    (info / 'METADATA').write_text(
        f'Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n')
    return info


@pytest.fixture
def env(tmp_path):
    venv.EnvBuilder(with_pip=True).create(tmp_path / 'env')
    python = tmp_path / 'env' / 'bin' / 'python'
    site = subprocess.run(
        [str(python), '-c', 'import sysconfig; '
         'print(sysconfig.get_paths()["purelib"])'],
        capture_output=True, text=True, check=True).stdout.strip()
    return python, tmp_path / site


def setup_env(python, tmp_path):
    environ = dict(os.environ, HG_CACHE_DIR=str(tmp_path / 'cache'),
                   PIP_NO_INDEX='1')
    environ.pop('REPLACE_STACK', None)
    return subprocess.run(
        ['bash', os.path.join(ROOT, 'tools', 'setup_env.sh'), '--python',
         str(python)], capture_output=True, text=True, env=environ,
        timeout=300)


@pytest.mark.skipif(sys.platform != 'linux', reason='the set-up is bash')
def test_an_old_torch_is_named_and_kept(env, tmp_path):
    python, site = env
    torch = fake_distribution(site, 'torch', '2.1.0')
    run = setup_env(python, tmp_path)
    assert run.returncode != 0
    out = run.stdout + run.stderr
    assert 'torch 2.1.0 (needed: torch>=2.14)' in out
    assert '--replace-stack' in out
    assert 'setup failed at step 2/7' in out
    assert torch.is_dir() and not (site / 'torch').exists()


@pytest.mark.skipif(sys.platform != 'linux', reason='the set-up is bash')
def test_a_torch_without_its_torchvision_is_not_replaced(env, tmp_path):
    python, site = env
    torch = fake_distribution(site, 'torch', '2.14.0')
    run = setup_env(python, tmp_path)
    assert run.returncode != 0
    out = run.stdout + run.stderr
    assert 'torch 2.14.0: in range, kept' in out
    assert 'torchvision release that pairs with your torch' in out
    assert torch.is_dir()
