import json

import numpy as np
import pytest

from hg_plugin.datasets import FlicDataset


def test_flic_records_become_mmpose_instances(tmp_path):
    # three people, two in one picture; the second without torso_size
    # gets it from its r_shoulder (3) to l_hip (6), here 3-4-5 = 50 px
    joints = np.zeros((11, 2))
    joints[3], joints[6] = (10., 20.), (40., 60.)
    records = [
        dict(image='a.jpg', center=[100., 50.], scale=1.5,
             joints=joints.tolist(), joints_vis=[1] * 10 + [0],
             torso_size=80.),
        dict(image='a.jpg', center=[200., 60.], scale=1.,
             joints=(joints + 1).tolist(), joints_vis=[1] * 11),
        dict(image='b.jpg', center=[30., 40.], scale=0.5,
             joints=joints.tolist(), joints_vis=[0] + [1] * 10,
             torso_size=70.),
    ]
    ann = tmp_path / 'flic.json'
    ann.write_text(json.dumps(records))
    ds = FlicDataset(ann_file=str(ann), data_prefix=dict(img='imgs/'),
                     test_mode=True, missing_image='ignore')
    assert len(ds) == 3
    a, b, c = (ds.get_data_info(i) for i in range(3))
    assert [a['id'], b['id'], c['id']] == [0, 1, 2]
    assert [a['img_id'], b['img_id'], c['img_id']] == [0, 0, 1]
    assert a['img_path'] == 'imgs/a.jpg' and c['img_path'] == 'imgs/b.jpg'
    # scale 1.5 -> a 300 px square around (100, 50)
    np.testing.assert_allclose(a['bbox_scale'], [[300., 300.]])
    np.testing.assert_allclose(a['bbox'], [[-50., -100., 250., 200.]])
    np.testing.assert_allclose(a['bbox_score'], [1.])
    assert a['bbox_score'].dtype == np.float32
    assert a['keypoints'].shape == (1, 11, 2)
    np.testing.assert_array_equal(a['keypoints_visible'],
                                  [[1] * 10 + [0]])
    assert a['keypoints_visible'].dtype == np.float32
    assert [a['torso_size'], b['torso_size'], c['torso_size']] == [
        80., pytest.approx(50.), 70.]
    np.testing.assert_allclose(a['area'], [300.**2 * 0.53], rtol=1e-6)
    assert a['category_id'] == 1
    # mmpose's float32 arrays throughout (CocoDataset's dtypes)
    for key in ('bbox_center', 'bbox_scale', 'bbox', 'keypoints', 'area'):
        assert a[key].dtype == np.float32, key
    # bottom-up: one entry a picture, its people together
    ds = FlicDataset(ann_file=str(ann), data_prefix=dict(img='imgs/'),
                     test_mode=True, missing_image='ignore',
                     data_mode='bottomup')
    assert len(ds) == 2
    first, second = ds.get_data_info(0), ds.get_data_info(1)
    assert (first['img_id'], first['img_path']) == (0, 'imgs/a.jpg')
    assert (second['img_id'], second['img_path']) == (1, 'imgs/b.jpg')
    assert first['keypoints'].shape == (2, 11, 2)
    np.testing.assert_array_equal(first['keypoints'][1], joints + 1)
    assert second['keypoints'].shape == (1, 11, 2)


def test_missing_images_are_an_error_by_default(tmp_path):
    ann = tmp_path / 'flic.json'
    ann.write_text(json.dumps([dict(
        image='a.jpg', center=[100., 50.], scale=1.5,
        joints=np.ones((11, 2)).tolist(), joints_vis=[1] * 11)]))
    with pytest.raises(FileNotFoundError, match=r"record 0: image "
                       r"'imgs/a\.jpg' does not exist \(set missing_image="
                       r"'skip'"):
        FlicDataset(ann_file=str(ann), data_prefix=dict(img='imgs/'))
    # the dataset's own arguments pass through, positional ones too
    ds = FlicDataset(str(ann), data_prefix=dict(img='imgs/'),
                     missing_image='ignore')
    assert ds.ann_file == str(ann) and len(ds) == 1
