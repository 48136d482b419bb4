"""Every entry point that reads a user's file or value, given mutated valid
inputs: the result is a correct one, or a documented error naming the
file (and the record and field where there is one); never a bare
KeyError, IndexError or TypeError from deep inside, nor a silently wrong
number. Examples per test: the hypothesis profile (conftest.py)."""
import gzip
import json
import re

import h5py
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy.io import savemat

from hg_plugin.compat import load_from_local
from hg_plugin.converters.annotations import (flic_examples_to_records,
                                              flic_hg_h5_to_records,
                                              load_flic_examples, load_hg_h5,
                                              load_mpii_gt_mat,
                                              mpii_hg_h5_to_records,
                                              mpii_release_to_records)
from hg_plugin.converters.checkpoints import (CheckpointConversionError,
                                              convert_file)
from hg_plugin.datasets import AnnotationError, CheckedMpiiDataset, FlicDataset
from hg_plugin.evaluation.functional import pckh_table
from hg_plugin.evaluation.offline import evaluate
from hg_plugin.evaluation.prediction_files import (PredictionFileError,
                                                   load_ground_truth,
                                                   load_predictions)
from hg_plugin.utils.io import DamagedCheckpointError, UnsafeCheckpointError
from tests.test_converters.test_checkpoints import (princeton_shapes,
                                                    random_state,
                                                    save_princeton)
from tests.test_fuzz.strategies import (damaged_bytes, mutated, mutated_arrays,
                                        outcome)

N = 3  # people in each valid input


def record(k: int, i: int, **extra) -> dict:
    return dict(image=f'{i:09d}.jpg', center=[60. + i, 70.], scale=0.5,
                joints=np.round(np.random.default_rng(i).uniform(
                    10, 120, (k, 2)), 2).tolist(),
                joints_vis=[1] * (k - 1) + [0], **extra)


def write_json(path: str, obj) -> None:
    with open(path, 'w') as f:
        json.dump(obj, f)


def check_records(records: list, k: int) -> None:
    """What a converter writes must be what the datasets load."""
    for i, rec in enumerate(records):
        from hg_plugin.datasets.annotations import check_record
        check_record(rec, i, 'converted', k)


# ------------------------------------------------------- annotation json
@pytest.fixture(scope='module')
def datasets(tmp_path_factory):
    root = tmp_path_factory.mktemp('ann')
    mpii, flic = str(root / 'mpii.json'), str(root / 'flic.json')
    boxes = str(root / 'boxes.mat')
    write_json(mpii, [record(16, i) for i in range(N)])
    write_json(flic, [record(11, i, torso_size=30.) for i in range(N)])
    savemat(boxes, {'headboxes_src': np.tile(
        np.array([[[10.]], [[40.]]]), (1, 2, N))})
    kw = dict(test_mode=True, missing_image='ignore', lazy_init=True)
    return dict(
        mpii=CheckedMpiiDataset(ann_file=mpii, headbox_file=boxes, **kw),
        flic=FlicDataset(ann_file=flic, **kw), boxes=boxes)


def load(ds):
    data = ds.load_data_list()
    for info in data:  # the numbers reach the pipeline finite
        for key in ('keypoints', 'bbox_center', 'bbox_scale'):
            assert np.isfinite(info[key]).all(), key
        assert (info['bbox_scale'] > 0).all()
    return data


@pytest.mark.parametrize('name,k', [('mpii', 16), ('flic', 11)])
@given(data=st.data())
def test_annotation_json(datasets, name, k, data):
    ds = datasets[name]
    valid = [record(k, i, **({'torso_size': 30.} if k == 11 else {}))
             for i in range(N)]
    if data.draw(st.booleans()):
        write_json(ds.ann_file, data.draw(mutated(valid)))
    else:
        raw = json.dumps(valid).encode()
        with open(ds.ann_file, 'wb') as f:
            f.write(data.draw(damaged_bytes(raw)))
    ok, result = outcome(lambda: load(ds), ds.ann_file,
                         (AnnotationError, ))
    if not ok and re.search(r'record \d+', str(result)):  # the field, too
        assert "field '" in str(result) or ' is a ' in str(result)


@given(data=st.data())
def test_headbox_mat(datasets, data):
    ds = datasets['mpii']
    write_json(ds.ann_file, [record(16, i) for i in range(N)])
    valid = {'headboxes_src': np.tile(np.array([[[10.]], [[40.]]]),
                                      (1, 2, N))}
    if data.draw(st.booleans()):
        savemat(datasets['boxes'], data.draw(mutated_arrays(valid)))
    else:
        savemat(datasets['boxes'], valid)
        raw = open(datasets['boxes'], 'rb').read()
        with open(datasets['boxes'], 'wb') as f:
            f.write(data.draw(damaged_bytes(raw)))
    ok, result = outcome(lambda: load(ds), datasets['boxes'],
                         (AnnotationError, ))
    if ok:
        assert all(info['head_size'] > 0 for info in result)


# --------------------------------------------------- hourglass .h5 files
def valid_h5(k: int) -> dict:
    rng = np.random.default_rng(k)
    return dict(part=rng.uniform(1, 200, (N, k, 2)),
                center=rng.uniform(50, 150, (N, 2)),
                scale=np.full(N, 1.2), normalize=np.full(N, 30.),
                imgname=np.array([b'%09d.jpg' % i for i in range(N)]))


def write_h5(path: str, arrays: dict) -> None:
    with h5py.File(path, 'w') as f:
        for key, value in arrays.items():
            f[key] = value


@pytest.mark.parametrize('dataset', ['mpii', 'flic'])
@given(data=st.data())
def test_hourglass_h5(tmp_path, dataset, data):
    k = 16 if dataset == 'mpii' else 11
    path = str(tmp_path / 'valid.h5')
    if data.draw(st.booleans()):
        write_h5(path, data.draw(mutated_arrays(valid_h5(k))))
    else:
        write_h5(path, valid_h5(k))
        raw = open(path, 'rb').read()
        with open(path, 'wb') as f:
            f.write(data.draw(damaged_bytes(raw)))
    convert = mpii_hg_h5_to_records if k == 16 else flic_hg_h5_to_records
    ok, records = outcome(lambda: convert(load_hg_h5(path), path), path,
                          (AnnotationError, ))
    if ok:
        check_records(records, k)
    ok, gt = outcome(lambda: load_ground_truth(path, dataset), path,
                     (PredictionFileError, ))
    if ok:
        assert gt.joints.shape[1:] == (k, 2) and np.isfinite(gt.joints).all()


# -------------------------------------------------- FLIC's examples.mat
def examples(num: int = N) -> np.ndarray:
    dtype = [('filepath', 'O'), ('coords', 'O'), ('imgdims', 'O'),
             ('torsobox', 'O'), ('istrain', 'O'), ('istest', 'O')]
    ex = np.zeros((1, num), dtype=dtype)
    rng = np.random.default_rng(1)
    for i in range(num):
        ex[0, i] = (f'movie-{i:08d}.jpg', rng.uniform(1, 400, (2, 29)),
                    np.array([[480., 720., 3.]]),
                    np.array([[200., 100., 300., 300.]]), float(i % 2),
                    float(1 - i % 2))
    return ex


@given(data=st.data())
def test_flic_examples_mat(tmp_path, data):
    path = str(tmp_path / 'examples.mat')
    ex = examples()
    kind = data.draw(st.sampled_from(['field', 'value', 'bytes', 'other']))
    if kind == 'field':  # a field dropped or renamed
        names = list(ex.dtype.names)
        i = data.draw(st.integers(0, len(names) - 1))
        names[i] = names[i] + '_x' if data.draw(st.booleans()) else 'other'
        ex.dtype.names = names
        savemat(path, {'examples': ex})
    elif kind == 'value':
        field = data.draw(st.sampled_from(list(ex.dtype.names)))
        j = data.draw(st.integers(0, N - 1))
        ex[0, j][field] = data.draw(st.sampled_from([
            np.array([[np.nan, 1.]]), np.zeros((2, 10)), np.array([]),
            'text', np.array([[-1., 0., 3.]]), np.full((2, 29), np.inf),
            np.array([[1e300, 1., 2., 3.]]), np.array([[2.]])]))
        savemat(path, {'examples': ex})
    elif kind == 'bytes':
        savemat(path, {'examples': ex})
        raw = open(path, 'rb').read()
        with open(path, 'wb') as f:
            f.write(data.draw(damaged_bytes(raw)))
    else:  # another container under the name
        savemat(path, {'examples': np.ones((3, 4))})

    def convert():
        loaded = load_flic_examples(path)
        return [flic_examples_to_records(loaded, s, path)
                for s in ('train', 'test')]

    ok, splits = outcome(convert, path, (AnnotationError, ))
    if ok:
        for records in splits:
            check_records(records, 11)


# ------------------------------------------------------ prediction files
@pytest.mark.parametrize('ext', ['.mat', '.h5', '.json'])
@given(data=st.data())
def test_prediction_files(tmp_path, ext, data):
    path = str(tmp_path / f'preds{ext}')
    preds = np.random.default_rng(2).uniform(1, 200, (N, 16, 2))
    if ext == '.json':
        valid = dict(dataset='mpii', coordinate_base=0, ids=[0, 1, 2],
                     preds=preds.tolist())
        if data.draw(st.booleans()):
            write_json(path, data.draw(mutated(valid)))
        else:
            with open(path, 'wb') as f:
                f.write(data.draw(damaged_bytes(json.dumps(valid).encode())))
    else:
        arrays = data.draw(mutated_arrays({'preds': preds}))
        if ext == '.mat':
            savemat(path, arrays)
        else:
            write_h5(path, arrays)
        if data.draw(st.booleans()):
            raw = open(path, 'rb').read()
            with open(path, 'wb') as f:
                f.write(data.draw(damaged_bytes(raw)))
    ok, loaded = outcome(
        lambda: load_predictions(path, N, 16, dataset='mpii'), path,
        (PredictionFileError, ))
    if ok:
        assert loaded.shape == (N, 16, 2) and np.isfinite(loaded).all()


@given(data=st.data())
def test_eval_predictions_ground_truth(tmp_path, data):
    gt_path, pred_path = str(tmp_path / 'gt.mat'), str(tmp_path / 'p.mat')
    pos = np.random.default_rng(3).uniform(1, 200, (16, 2, N))
    valid = dict(pos_gt_src=pos, jnt_missing=np.zeros((16, N)),
                 headboxes_src=np.tile(np.array([[[10.]], [[40.]]]),
                                       (1, 2, N)))
    savemat(gt_path, data.draw(mutated_arrays(valid)))
    savemat(pred_path, {'preds': pos.transpose(2, 0, 1)})
    ok, result = outcome(
        lambda: evaluate(gt_path, [pred_path]), gt_path,
        (PredictionFileError, ))
    if ok:  # percentages (NaN: a joint no one has annotated)
        table = result['p.mat']['PCKh@0.5']
        values = np.array(table['per_joint'] + [table['Mean']])
        assert ((values >= 0) & (values <= 100) | np.isnan(values)).all()
        gt = load_ground_truth(gt_path)
        same = pckh_table(gt.joints, gt.joints, gt.annotated,
                          gt.norm)['PCKh@0.5']['per_joint']
        assert all(v == 100 or np.isnan(v) for v in same)


# ------------------------------------------------- dataset converters
def people() -> list:
    return [dict(isValidation=float(i == 0), img_paths=f'{i:09d}.jpg',
                 objpos=[100., 120.], scale_provided=1.5,
                 joint_self=np.c_[np.random.default_rng(i).uniform(
                     1, 200, (16, 2)),
                                  np.ones(16)].tolist())
            for i in range(N)]


@given(data=st.data())
def test_mpii_release_converter(tmp_path, data):
    path = str(tmp_path / 'mpii_annotations.json.gz')
    if data.draw(st.booleans()):
        raw = json.dumps(data.draw(mutated(people()))).encode()
        with gzip.open(path, 'wb') as f:
            f.write(raw)
    else:
        with open(path, 'wb') as f:
            f.write(data.draw(damaged_bytes(gzip.compress(
                json.dumps(people()).encode()))))
    ok, result = outcome(lambda: mpii_release_to_records(path), path,
                         (AnnotationError, ))
    if ok:
        check_records(result[0] + result[1], 16)


@given(data=st.data())
def test_mpii_ground_truth_mat(tmp_path, data):
    path = str(tmp_path / 'detections_our_format.mat')
    valid = dict(pos_gt_src=np.random.default_rng(4).uniform(
                     1, 200, (16, 2, N)),
                 jnt_missing=np.zeros((16, N)),
                 headboxes_src=np.ones((2, 2, N)))
    savemat(path, data.draw(mutated_arrays(valid)))
    outcome(lambda: load_mpii_gt_mat(path), path, (AnnotationError, ))


# ------------------------------------------------- checkpoints
SMALL = princeton_shapes(2, inp_dim=16, oup_dim=4)


@given(data=st.data())
def test_checkpoint_converter(tmp_path, data):
    path = str(tmp_path / 'checkpoint.pt')
    src = random_state(SMALL)
    kind = data.draw(st.sampled_from(['keys', 'bytes', 'container']))
    if kind == 'keys':
        keys = sorted(src)
        for _ in range(data.draw(st.integers(1, 3))):
            key = data.draw(st.sampled_from(keys))
            op = data.draw(st.sampled_from(
                ['drop', 'rename', 'shape', 'dtype', 'scalar', 'extra']))
            if key not in src:
                continue
            if op == 'drop':
                del src[key]
            elif op == 'rename':
                src[key + 'x'] = src.pop(key)
            elif op == 'shape':
                src[key] = torch.zeros(3, 5)
            elif op == 'dtype':
                src[key] = src[key].to(torch.int32)
            elif op == 'scalar':
                src[key] = torch.tensor(1.)
            else:
                src['extra.weight'] = torch.zeros(2)
        save_princeton(path, src)
    elif kind == 'bytes':
        save_princeton(path, src)
        raw = open(path, 'rb').read()
        with open(path, 'wb') as f:
            f.write(data.draw(damaged_bytes(raw)))
    else:
        torch.save(data.draw(st.sampled_from(
            [[1, 2], {'state_dict': [1]}, {'state_dict': {}}, 'text',
             {'state_dict': {'a': 1.0}}])), path)
    ok, result = outcome(lambda: convert_file(path), path,
                         (CheckpointConversionError, UnsafeCheckpointError,
                          DamagedCheckpointError))
    if ok:  # only an intact network converts
        assert result[1] == 'princeton-vl' and result[2]['num_stacks'] == 2
        assert len(result[0]) == len(SMALL) - sum(
            'skip_layer' in k for k in SMALL) + 4


@pytest.fixture(scope='module')
def runner_checkpoint(tmp_path_factory):
    from mmengine.logging import MessageHub
    from mmengine.runner.checkpoint import save_checkpoint
    hub = MessageHub.get_instance('fuzz')
    hub.update_scalar('train/loss', 0.5)
    path = str(tmp_path_factory.mktemp('ckpt') / 'epoch_1.pth')
    state = torch.nn.Linear(4, 3).state_dict()
    save_checkpoint(dict(meta=dict(epoch=1, message_hub=hub.state_dict(),
                                   seed=np.int64(3)), state_dict=state), path)
    return path, state


@given(data=st.data())
def test_checkpoints_for_test_and_resume(tmp_path, runner_checkpoint,
                                         data):
    # what tools/test.py CONFIG CKPT and --resume load, through mmengine
    good, state = runner_checkpoint
    path = str(tmp_path / 'epoch_2.pth')
    with open(path, 'wb') as f:
        f.write(data.draw(damaged_bytes(open(good, 'rb').read())))
    ok, ckpt = outcome(lambda: load_from_local(path), path,
                       (RuntimeError, UnsafeCheckpointError))
    if ok:  # flipped bytes the zip format does not use: the same weights
        for k, v in state.items():
            torch.testing.assert_close(ckpt['state_dict'][k], v, rtol=0,
                                       atol=0)


# ------------------------------------------------- constructor arguments
ARG_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 300), st.floats(
        allow_nan=True, allow_infinity=True, width=32), st.text(max_size=4),
    st.tuples(st.integers(-2, 70)), st.tuples(st.integers(-2, 70),
                                              st.integers(-2, 70)),
    st.lists(st.integers(-1, 20), max_size=3), st.just({}),
    st.just(dict(type='BN')), st.just(dict(type='GN', num_groups=2)))


def build(cls, valid: dict, data) -> dict:
    kwargs = dict(valid)
    for _ in range(data.draw(st.integers(1, 2))):
        kwargs[data.draw(st.sampled_from(sorted(valid)))] = data.draw(
            ARG_VALUES)
    return kwargs


@pytest.mark.parametrize('name', ['StackedHourglass', 'MultiStageHeatmapHead',
                                  'GaussianHeatmap', 'PCKhMetric',
                                  'TorsoPCKMetric'])
@given(data=st.data())
def test_constructor_arguments(name, data):
    import hg_plugin
    cls = getattr(hg_plugin, name)
    valid = dict(
        StackedHourglass=dict(num_stacks=1, num_keypoints=3,
                              feat_channels=8, stem_channels=(4, 8),
                              num_residual_modules=1, order=1,
                              norm_cfg=dict(type='BN'), with_cp=False,
                              channels_last=False),
        MultiStageHeatmapHead=dict(in_channels=3, out_channels=3,
                                   num_stages=2),
        GaussianHeatmap=dict(input_size=(32, 32), heatmap_size=(8, 8),
                             sigma=2., unbiased=False, blur_kernel_size=11,
                             drop_out_of_frame=True, refine='quarter'),
        PCKhMetric=dict(pred_offset=0.),
        TorsoPCKMetric=dict(thr=0.2, torso=('r_shoulder', 'l_hip')),
    )[name]
    kwargs = build(cls, valid, data)
    ok, obj = outcome(lambda: cls(**kwargs), name, (ValueError, ))
    if ok and name == 'StackedHourglass':
        obj.eval()
        size = 4 * 2**obj.order
        outs = obj(torch.rand(1, 3, size, size))
        assert all(torch.isfinite(o).all() for o in outs)
    if ok and name == 'GaussianHeatmap':
        enc = obj.encode(np.array([[[10., 12.]]]))
        assert np.isfinite(enc['heatmaps']).all()
        kpts, _ = obj.decode(enc['heatmaps'])
        assert np.isfinite(kpts).all()


# ------------------------------------------ defects the fuzzing found
def test_a_mat_file_that_crashes_scipy_is_an_error(tmp_path):
    # one flipped byte of examples() makes scipy's loadmat crash the
    # process (a segmentation fault) or raise ZeroDivisionError or
    # ValueError, by what it reads past the damage, which differs from one
    # machine to another. Whichever, the caller lives and gets an error
    # naming the file (the crash path alone:
    # test_read_mat_survives_a_crashing_reader)
    path = str(tmp_path / 'examples.mat')
    savemat(path, {'examples': examples()})
    raw = bytearray(open(path, 'rb').read())
    if len(raw) != 2944 or raw[2864] != 9:
        pytest.skip('another scipy writes this file differently')
    raw[2864] = 244
    with open(path, 'wb') as f:
        f.write(raw)
    with pytest.raises(AnnotationError,
                       match=r'examples\.mat: not a readable \.mat file '
                       r'\((reading it crashed|\w+Error: )'):
        load_flic_examples(path)


def test_read_mat_survives_a_crashing_reader(tmp_path, monkeypatch):
    import os
    import signal

    import scipy.io

    from hg_plugin.utils.io import read_mat
    path = str(tmp_path / 'x.mat')
    savemat(path, {'a': np.ones(3)})
    np.testing.assert_array_equal(read_mat(path)['a'], np.ones((1, 3)))
    monkeypatch.setattr(scipy.io, 'loadmat', lambda p: os.kill(
        os.getpid(), signal.SIGSEGV))
    with pytest.raises(ValueError, match=r'x\.mat: not a readable \.mat '
                       r'file \(reading it crashed the MAT-file reader'):
        read_mat(path)


def test_sigma_too_narrow_for_float32_and_order_too_deep():
    # a sigma of 1e-38 would overflow float32 into NaN heatmaps; an order
    # of 61 would build 61 levels of 1x1 features
    import hg_plugin
    with pytest.raises(ValueError, match=r'sigma must be a finite number '
                       r'in \[0.01, 1000\], got 1e-38'):
        hg_plugin.GaussianHeatmap(input_size=(32, 32), heatmap_size=(8, 8),
                                  sigma=1e-38)
    enc = hg_plugin.GaussianHeatmap(
        input_size=(32, 32), heatmap_size=(8, 8), sigma=0.01).encode(
            np.array([[[10., 12.]]]))
    assert np.isfinite(enc['heatmaps']).all()
    assert enc['heatmaps'].max() == 1
    with pytest.raises(ValueError, match=r'order must be an int in '
                       r'\[1, 8\], got 9'):
        hg_plugin.StackedHourglass(order=9)


def test_a_damaged_zip64_end_record_is_named(tmp_path, runner_checkpoint):
    # zipfile.is_zipfile itself raises BadZipFile ("span multiple disks")
    # on a damaged zip64 end record
    good, _ = runner_checkpoint
    raw = bytearray(open(good, 'rb').read())
    end = raw.rindex(b'PK\x06\x07')  # the zip64 end-of-directory locator
    raw[end + 16:end + 20] = b'\x03\x00\x00\x00'  # "3 disks"
    path = tmp_path / 'epoch_2.pth'
    path.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match=r'epoch_2\.pth is damaged'):
        load_from_local(str(path))


def test_a_princeton_checkpoint_without_hourglass_keys_is_named(tmp_path):
    # inferring the order takes max() of the hourglass's levels: without
    # its keys, a bare ValueError of an empty sequence
    state = {k: v for k, v in random_state(SMALL).items()
             if not k.startswith('hgs.')}
    path = str(tmp_path / 'checkpoint.pt')
    save_princeton(path, state)
    with pytest.raises(CheckpointConversionError, match=r"checkpoint\.pt: "
                       r"no 'hgs\.0\.0\.\*up1\*' keys"):
        convert_file(path, 'princeton-vl')


def test_a_scalar_stem_weight_is_named(tmp_path):
    # the stem's channels are read off its weights' first dimension: a
    # scalar weight, a bare IndexError
    state = random_state(SMALL)
    state['pre.1.conv3.conv.weight'] = torch.tensor(1.)
    path = str(tmp_path / 'checkpoint.pt')
    save_princeton(path, state)
    with pytest.raises(CheckpointConversionError, match=r"checkpoint\.pt: "
                       r"'pre\.1\.conv3\.conv\.weight' has shape \(\), not "
                       'a princeton-vl convolution weight'):
        convert_file(path, 'princeton-vl')
