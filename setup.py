import os.path as osp
import re
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = osp.dirname(osp.abspath(__file__))


def get_version() -> str:
    """Read ``__version__`` from hg_plugin/version.py without importing."""
    with open(osp.join(HERE, 'hg_plugin', 'version.py')) as f:
        return re.search(r"__version__ = '([^']+)'", f.read()).group(1)


def parse_requirements(name: str) -> list:
    """Requirement lines of ``requirements/<name>.txt``, comments dropped."""
    with open(osp.join(HERE, 'requirements', f'{name}.txt')) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


class BuildPyWithConfigs(build_py):
    """Ship ``configs/`` inside the package, in ``hg_plugin/.mim/configs``
    (where mmpose keeps its own), so that an installed plugin finds its
    datasets' metainfo files and a user its configs
    (``hg_plugin.utils.configs.config_path``)."""

    def run(self) -> None:
        super().run()
        target = osp.join(self.build_lib, 'hg_plugin', '.mim', 'configs')
        if osp.isdir(target):
            shutil.rmtree(target)
        shutil.copytree(osp.join(HERE, 'configs'), target,
                        ignore=shutil.ignore_patterns('__pycache__'))


setup(
    name='hg_plugin',
    version=get_version(),
    description='Stacked Hourglass Networks (Newell et al., ECCV 2016) '
    'as an MMPose 1.x plugin',
    long_description=open(osp.join(HERE, 'README.md')).read()
    if osp.exists(osp.join(HERE, 'README.md')) else '',
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    cmdclass={'build_py': BuildPyWithConfigs},
    python_requires='>=3.11',
    # ranges, never pins: an environment that meets them is left as it is
    install_requires=parse_requirements('runtime'),
    extras_require={
        'mim': parse_requirements('mminstall'),
        'tests': parse_requirements('tests'),
        'deploy': parse_requirements('deploy'),
        'openvino': parse_requirements('openvino'),
    },
    license='Apache License 2.0',
    zip_safe=False,
)
