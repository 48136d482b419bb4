"""The declared requirements are ranges that the stack under test meets,
never exact pins; the bare-machine pins of requirements/stack.txt are in
those ranges."""
import os.path as osp
from importlib import metadata

import pytest
from packaging.requirements import Requirement

from tests.conftest import ROOT

STACK = ('torch', 'torchvision', 'mmcv', 'mmengine', 'mmdet', 'mmpose')


def declared():
    reqs = [Requirement(r) for r in metadata.requires('hg_plugin') or []]
    assert reqs, 'hg_plugin declares no requirements'
    return reqs


def test_no_exact_pins_and_every_stack_part_has_a_range():
    names = set()
    for req in declared():
        names.add(req.name)
        assert not any(s.operator in ('==', '===') for s in req.specifier), \
            f'{req} is an exact pin'
    assert set(STACK) <= names


def test_installed_stack_meets_the_ranges():
    for req in declared():
        extra = req.marker and 'extra' in str(req.marker)
        if extra and 'mim' not in str(req.marker):
            continue  # tests/deploy extras: checked where they are used
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f'{req.name} is declared but not installed')
        assert req.specifier.contains(version, prereleases=True), \
            f'installed {req.name} {version} is outside {req}'


def test_bare_machine_pins_are_inside_the_ranges():
    ranges = {r.name: r.specifier for r in declared()}
    with open(osp.join(ROOT, 'requirements', 'stack.txt')) as f:
        pins = [Requirement(line.split('#')[0].strip()) for line in f
                if line.split('#')[0].strip()]
    for pin in pins:
        (spec, ) = pin.specifier
        if pin.name in ranges:
            assert ranges[pin.name].contains(spec.version), pin


def test_installed_metadata_is_that_of_the_requirement_files():
    # the checks above read the installed metadata: it must be the files'
    # (a stale editable install would check old ranges)
    def file_reqs(name):
        with open(osp.join(ROOT, 'requirements', f'{name}.txt')) as f:
            lines = (line.split('#')[0].strip() for line in f)
            return {str(Requirement(line)) for line in lines if line}

    installed = {str(Requirement(str(r).split(';')[0])) for r in declared()
                 if not r.marker or 'mim' in str(r.marker)}
    expected = file_reqs('runtime') | file_reqs('mminstall')
    assert installed == expected, (
        'installed hg_plugin metadata differs from requirements/: '
        'reinstall with pip install -e .', installed ^ expected)
