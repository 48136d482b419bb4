"""Where the plugin's shipped configs are: an installed package keeps them
in ``hg_plugin/.mim/configs`` (``setup.py`` copies them there, where
mmpose keeps its own), a checkout in ``configs/`` beside the package."""
import os.path as osp

PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG_ROOTS = (osp.join(PACKAGE_DIR, '.mim', 'configs'),
                osp.join(osp.dirname(PACKAGE_DIR), 'configs'))


def config_path(relative: str) -> str:
    """The path of a shipped config, e.g. ``'_base_/datasets/mpii.py'``.

    Raises:
        FileNotFoundError: Neither the installed package nor a checkout has
            it.
    """
    for root in CONFIG_ROOTS:
        path = osp.join(root, relative)
        if osp.isfile(path):
            return path
    raise FileNotFoundError(
        f'config {relative} is neither in the installed package '
        f'({CONFIG_ROOTS[0]}) nor in a checkout ({CONFIG_ROOTS[1]})')
