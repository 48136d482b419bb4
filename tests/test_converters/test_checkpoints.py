"""tools/model_converters/hourglass_to_mmpose.py on checkpoints laid out
as the two public PyTorch ports save them (key names, prefixes and
containers written here from their code; the ports themselves are not run
in the tests)."""
import os.path as osp
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from hg_plugin.converters.checkpoints import (CheckpointConversionError,
                                              convert_file)
from hg_plugin.utils.io import DamagedCheckpointError, UnsafeCheckpointError
from tests.conftest import ROOT

TOOL = osp.join(ROOT, 'tools', 'model_converters', 'hourglass_to_mmpose.py')


def _bn(out: dict, name: str, c: int) -> None:
    out.update({f'{name}.weight': (c, ), f'{name}.bias': (c, ),
                f'{name}.running_mean': (c, ), f'{name}.running_var': (c, ),
                f'{name}.num_batches_tracked': ()})


def _conv(out: dict, name: str, cin: int, cout: int, k: int = 1) -> None:
    out.update({f'{name}.weight': (cout, cin, k, k), f'{name}.bias': (cout, )})


def princeton_shapes(nstack: int, inp_dim: int = 32, oup_dim: int = 16
                     ) -> dict:
    """princeton-vl/pytorch_stacked_hourglass, models/posenet.py PoseNet and
    models/layers.py (Conv keeps its layer in ``.conv`` and ``.bn``;
    Residual always builds ``skip_layer``)."""
    out = {}

    def residual(name, cin, cout):
        _bn(out, f'{name}.bn1', cin)
        _conv(out, f'{name}.conv1.conv', cin, cout // 2)
        _bn(out, f'{name}.bn2', cout // 2)
        _conv(out, f'{name}.conv2.conv', cout // 2, cout // 2, 3)
        _bn(out, f'{name}.bn3', cout // 2)
        _conv(out, f'{name}.conv3.conv', cout // 2, cout)
        _conv(out, f'{name}.skip_layer.conv', cin, cout)

    def hourglass(name, n, f):
        residual(f'{name}.up1', f, f)
        residual(f'{name}.low1', f, f)
        if n > 1:
            hourglass(f'{name}.low2', n - 1, f)
        else:
            residual(f'{name}.low2', f, f)
        residual(f'{name}.low3', f, f)

    _conv(out, 'pre.0.conv', 3, 64, 7)
    _bn(out, 'pre.0.bn', 64)
    residual('pre.1', 64, 128)
    residual('pre.3', 128, 128)
    residual('pre.4', 128, inp_dim)
    for i in range(nstack):
        hourglass(f'hgs.{i}.0', 4, inp_dim)
        residual(f'features.{i}.0', inp_dim, inp_dim)
        _conv(out, f'features.{i}.1.conv', inp_dim, inp_dim)
        _bn(out, f'features.{i}.1.bn', inp_dim)
        _conv(out, f'outs.{i}.conv', inp_dim, oup_dim)
    for i in range(nstack - 1):
        # Merge(x_dim, y_dim) keeps a Conv in .conv, which keeps its own
        _conv(out, f'merge_features.{i}.conv.conv', inp_dim, inp_dim)
        _conv(out, f'merge_preds.{i}.conv.conv', oup_dim, inp_dim)
    return out


def bearpaw_shapes(num_stacks: int, num_blocks: int = 1,
                   num_classes: int = 16) -> dict:
    """bearpaw/pytorch-pose, pose/models/hourglass.py HourglassNet with
    Bottleneck (expansion 2): inplanes 64, num_feats 128."""
    out = {}

    def bottleneck(name, inplanes, planes, downsample):
        _bn(out, f'{name}.bn1', inplanes)
        _conv(out, f'{name}.conv1', inplanes, planes)
        _bn(out, f'{name}.bn2', planes)
        _conv(out, f'{name}.conv2', planes, planes, 3)
        _bn(out, f'{name}.bn3', planes)
        _conv(out, f'{name}.conv3', planes, planes * 2)
        if downsample:
            _conv(out, f'{name}.downsample.0', inplanes, planes * 2)

    _conv(out, 'conv1', 3, 64, 7)
    _bn(out, 'bn1', 64)
    bottleneck('layer1.0', 64, 64, True)  # 64 -> 128
    bottleneck('layer2.0', 128, 128, True)  # 128 -> 256
    bottleneck('layer3.0', 256, 128, False)  # 256 -> 256
    for i in range(num_stacks):
        for level in range(4):
            for k in range(4 if level == 0 else 3):
                for j in range(num_blocks):
                    bottleneck(f'hg.{i}.hg.{level}.{k}.{j}', 256, 128, False)
        for j in range(num_blocks):
            bottleneck(f'res.{i}.{j}', 256, 128, False)
        _conv(out, f'fc.{i}.0', 256, 256)
        _bn(out, f'fc.{i}.1', 256)
        _conv(out, f'score.{i}', 256, num_classes)
    for i in range(num_stacks - 1):
        _conv(out, f'fc_.{i}', 256, 256)
        _conv(out, f'score_.{i}', num_classes, 256)
    return out


def random_state(shapes: dict, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    return {k: torch.randint(0, 100, s, generator=g) if k.endswith(
        'num_batches_tracked') else torch.randn(s, generator=g)
            for k, s in shapes.items()}


def save_princeton(path, state: dict) -> None:
    """train.py's save_checkpoint of Trainer(DataParallel(PoseNet))."""
    params = [v for k, v in state.items() if 'running' not in k and
              v.dtype.is_floating_point]
    opt = torch.optim.Adam([torch.nn.Parameter(p.clone()) for p in params],
                           1e-3)
    torch.save({'state_dict': {'model.module.' + k: v
                               for k, v in state.items()},
                'optimizer': opt.state_dict(), 'epoch': 7}, path)


def save_bearpaw(path, state: dict) -> None:
    """example/main.py's save_checkpoint of DataParallel(HourglassNet)."""
    torch.save({'epoch': 3, 'arch': 'hg', 'best_acc': 0.8,
                'state_dict': {'module.' + k: v for k, v in state.items()},
                'optimizer': torch.optim.RMSprop(
                    [torch.nn.Parameter(torch.zeros(2))]).state_dict()},
               path)


def check_identity(src: dict, converted: dict, expected_pairs: dict
                   ) -> None:
    """Every converted tensor is one source tensor, unchanged; the named
    pairs are where the references' code puts them."""
    by_bytes = {}
    for k, v in src.items():
        if v.dtype.is_floating_point:
            by_bytes.setdefault(v.numpy().tobytes(), []).append(k)
    used = []
    for k, v in converted.items():
        if k.endswith('num_batches_tracked'):
            continue
        (origin, ) = by_bytes[v.numpy().tobytes()]
        used.append(origin)
    assert len(used) == len(set(used))
    for ours, theirs in expected_pairs.items():
        torch.testing.assert_close(converted['backbone.' + ours],
                                   src[theirs], rtol=0, atol=0)


@pytest.mark.parametrize('nstack', [2, 8])
def test_princeton_checkpoint(tmp_path, nstack):
    src = random_state(princeton_shapes(nstack), seed=nstack)
    path = str(tmp_path / 'checkpoint.pt')
    save_princeton(path, src)
    converted, source, arch = convert_file(path)
    assert source == 'princeton-vl'
    assert arch == dict(num_stacks=nstack, num_keypoints=16, feat_channels=32,
                        stem_channels=(64, 128, 128), num_residual_modules=1,
                        order=4)
    # the identity residuals' skip layers, and only those, are dropped
    skips = [k for k in src if 'skip_layer' in k]
    # kept: pre.1 (64 -> 128) and pre.4 (128 -> 32), weight and bias
    assert len(converted) == len(src) - len(skips) + 4
    check_identity(src, converted, {
        'stem.0.weight': 'pre.0.conv.weight',
        'stem.1.running_var': 'pre.0.bn.running_var',
        'stem.3.skip.weight': 'pre.1.skip_layer.conv.weight',
        'stem.3.conv_block.5.weight': 'pre.1.conv2.conv.weight',
        'stacks.0.hourglass.low2.low2.low2.low2.0.conv_block.0.bias':
        'hgs.0.0.low2.low2.low2.low2.bn1.bias',
        f'stacks.{nstack - 1}.hourglass.up1.0.conv_block.8.weight':
        f'hgs.{nstack - 1}.0.up1.conv3.conv.weight',
        'stacks.0.linear.1.weight': 'features.0.1.bn.weight',
        'stacks.1.heatmap.weight': 'outs.1.conv.weight',
        'stacks.0.remap_heatmaps.weight': 'merge_preds.0.conv.conv.weight',
    })


@pytest.mark.parametrize('stacks,blocks', [(1, 1), (2, 1), (2, 2)])
def test_bearpaw_checkpoint_and_plain_state_dict(tmp_path, stacks, blocks):
    src = random_state(bearpaw_shapes(stacks, blocks), seed=stacks)
    full, plain = str(tmp_path / 'model_best.pth.tar'), str(
        tmp_path / 'bearpaw_hg.pth')
    save_bearpaw(full, src)
    torch.save(src, plain)  # anibali's republished state dicts
    a, source, arch = convert_file(full)
    b, _, _ = convert_file(plain)
    assert source == 'bearpaw'
    assert arch == dict(num_stacks=stacks, num_keypoints=16,
                        feat_channels=256, stem_channels=(64, 128, 256),
                        num_residual_modules=blocks, order=4)
    assert a.keys() == b.keys()
    last = blocks - 1
    check_identity(src, a, {
        'stem.0.bias': 'conv1.bias',
        'stem.5.skip.weight': 'layer2.0.downsample.0.weight',
        'stem.6.conv_block.2.weight': 'layer3.0.conv1.weight',
        # hg[n - 1] is the level of order n: the outermost is hg[3]
        f'stacks.0.hourglass.up1.{last}.conv_block.3.weight':
        f'hg.0.hg.3.0.{last}.bn2.weight',
        'stacks.0.hourglass.low1.0.conv_block.8.bias':
        'hg.0.hg.3.1.0.conv3.bias',
        'stacks.0.hourglass.low3.0.conv_block.8.bias':
        'hg.0.hg.3.2.0.conv3.bias',
        'stacks.0.hourglass.low2.low2.low2.low2.0.conv_block.5.weight':
        'hg.0.hg.0.3.0.conv2.weight',
        f'stacks.0.residuals.{last}.conv_block.6.running_mean':
        f'res.0.{last}.bn3.running_mean',
        'stacks.0.linear.0.weight': 'fc.0.0.weight',
        'stacks.0.heatmap.bias': 'score.0.bias',
    })
    if stacks > 1:
        check_identity(src, a, {'stacks.0.remap_features.weight':
                                'fc_.0.weight',
                                'stacks.0.remap_heatmaps.weight':
                                'score_.0.weight'})


def run_tool(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True,
                          text=True, cwd=ROOT)


@pytest.mark.slow  # runs the tool in a child process
def test_tool_writes_an_mmpose_checkpoint_that_init_model_loads(tmp_path):
    from mmpose.apis import init_model
    src = random_state(bearpaw_shapes(2), seed=5)
    path = str(tmp_path / 'model_best.pth.tar')
    save_bearpaw(path, src)
    dst = str(tmp_path / 'hg2_bearpaw.pth')
    proc = run_tool(path, dst)
    assert proc.returncode == 0, proc.stderr
    cfg = osp.join(ROOT, 'configs', 'pretrained', 'hg2_mpii_bearpaw.py')
    model = init_model(cfg, dst, device='cpu')
    state = model.state_dict()
    torch.testing.assert_close(state['backbone.stacks.1.heatmap.weight'],
                               src['score.1.weight'], rtol=0, atol=0)
    assert model.dataset_meta['dataset_name'] == 'mpii'
    assert model.dataset_meta['keypoint_id2name'][9] == 'head_top'
    assert model.dataset_meta['flip_indices'][0] == 5
    ckpt = torch.load(dst, weights_only=True)
    assert ckpt['meta']['converted_from']['source'] == 'bearpaw'


BEARPAW_1 = ('num_stacks=1, num_keypoints=16, feat_channels=256, '
             'stem_channels=(64, 128, 256), num_residual_modules=1, order=4')


@pytest.mark.parametrize('mutate,message', [
    (lambda s: s.pop('layer3.0.conv1.weight'),
     r"bad\.pth: not the bearpaw network it looks like \(" +
     re.escape(BEARPAW_1) +
     r"\): 1 missing keys \['layer3\.0\.conv1\.weight'\], 0 unexpected keys "
     r'\[\]$'),
    # every missing key counted, the first four named
    (lambda s: [s.pop(k) for k in ('layer3.0.conv1.weight', 'fc.0.0.weight',
                                   'score.0.bias')],
     r"3 missing keys \['layer3\.0\.conv1\.weight', 'fc\.0\.0\.weight', "
     r"'score\.0\.bias'\], 0 unexpected"),
    (lambda s: s.update(extra=torch.zeros(1)),
     r"0 missing keys \[\], 1 unexpected keys \['extra'\]$"),
    (lambda s: s.update({'res.0.0.conv2.weight': torch.zeros(
        128, 128, 1, 1)}),
     r"'res.0.0.conv2.weight' has shape \(128, 128, 1, 1\), the plugin's "
     r"'stacks.0.residuals.0.conv_block.5.weight' needs \(128, 128, 3, 3\)"),
])
def test_wrong_networks_are_refused(tmp_path, mutate, message):
    src = random_state(bearpaw_shapes(1))
    mutate(src)
    path = str(tmp_path / 'bad.pth')
    torch.save(src, path)
    with pytest.raises(CheckpointConversionError, match=message):
        convert_file(path)


@pytest.mark.slow  # runs the tool in a child process
def test_the_tool_refuses_without_output(tmp_path):
    src = random_state(bearpaw_shapes(1))
    src.pop('layer3.0.conv1.weight')
    path, dst = str(tmp_path / 'bad.pth'), str(tmp_path / 'out.pth')
    torch.save(src, path)
    proc = run_tool(path, dst)
    assert proc.returncode == 1 and 'bad.pth' in proc.stderr
    assert not osp.exists(dst)


def test_checkpoints_of_torch_before_0_4_1_have_no_batch_counts(tmp_path):
    # torch < 0.4.1 saved batch norms without num_batches_tracked: each
    # gets a zero count, everything else converts
    src = random_state(bearpaw_shapes(1))
    old = {k: v for k, v in src.items()
           if not k.endswith('num_batches_tracked')}
    path = str(tmp_path / 'old.pth')
    torch.save(old, path)
    converted, _, _ = convert_file(path)
    counts = [k for k in converted if k.endswith('num_batches_tracked')]
    assert len(counts) == len(src) - len(old) > 0
    assert all(converted[k].item() == 0 for k in counts)
    assert converted['backbone.stem.1.num_batches_tracked'].dtype == \
        torch.int64
    torch.testing.assert_close(converted['backbone.stem.0.weight'],
                               src['conv1.weight'], rtol=0, atol=0)


def test_the_functions_name_a_checkpoint_by_default():
    from hg_plugin.converters.checkpoints import (convert_state_dict,
                                                  detect_source, key_map)
    with pytest.raises(CheckpointConversionError,
                       match=r'^checkpoint: neither a princeton-vl'):
        detect_source({'fc.weight': torch.zeros(1)})
    # a module of the plugin that the key map does not know is missing
    # under a name no source has
    arch = dict(num_stacks=1, num_keypoints=16, feat_channels=256,
                stem_channels=(64, 128, 256), num_residual_modules=1,
                order=4)
    with pytest.raises(CheckpointConversionError,
                       match=r"^checkpoint: not the bearpaw network .*"
                       r"1 missing keys \['\?extra\.weight'\]"):
        convert_state_dict({}, 'bearpaw',
                           {'extra.weight': torch.zeros(1)}, arch)
    # the paper's network by default: order 4, one residual module a site
    keys = key_map('bearpaw', 1)
    assert keys['stacks.0.hourglass.low2.low2.low2.low2.0.conv_block.0'] \
        == 'hg.0.hg.0.3.0.bn1'
    assert 'stacks.0.hourglass.low2.low2.low2.low2.low2.0.conv_block.0' \
        not in keys
    assert 'stacks.0.residuals.1.conv_block.0' not in keys


def test_another_network_is_named(tmp_path):
    path = str(tmp_path / 'resnet.pth')
    torch.save({'fc.weight': torch.zeros(2, 2)}, path)
    with pytest.raises(CheckpointConversionError,
                       match=r'resnet\.pth: neither a princeton-vl'):
        convert_file(path)


class Payload:

    def __reduce__(self):
        return (print, ('executed',))


def test_unsafe_pickle_is_refused_naming_the_global(tmp_path, capsys):
    path = str(tmp_path / 'evil.pth')
    src = random_state(bearpaw_shapes(1))
    torch.save({'state_dict': src, 'x': Payload()}, path)
    # the plugin's one safe loader (hg_plugin.utils.io.load_torch_file),
    # shared with mmengine's checkpoint loading, names file and global
    with pytest.raises(UnsafeCheckpointError,
                       match=r"evil\.pth refers to \['builtins\.print'\]"):
        convert_file(path)
    assert 'executed' not in capsys.readouterr().out


@pytest.mark.parametrize('cut', [0.0, 0.3, 0.9])
def test_truncated_and_garbage_files(tmp_path, cut):
    path = str(tmp_path / 'cut.pth')
    save_bearpaw(path, random_state(bearpaw_shapes(1)))
    data = open(path, 'rb').read()
    with open(path, 'wb') as f:
        f.write(data[:int(len(data) * cut)] if cut else b'\x00garbage')
    # a cut zip archive is refused before torch reads it; bytes that are
    # no torch file at all get torch's reason
    why = (r'is damaged or not a torch file \(Unsupported operand 0\)$'
           if not cut else r'is damaged \(not a complete zip archive\)$')
    with pytest.raises(DamagedCheckpointError,
                       match=rf'^checkpoint .*cut\.pth {why}'):
        convert_file(path)
    nope = str(tmp_path / 'nope.pth')
    with pytest.raises(FileNotFoundError) as e:
        convert_file(nope)
    assert str(e.value) == f'checkpoint {nope} does not exist'


def test_a_zip_that_is_not_a_checkpoint_gets_torchs_reason(tmp_path):
    import zipfile
    path = str(tmp_path / 'notes.pth')
    with zipfile.ZipFile(path, 'w') as z:
        z.writestr('notes.txt', 'not a checkpoint')
    with pytest.raises(DamagedCheckpointError,
                       match=r'notes\.pth is damaged or not a torch file '
                       r'\(RuntimeError: .*not in a subdirectory: '
                       r'notes\.txt\)$'):
        convert_file(path)


def test_an_unsafe_legacy_checkpoint_is_named_too(tmp_path, capsys):
    # torch's format before 1.6 (not a zip): the globals are read from
    # torch's refusal, as torch names them (a builtin without its module)
    path = str(tmp_path / 'legacy.pth')
    torch.save({'x': Payload()}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(UnsafeCheckpointError,
                       match=r"legacy\.pth refers to \['print'\], which "):
        convert_file(path)
    assert 'executed' not in capsys.readouterr().out


def test_preprocessors_feed_what_the_references_feed():
    # princeton-vl: cv2.imread(path)[:, :, ::-1] / 255 (test.py; dp.py
    # divides float32 by 255); bearpaw: RGB / 255 minus the mean
    # (im_to_torch, color_normalize): every uint8 value, every channel
    from mmengine.config import Config
    from mmpose.registry import MODELS
    from mmpose.structures import PoseDataSample
    values = np.arange(256)
    img = np.stack([values, values[::-1], values * 7 % 256],
                   -1)[None].astype(np.uint8)
    bgr = torch.from_numpy(img).permute(2, 0, 1)  # (3, 1, 256), BGR
    rgb = img[..., ::-1].astype(np.float32)
    for name, expected in (
            ('hg2_mpii_princeton.py', rgb / np.float32(255)),
            ('hg2_mpii_bearpaw.py', rgb / np.float32(255) - np.array(
                [0.4404, 0.4440, 0.4327], np.float32))):
        cfg = Config.fromfile(osp.join(ROOT, 'configs', 'pretrained', name))
        pre = MODELS.build(cfg.model.data_preprocessor)
        out = pre(dict(inputs=[bgr], data_samples=[PoseDataSample()]))
        got = out['inputs'][0].permute(1, 2, 0).numpy()
        np.testing.assert_array_equal(got, expected.astype(np.float32))
    # princeton's test.py divides in float64, then torch takes float32:
    # the same numbers for every uint8 value
    np.testing.assert_array_equal(
        (values / 255).astype(np.float32), values.astype(np.float32) /
        np.float32(255))


@pytest.mark.slow
def test_fine_tuning_from_a_converted_checkpoint(tmp_path, synthetic_root):
    from tests.helpers.configs import mpii_test_config
    src = random_state(princeton_shapes(2, inp_dim=32), seed=1)
    path = str(tmp_path / 'checkpoint.pt')
    save_princeton(path, src)
    dst = str(tmp_path / 'converted.pth')
    assert run_tool(path, dst).returncode == 0
    # the helper's network: 2 stacks of 32 features, hg.lua's stem
    cfg = mpii_test_config(
        str(tmp_path / 'cfg.py'), synthetic_root,
        extra=f'load_from = {dst!r}\n')
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'train.py'), cfg,
         '--work-dir', str(tmp_path / 'work')], capture_output=True,
        text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'Load checkpoint from' in proc.stdout + proc.stderr
    losses = [float(line.split('loss: ')[1].split()[0])
              for line in (proc.stdout + proc.stderr).splitlines()
              if 'loss: ' in line]
    assert losses and all(np.isfinite(losses))


def test_state_dict_layouts_and_prefixes(tmp_path):
    from hg_plugin.converters.checkpoints import (infer_architecture,
                                                  read_state_dict,
                                                  strip_prefix)
    path = str(tmp_path / 'mixed.pth')
    torch.save({'state_dict': {'a': torch.zeros(1), 'b': 3}}, path)
    with pytest.raises(CheckpointConversionError,
                       match=r'mixed\.pth: holds no state dict of tensors'):
        read_state_dict(path)
    # only the keys that carry the prefix lose it
    state = {'module.conv1.weight': 1, 'module.bn1.bias': 2, 'extra': 3}
    assert strip_prefix(state, 'bearpaw') == {
        'conv1.weight': 1, 'bn1.bias': 2, 'extra': 3}
    with pytest.raises(CheckpointConversionError,
                       match=r"^checkpoint: no 'score\.0\.weight': not a "
                       'complete bearpaw network'):
        infer_architecture({}, 'bearpaw')


def test_what_the_expected_network_lacks_is_unexpected_and_named_four():
    from hg_plugin.converters.checkpoints import convert_state_dict
    from hg_plugin.models import StackedHourglass
    arch = dict(num_stacks=1, num_keypoints=16, feat_channels=256,
                stem_channels=(64, 128, 256), num_residual_modules=1,
                order=4)
    src = random_state(bearpaw_shapes(1))
    expected = StackedHourglass(**arch).state_dict()
    # a network without its heatmap layer: score.0's tensors are left over
    lacking = {k: v for k, v in expected.items()
               if not k.startswith('stacks.0.heatmap.')}
    with pytest.raises(CheckpointConversionError,
                       match=r"0 missing keys \[\], 2 unexpected keys "
                       r"\['score\.0\.bias', 'score\.0\.weight'\]$"):
        convert_state_dict(src, 'bearpaw', lacking, arch)
    # five of each: the count, and the first four named
    extra = {f'extra{i}': torch.zeros(1) for i in range(5)}
    gone = [k for k in sorted(src)  # a missing batch count is filled
            if not k.endswith('num_batches_tracked')][:5]
    with pytest.raises(CheckpointConversionError) as e:
        convert_state_dict({k: v for k, v in {**src, **extra}.items()
                            if k not in gone}, 'bearpaw', expected, arch)
    message = str(e.value)
    assert re.search(r'5 missing keys \[(\'[^\']+\', ){3}\'[^\']+\'\], 5 '
                     r"unexpected keys \['extra0', 'extra1', 'extra2', "
                     r"'extra3'\]$", message), message
