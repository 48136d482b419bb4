"""The whole pipeline learns: a reduced synthetic run lifts validation PCKh
far above the same network's at initialisation."""
import pytest

pytestmark = pytest.mark.slow


def test_validation_pckh_rises(trained_demo):
    initial, final = trained_demo['initial'], trained_demo['final']
    # 800 iterations of batch 8 (about 5 minutes on 2 cores)
    assert initial < 10
    assert final > max(3 * initial, initial + 10), (initial, final)
