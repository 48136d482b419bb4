import os

import torch
import torch.distributed as dist
from mmengine.config import Config


def prepare_cpu_distributed(cfg: Config) -> bool:
    """Make ``launcher='pytorch'`` work on machines without a GPU.

    mmengine 0.10.7's ``init_dist('pytorch')`` calls
    ``torch.cuda.set_device(local_rank)`` whatever the backend, which raises
    on a CUDA build of torch without a driver. Where no GPU is visible this
    initialises the process group with gloo from torchrun's environment
    (the Runner then skips its own ``init_dist``) and wraps the model in
    ``MMDistributedDataParallel`` without device ids.

    Returns:
        bool: Whether a CPU process group was set up.
    """
    if cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available():
        return False
    if not dist.is_initialized():
        dist.init_process_group(
            backend='gloo',
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']))
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel')
    wrapper.update(device_ids=None, broadcast_buffers=False)
    cfg.model_wrapper_cfg = wrapper
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = \
        'gloo'
    return True
