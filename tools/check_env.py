"""Print the versions of the stack and check that it works together.

    python tools/check_env.py

Checks that mmcv's compiled ops, mmpose.models, torchvision and xtcocotools
import, and that a checkpoint saved the way mmengine's runner saves it loads
back through mmengine (torch >= 2.6's weights_only default). Exits 1 on the
first failure, naming it.
"""
import importlib
import os.path as osp
import sys
import tempfile
import traceback


def check(name: str, func) -> bool:
    try:
        detail = func()
    except Exception:
        print(f'FAIL  {name}')
        traceback.print_exc()
        return False
    print(f'ok    {name}' + (f': {detail}' if detail else ''))
    return True


def versions() -> str:
    out = []
    for mod in ('torch', 'torchvision', 'mmengine', 'mmcv', 'mmdet',
                'mmpose', 'numpy', 'cv2', 'xtcocotools', 'hg_plugin'):
        try:
            m = importlib.import_module(mod)
            out.append(f'{mod} {getattr(m, "__version__", "?")}')
        except Exception as e:  # reported by the import checks below
            out.append(f'{mod} MISSING ({type(e).__name__})')
    return ', '.join(out)


def mmcv_ops() -> str:
    import torch
    from mmcv.ops import nms
    boxes = torch.tensor([[0., 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]])
    _, keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7]), 0.5)
    assert keep.tolist() == [0, 2], keep
    return 'mmcv._ext compiled ops run (nms)'


def checkpoint_round_trip() -> str:
    import numpy as np
    import torch
    from mmengine.logging import MessageHub
    from mmengine.runner.checkpoint import load_checkpoint, save_checkpoint

    import hg_plugin  # noqa: F401  (allowlist for mmengine checkpoints)
    hub = MessageHub.get_instance('check_env')
    hub.update_scalar('train/loss', 0.5)
    model = torch.nn.Linear(2, 2)
    ckpt = dict(
        meta=dict(epoch=1, message_hub=hub.state_dict(),
                  dataset_meta=dict(sigmas=np.ones(3, np.float32)),
                  seed=np.int64(0)),
        state_dict=model.state_dict())
    with tempfile.TemporaryDirectory() as tmp:
        path = osp.join(tmp, 'epoch_1.pth')
        save_checkpoint(ckpt, path)
        loaded = load_checkpoint(torch.nn.Linear(2, 2), path)
    assert loaded['meta']['epoch'] == 1
    return 'saved and loaded with weights_only=True'


def main() -> int:
    print(f'python {sys.version.split()[0]} at {sys.executable}')
    ok = check('versions', versions)
    for mod in ('mmcv.ops', 'mmpose.models', 'torchvision',
                'xtcocotools.coco', 'hg_plugin'):
        ok &= check(f'import {mod}', lambda m=mod: importlib.import_module(m)
                    and None)
    ok &= check('mmcv compiled ops', mmcv_ops)
    ok &= check('mmengine checkpoint round trip', checkpoint_round_trip)
    print('environment OK' if ok else 'environment BROKEN: see FAIL above')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
