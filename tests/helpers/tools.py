"""The scripts under tools/ imported as modules, to call their functions
without a subprocess."""
import importlib.util
import os.path as osp

from tests.conftest import ROOT


def load_tool(name: str):
    """``tools/<name>.py`` as a module (``name`` may contain a folder)."""
    spec = importlib.util.spec_from_file_location(
        'tools_' + name.replace('/', '_'),
        osp.join(ROOT, 'tools', name + '.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
