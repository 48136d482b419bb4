"""The choice of an inference path: the one that finishes the input first,
start-up included, from this machine's measurements or the priors."""
import math

import pytest

from hg_plugin.apis import paths
from hg_plugin.apis.paths import (EAGER, PRIOR_SPEEDUP, PRIOR_STARTUP_S,
                                  InferencePath, SpeedRecords, choose)

ORT32 = InferencePath('onnxruntime', 'fp32')
ORT8 = InferencePath('onnxruntime', 'int8')
COMPILED = InferencePath('pytorch', 'fp32', True)
ALL = [EAGER, COMPILED, ORT32, ORT8]


@pytest.fixture
def records(tmp_path):
    return SpeedRecords('model', str(tmp_path / 'speeds.json'))


def test_start_up_decides_for_short_inputs(records):
    eager_s = 0.2  # a crop of hg2_mpii on 2 cores
    # a few crops: no start-up pays for itself
    best, _ = choose(ALL, 4, eager_s, records, {}, can_calibrate=True)
    assert best.path == EAGER
    # by hand, from the priors: int8 pays once n * 0.2 * (1 - 1 / 2.5)
    # exceeds its start-up (export, session, quantization and the
    # calibration crops at onnxruntime fp32's speed)
    startup = (PRIOR_STARTUP_S['export'] + PRIOR_STARTUP_S['session'] +
               PRIOR_STARTUP_S['quantize'] +
               paths.CALIBRATION_CROPS * eager_s / PRIOR_SPEEDUP[ORT32])
    ort32_start = PRIOR_STARTUP_S['export'] + PRIOR_STARTUP_S['session']
    n = 3000
    best, estimates = choose(ALL, n, eager_s, records, {},
                             can_calibrate=True)
    by_path = {e.path: e for e in estimates}
    assert by_path[ORT8].startup_s == pytest.approx(startup)
    assert by_path[ORT8].total(n) == pytest.approx(
        startup + n * eager_s / PRIOR_SPEEDUP[ORT8])
    assert by_path[ORT32].startup_s == pytest.approx(ort32_start)
    assert best.path == ORT8


def test_without_calibration_int8_needs_a_cached_model(records):
    best, estimates = choose(ALL, 3000, 0.2, records, {},
                             can_calibrate=False)
    assert ORT8 not in [e.path for e in estimates]
    best, _ = choose(ALL, 3000, 0.2, records, {ORT8: True},
                     can_calibrate=False)
    assert best.path == ORT8 and best.startup_s == \
        PRIOR_STARTUP_S['session']


def test_a_camera_takes_the_fastest_per_crop(records):
    # an endless input: the least time a crop, whatever the start-up
    best, _ = choose([EAGER, COMPILED, ORT32], math.inf, 0.2, records, {},
                     can_calibrate=False)
    assert best.path == ORT32
    records.record(COMPILED, per_crop_s=0.05, startup_s=90.)
    best, _ = choose([EAGER, COMPILED, ORT32], math.inf, 0.2, records, {},
                     can_calibrate=False)
    assert best.path == COMPILED
    # a tie per crop: the shorter start-up
    records.record(ORT32, per_crop_s=0.05, startup_s=3.)
    best, _ = choose([EAGER, COMPILED, ORT32], math.inf, 0.2, records, {},
                     can_calibrate=False)
    assert best.path == ORT32


def test_measurements_override_the_priors(records, tmp_path):
    # measured here: int8 is slow on this machine, and compiles are cheap
    records.record(ORT8, per_crop_s=0.3, startup_s=20.)
    records.record(COMPILED, per_crop_s=0.1, startup_s=2.)
    again = SpeedRecords('model', str(tmp_path / 'speeds.json'))
    assert again.get(ORT8, 'per_crop_s') == 0.3
    best, _ = choose(ALL, 3000, 0.2, again, {}, can_calibrate=True)
    assert best.path == COMPILED
    # another model has no measurements: the priors again
    other = SpeedRecords('other', str(tmp_path / 'speeds.json'))
    assert other.get(ORT8, 'per_crop_s') is None


def test_supported_paths_follow_the_machine(monkeypatch):
    monkeypatch.setattr(paths, 'native_bf16', lambda: False)
    monkeypatch.setattr(paths, 'fast_int8', lambda: False)
    monkeypatch.setattr(paths, 'installed',
                        lambda m: m in ('onnx', 'onnxruntime'))
    got = paths.supported_paths('cpu')
    assert EAGER in got and ORT32 in got
    assert all(p.precision == 'fp32' for p in got)
    assert not any(p.backend == 'openvino' for p in got)
    monkeypatch.setattr(paths, 'native_bf16', lambda: True)
    monkeypatch.setattr(paths, 'fast_int8', lambda: True)
    got = paths.supported_paths('cpu')
    assert InferencePath('pytorch', 'bf16') in got and ORT8 in got
    # bf16 in OpenVINO (the fp32 file computed in bf16), not in
    # onnxruntime (no bf16 option in its x86 CPU runtime)
    assert InferencePath('onnxruntime', 'bf16') not in got
    monkeypatch.setattr(paths, 'installed', lambda m: True)
    assert InferencePath('openvino', 'bf16') in paths.supported_paths('cpu')
    monkeypatch.setattr(paths, 'native_bf16', lambda: False)
    assert InferencePath('openvino', 'bf16') not in paths.supported_paths(
        'cpu')
    # without onnx, nothing exports: neither onnxruntime nor OpenVINO
    monkeypatch.setattr(paths, 'installed', lambda m: m != 'onnx')
    assert all(p.backend == 'pytorch' for p in paths.supported_paths())


def test_records_are_the_mean_of_the_last_two(records):
    records.record(ORT8, per_crop_s=0.3)
    records.record(ORT8, per_crop_s=0.1)
    assert records.get(ORT8, 'per_crop_s') == pytest.approx(0.2)
