import os
import os.path as osp

import pytest
from hypothesis import HealthCheck, settings

# property-based tests: a fixed, seeded profile in CI; HYPOTHESIS_PROFILE=
# long for the 10,000-example run of each entry point
settings.register_profile(
    'ci', max_examples=120, derandomize=True, deadline=None,
    suppress_health_check=[HealthCheck.too_slow,
                           HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large])
# make mutation: each mutant runs the property tests again, fewer examples
settings.register_profile(
    'mutation', max_examples=25, derandomize=True, deadline=None,
    suppress_health_check=[HealthCheck.too_slow,
                           HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large])
settings.register_profile(
    'long', max_examples=10000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow,
                           HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large])
settings.load_profile(os.environ.get('HYPOTHESIS_PROFILE', 'ci'))

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the real MPII and FLIC annotation files, published prediction files and
# a few COCO pictures, which this repository does not ship
REFERENCE_DATA = os.environ.get('HG_REFERENCE_DATA') or osp.join(
    ROOT, '..', 'shared', 'data')


@pytest.fixture(scope='session')
def shared_data() -> str:
    """The reference data folder (``$HG_REFERENCE_DATA``, default
    ``../shared/data``)."""
    if not osp.isdir(REFERENCE_DATA):
        pytest.skip(f'reference data folder {REFERENCE_DATA} is absent: set '
                    'HG_REFERENCE_DATA to a copy of it')
    return REFERENCE_DATA


@pytest.fixture(scope='session')
def synthetic_root(tmp_path_factory) -> str:
    """A small synthetic MPII/FLIC set: 24 training and 8 validation
    people, 128x128 images."""
    from hg_plugin.synthetic import generate_split
    root = str(tmp_path_factory.mktemp('synthetic'))
    generate_split(root, 'train', 24, seed=1, size=(128, 128),
                   progress=False)
    generate_split(root, 'val', 8, seed=2, size=(128, 128), first_index=24,
                   progress=False)
    return root


@pytest.fixture(scope='session')
def trained_demo(tmp_path_factory) -> dict:
    """A small model trained on synthetic people (tests/helpers/
    trained.py): its config, checkpoint, data and Mean PCKh before and
    after training."""
    from tests.helpers.trained import train_demo
    return train_demo(str(tmp_path_factory.mktemp('trained')))


@pytest.fixture
def logged(caplog):
    """What mmengine's current logger gets (its records reach its own
    handlers only, never the root logger that caplog listens to)."""
    from mmengine.logging import MMLogger
    logger = MMLogger.get_current_instance()
    logger.handlers.append(caplog.handler)
    yield caplog
    logger.handlers.remove(caplog.handler)


def pytest_configure(config):
    # keep tests on the 2 cores without oversubscription
    os.environ.setdefault('OMP_NUM_THREADS', '2')
    # the inference cache (exported models, measured speeds) of the tests
    # is their own, for them and the tools they start: no user's is read
    # or written
    import tempfile
    os.environ['HG_CACHE_DIR'] = tempfile.mkdtemp(prefix='hg_plugin_tests_')
    # build by type name in mmpose's scope, as a runner with
    # default_scope='mmpose' does
    from mmpose.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    import hg_plugin  # noqa: F401
