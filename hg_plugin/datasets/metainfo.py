"""Each dataset's joints, defined once, in mmpose's metainfo files under
``configs/_base_/datasets/``: names and order, flip pairs, skeleton, and
the groups of its PCK table (``mpii.py``, which inherits mmpose's MPII
metainfo, and ``flic.py``)."""
import copy
from functools import lru_cache

from mmengine.config import Config
from mmpose.datasets.datasets.utils import parse_pose_metainfo

from ..known_warnings import quiet_imports
from ..utils.configs import config_path

METAINFO_FILES = {name: config_path(f'_base_/datasets/{name}.py')
                  for name in ('mpii', 'flic')}


def dataset_metainfo(name: str) -> dict:
    """mmpose's parsed metainfo of ``'mpii'`` or ``'flic'``, with the PCK
    table's ``pck_groups`` (group name -> joint indices) and
    ``pck_mean_joints`` (the joints of its Mean).

    Raises:
        ValueError: An unknown dataset name.
    """
    if name not in METAINFO_FILES:
        raise ValueError(f'unknown dataset {name!r}; expected one of '
                         f'{sorted(METAINFO_FILES)}')
    return copy.deepcopy(_load(name))


@lru_cache(maxsize=None)
def _load(name: str) -> dict:
    path = METAINFO_FILES[name]
    with quiet_imports():  # mmengine resolves 'mmpose::' with pkg_resources
        meta = parse_pose_metainfo(dict(from_file=path))
        info = Config.fromfile(path).dataset_info
    ids = meta['keypoint_name2id']
    meta['pck_groups'] = {group: [ids[n] for n in names]
                          for group, names in info['pck_groups'].items()}
    meta['pck_mean_joints'] = [
        i for i in range(meta['num_keypoints'])
        if meta['keypoint_id2name'][i] not in info['pck_mean_excludes']]
    return meta


def joint_names(meta: dict) -> list:
    """The joint names of a parsed metainfo, in order."""
    return [meta['keypoint_id2name'][i] for i in range(meta['num_keypoints'])]
