"""COCO keypoints on the CPU: hg2_coco_synthetic.py, trained briefly on
synthetic pictures of several people, lifts OKS AP (xtcocotools, through
mmpose's CocoMetric on detected boxes) far above the untrained network's;
and hg2_coco.py's pipeline and metric on real COCO annotations give AP 1
for the ground truth itself."""
import json
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from tests.conftest import ROOT
from tests.helpers.trained import short_run_config

pytestmark = pytest.mark.slow


def coco_config(data: str, work_dir: str, epochs: int) -> Config:
    cfg = short_run_config('hg2_coco_synthetic.py', data, work_dir, epochs)
    cfg.model.backbone.feat_channels = 64  # the config's: 32 learn too slowly
    cfg.param_scheduler[0].T_max = epochs
    for loader in ('val_dataloader', 'test_dataloader'):
        if cfg[loader].dataset.get('bbox_file'):
            cfg[loader].dataset.bbox_file = osp.join(
                data, 'person_detection_results', 'detections_val2017.json')
    for evaluator in ('val_evaluator', 'test_evaluator'):
        cfg[evaluator].ann_file = osp.join(
            data, 'annotations', 'person_keypoints_val2017.json')
    return cfg


def test_oks_ap_rises(tmp_path):
    from hg_plugin.synthetic.coco import write_coco_split
    data = str(tmp_path / 'data')
    write_coco_split(data, 'train', 640, seed=30)
    write_coco_split(data, 'val', 20, seed=31, first_index=640,
                     det_file='person_detection_results/'
                     'detections_val2017.json')
    initial = Runner.from_cfg(coco_config(
        data, str(tmp_path / 'init'), 1)).val()['coco/AP']
    runner = Runner.from_cfg(coco_config(data, str(tmp_path / 'train'), 8))
    runner.train()
    final = runner.val()['coco/AP']
    assert initial < 0.005, initial
    assert final > max(5 * initial, 0.02), (initial, final)


def test_ground_truth_scores_ap_1_on_real_coco(shared_data, tmp_path):
    # mmpose's own COCO test pictures and annotations (four val2017
    # pictures, 14 people, 12 with keypoints) read by hg2_coco.py's
    # dataset and scored by its metric, each person's prediction its
    # ground truth
    from mmengine.evaluator import Evaluator
    from mmpose.registry import DATASETS
    coco = osp.join(shared_data, 'coco')
    ann_file = osp.join(coco, 'test_coco.json')
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'hg2_coco.py'))
    ds_cfg = cfg.val_dataloader.dataset
    ds_cfg.update(data_root=coco, ann_file='test_coco.json', bbox_file=None,
                  data_prefix=dict(img=''), pipeline=[])
    dataset = DATASETS.build(ds_cfg)
    # the people with keypoints (mmpose's CocoDataset skips the others)
    with open(ann_file) as f:
        people = [a for a in json.load(f)['annotations']
                  if max(a['keypoints']) > 0]
    assert len(dataset) == len(people) == 12
    assert dataset.metainfo['num_keypoints'] == 17
    evaluator = Evaluator(dict(cfg.val_evaluator, ann_file=ann_file,
                               outfile_prefix=str(tmp_path / 'res')))
    evaluator.dataset_meta = dataset.metainfo
    samples = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        x1, y1, x2, y2 = info['bbox'][0]
        samples.append(dict(
            id=info['id'], img_id=info['img_id'], category_id=1,
            gt_instances=dict(bbox_scales=np.array([[x2 - x1, y2 - y1]])),
            pred_instances=dict(keypoints=info['keypoints'],
                                keypoint_scores=np.ones((1, 17)))))
    evaluator.process(samples)
    metrics = evaluator.evaluate(len(samples))
    assert metrics['coco/AP'] == pytest.approx(1.0)
    assert metrics['coco/AR'] == pytest.approx(1.0)
    # a person's keypoints moved: that person no longer counts
    moved = samples[0]['pred_instances']['keypoints'] + 40
    samples[0]['pred_instances']['keypoints'] = moved
    evaluator.process(samples)
    assert evaluator.evaluate(len(samples))['coco/AP'] < 1.0
