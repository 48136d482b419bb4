import json
import re

import numpy as np
import pytest

from hg_plugin.datasets import AnnotationError, CheckedMpiiDataset, FlicDataset


def record(k=11, **changes):
    rec = dict(image='a.jpg', center=[50., 50.], scale=0.5,
               joints=[[10., 10.]] * k, joints_vis=[1] * k)
    rec.update(changes)
    return rec


def write(tmp_path, content, name='ann.json') -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else
                    json.dumps(content))
    return str(path)


def flic(path, **kwargs):
    kwargs.setdefault('missing_image', 'ignore')
    return FlicDataset(ann_file=path, test_mode=True, **kwargs)


def test_missing_annotation_file(tmp_path):
    path = str(tmp_path / 'nope.json')
    with pytest.raises(FileNotFoundError) as e:
        flic(path)
    assert str(e.value) == f'annotation file {path} does not exist'


@pytest.mark.parametrize('content,message', [
    ('{"not": "json', 'not a readable json file'),
    ({'images': []}, r'ann\.json: expected a json list of person records '
     r'\(mmpose MPII format\), got a dict$'),
    ([record(image='')], r"record 0: field 'image' must be a file name, "
     "got ''"),
    # joints_vis is 0 or 1 (annotated or not), not COCO's 0/1/2
    ([record(joints_vis=[1] * 10 + [2])], r"record 0: field 'joints_vis' has "
     r'2\.0 at \(10,\); expected a finite number in \[0, 1\]'),
    ([record(), 3], 'record 1 is a int, expected a dict'),
    ([record(), record(joints=[[1., 1.]] * 10)],
     r"record 1: field 'joints' has shape \(10, 2\), expected \(11, 2\)"),
    ([record(joints=[[1., 1.]] * 4 + [[float('nan'), 1.]] + [[1., 1.]] * 6)],
     r"record 0: field 'joints' has nan at \(4, 0\); expected a finite "
     r'number in \[-1e\+06, 1e\+06\]'),
    # the wording of hg_plugin/utils/checks.py, the one validation layer
    ([record(scale=-1)], r"record 0: field 'scale' must be a finite number "
     r'in \(0, 5000\], got -1'),
    ([record(), record(torso_size=0.)],
     r"record 1: field 'torso_size' must be a finite number in \(0, "),
    ([record(torso_size='12')],
     r"record 0: field 'torso_size' must be a finite number in \(0, .*'12'"),
    ([{k: v for k, v in record().items() if k != 'center'}],
     "record 0: missing field 'center'"),
])
def test_malformed_annotations_name_file_record_field(tmp_path, content,
                                                      message):
    path = write(tmp_path, content)
    with pytest.raises(AnnotationError, match=message) as e:
        flic(path)
    assert 'ann.json' in str(e.value)


def test_missing_images_error_or_skip_and_count(tmp_path, logged):
    (tmp_path / 'images').mkdir()
    (tmp_path / 'images' / 'there.jpg').write_bytes(b'x')
    path = write(tmp_path, [record(image='there.jpg'),
                            record(image='gone.jpg'),
                            record(image='gone.jpg'),
                            record(image='lost.jpg')])
    prefix = dict(img=str(tmp_path / 'images'))
    with pytest.raises(FileNotFoundError,
                       match=rf"^{re.escape(path)}: record 1: image "
                       "'.*gone.jpg' does not exist"):
        flic(path, data_prefix=prefix, missing_image='error')
    ds = flic(path, data_prefix=prefix, missing_image='skip')
    assert len(ds) == 1
    assert ds.get_data_info(0)['img_path'].endswith('there.jpg')
    assert f'{path}: skipped 3 of 4 people whose image is missing (2 image ' \
        'files)' in logged.text
    logged.clear()
    path = write(tmp_path, [record(image='there.jpg')])
    assert len(flic(path, data_prefix=prefix, missing_image='skip')) == 1
    assert 'skipped' not in logged.text
    with pytest.raises(ValueError, match="missing_image must be"):
        flic(path, data_prefix=prefix, missing_image='maybe')


def test_mpii_wrong_joint_count_and_headbox_count(tmp_path):
    from scipy.io import savemat
    path = write(tmp_path, [record(k=16, image='000000001.jpg'),
                            record(k=15, image='000000002.jpg')])
    with pytest.raises(AnnotationError, match=r"record 1: field 'joints' "
                       r'has shape \(15, 2\), expected \(16, 2\)'):
        CheckedMpiiDataset(ann_file=path, test_mode=True,
                           missing_image='ignore')
    path = write(tmp_path, [record(k=16, image='000000001.jpg')] * 2)
    boxes = str(tmp_path / 'hb.mat')
    savemat(boxes, {'headboxes_src': np.ones((2, 2, 3))})
    with pytest.raises(AnnotationError, match=r"hb\.mat: field "
                       r"'headboxes_src' has head boxes of 3 people, .*ann"
                       r'\.json has 2'):
        CheckedMpiiDataset(ann_file=path, headbox_file=boxes,
                           test_mode=True, missing_image='ignore')


def test_mpii_image_name_must_give_mmpose_its_image_id(tmp_path):
    # mmpose's MpiiDataset takes int() of the file name: a bare ValueError
    path = write(tmp_path, [record(k=16, image='000000001.jpg'),
                            record(k=16, image='p00000002.jpg')])
    with pytest.raises(AnnotationError, match=r"ann\.json: record 1: field "
                       r"'image' must be an MPII image name .*'p00000002"):
        CheckedMpiiDataset(ann_file=path, test_mode=True,
                           missing_image='ignore')


@pytest.mark.parametrize('size,refused', [
    (0.5, False), (3., False),  # any positive head size
    (0., True)])
def test_mpii_head_sizes_must_be_positive(tmp_path, size, refused):
    from scipy.io import savemat
    path = write(tmp_path, [record(k=16, image='000000001.jpg')] * 3)
    boxes = np.ones((2, 2, 3))  # corner 1 at (1, 1)
    boxes[1] = [[7., 1., 7.], [9., 1., 9.]]  # corner 2 at (7, 9): 10 px
    boxes[1, :, 1] = [1 + size * 0.6, 1 + size * 0.8]  # person 1: `size`
    hb = str(tmp_path / 'hb.mat')
    savemat(hb, {'headboxes_src': boxes})
    build = dict(ann_file=path, headbox_file=hb, test_mode=True,
                 missing_image='ignore')
    if not refused:
        ds = CheckedMpiiDataset(**build)
        # mmpose's head size: 0.6 x the diagonal
        np.testing.assert_allclose(
            [np.ravel(ds.get_data_info(i)['head_size']) for i in range(3)],
            np.array([[10.], [size], [10.]]) * 0.6, rtol=1e-6)
        return
    with pytest.raises(AnnotationError, match=r"hb\.mat: field "
                       rf"'headboxes_src' gives head size {size} for person "
                       '1$'):
        CheckedMpiiDataset(**build)


@pytest.mark.parametrize('value', [np.inf, np.nan])
def test_mpii_head_boxes_must_be_finite(tmp_path, value):
    from scipy.io import savemat
    path = write(tmp_path, [record(k=16, image='000000001.jpg')] * 2)
    boxes = np.ones((2, 2, 2))
    boxes[1, 0, 1] = value
    hb = str(tmp_path / 'hb.mat')
    savemat(hb, {'headboxes_src': boxes})
    with pytest.raises(AnnotationError, match=rf"hb\.mat: field "
                       rf"'headboxes_src' has {value} at \(1, 0, 1\); "
                       'expected a finite number'):
        CheckedMpiiDataset(ann_file=path, headbox_file=hb, test_mode=True,
                           missing_image='ignore')
