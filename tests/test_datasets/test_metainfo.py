import pytest

from hg_plugin.datasets.metainfo import dataset_metainfo


def test_each_caller_gets_its_own_metainfo():
    # the parsed file is cached; a caller that edits what it got (a nested
    # list included) must not change what the next caller gets
    first = dataset_metainfo('mpii')
    first['pck_groups']['Head'].append(0)
    first['flip_indices'][0] = -1
    again = dataset_metainfo('mpii')
    assert again['pck_groups']['Head'] == [9]  # head_top
    assert again['flip_indices'][0] == 5  # right_ankle <-> left_ankle
    with pytest.raises(ValueError, match=r"unknown dataset 'coco'; "
                       r"expected one of \['flic', 'mpii'\]"):
        dataset_metainfo('coco')
