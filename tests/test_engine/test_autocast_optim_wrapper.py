"""``AutocastOptimWrapper`` and ``tools/train.py --amp``."""
import copy

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config

from hg_plugin.apis.runner import set_mixed_precision
from hg_plugin.engine import AutocastOptimWrapper


def test_forward_runs_in_bf16_and_the_step_updates_fp32_weights():
    torch.manual_seed(0)
    model = nn.Linear(8, 4)
    replay = copy.deepcopy(model)
    wrapper = AutocastOptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    x = torch.randn(5, 8)
    with wrapper.optim_context(model):
        out = model(x)
    assert out.dtype == torch.bfloat16
    assert model(x).dtype == torch.float32  # outside the context
    wrapper.update_params(out.float().square().mean())

    with torch.autocast('cpu', dtype=torch.bfloat16):
        replay_out = replay(x)
    replay_out.float().square().mean().backward()
    for mine, theirs in zip(model.parameters(), replay.parameters()):
        assert mine.dtype == torch.float32
        torch.testing.assert_close(mine.detach(),
                                   theirs.detach() - 0.1 * theirs.grad)
        assert not torch.equal(mine.detach(), theirs.detach())


def test_a_training_step_of_the_plugin_model_in_bf16(tmp_path):
    # what tools/train.py --amp runs on a CPU: the whole model's loss (the
    # head's accuracy included) under bf16 autocast, then an fp32 update
    from mmpose.registry import MODELS

    from tests.helpers.models import small_config
    from tests.test_configs import batch
    cfg = Config.fromfile(small_config(str(tmp_path / 'cfg.py')))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    inputs, samples = batch(cfg, n=2)
    fp32 = model(inputs, samples, mode='loss')
    before = copy.deepcopy(model.state_dict())
    wrapper = AutocastOptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    with wrapper.optim_context(model):
        bf16 = model(inputs, samples, mode='loss')
    torch.testing.assert_close(bf16['loss_kpt'].float(), fp32['loss_kpt'],
                               rtol=0.05, atol=0)
    assert 0 <= float(bf16['acc_pose']) <= 1
    wrapper.update_params(bf16['loss_kpt'])
    after = model.state_dict()
    assert all(after[k].dtype == v.dtype for k, v in before.items())
    key = 'backbone.stacks.1.heatmap.weight'  # the last stack's output
    assert not torch.equal(after[key], before[key])


@pytest.mark.parametrize('dtype', ['float99', 'nn', 3])
def test_unknown_dtype_is_refused(dtype):
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match='unknown dtype'):
        AutocastOptimWrapper(
            dtype=dtype, optimizer=torch.optim.SGD(model.parameters(), 0.1))


@pytest.fixture
def cfg():
    return Config(dict(optim_wrapper=dict(
        optimizer=dict(type='RMSprop', lr=2.5e-4))))


def test_amp_on_a_cpu_with_native_bf16(cfg, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr('hg_plugin.utils.cpu.native_bf16', lambda: True)
    set_mixed_precision(cfg)
    assert cfg.optim_wrapper.type == 'AutocastOptimWrapper'
    assert cfg.optim_wrapper.dtype == 'bfloat16'


def test_amp_on_a_gpu_is_fp16_with_loss_scaling(cfg, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    set_mixed_precision(cfg)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'


def test_amp_without_native_bf16_says_why(cfg, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr('hg_plugin.utils.cpu.native_bf16', lambda: False)
    with pytest.raises(ValueError, match='no native bf16'):
        set_mixed_precision(cfg)


def test_amp_refuses_another_optim_wrapper(cfg):
    cfg.optim_wrapper.type = 'ApexOptimWrapper'
    with pytest.raises(ValueError, match="'ApexOptimWrapper'"):
        set_mixed_precision(cfg)
