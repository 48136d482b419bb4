"""Figures of a trained model on its validation set, for the demo.

    python tools/demo_report.py CONFIG CHECKPOINT --preds PREDS.json \
        --out-dir DIR [--train-log scalars.json] [--num-images 8]

writes into DIR: ``skeletons/<image>.png`` (predictions drawn by mmpose's
``PoseLocalVisualizer``) and ``skeletons.png`` (a grid of them),
``heatmaps.png`` (each joint's heatmap for one image), ``pck_curve.png``
(PCKh or PCK versus threshold, from PREDS.json of ``tools/test.py --dump``)
and ``loss_curve.png`` (from the training log). Prints the per-joint table.
"""
import argparse
import os
import os.path as osp

import cv2
import numpy as np
from mmengine.config import Config
from mmengine.dataset import Compose
from mmpose.apis import inference_topdown, init_model
from mmpose.registry import DATASETS, VISUALIZERS

from hg_plugin.datasets.metainfo import dataset_metainfo, joint_names
from hg_plugin.evaluation.functional import (CURVE_THRESHOLDS, flic_table,
                                             pckh_table)
from hg_plugin.evaluation.metrics.table import format_table
from hg_plugin.evaluation.prediction_files import load_predictions
from hg_plugin.known_warnings import silence_known_warnings
from hg_plugin.visualization import (heatmap_panel, plot_loss_curve,
                                     plot_pck_curves, read_scalars)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--preds', required=True,
                        help='json of tools/test.py --dump')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--train-log', help='vis_data/scalars.json')
    parser.add_argument('--num-images', type=int, default=8)
    return parser.parse_args()


def validation_people(cfg: Config) -> list:
    """The validation set's people, annotation only (no pipeline)."""
    ds_cfg = cfg.val_dataloader.dataset.copy()
    ds_cfg.pipeline = []
    dataset = DATASETS.build(ds_cfg)
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def draw_skeletons(model, cfg: Config, people: list, out_dir: str,
                   num: int) -> None:
    visualizer = VISUALIZERS.build(cfg.visualizer)
    visualizer.set_dataset_meta(model.dataset_meta)
    os.makedirs(osp.join(out_dir, 'skeletons'), exist_ok=True)
    tiles = []
    for info in people[:num]:
        (result, ) = inference_topdown(model, info['img_path'],
                                       bboxes=info['bbox'])
        img = cv2.cvtColor(cv2.imread(info['img_path']), cv2.COLOR_BGR2RGB)
        out = osp.join(out_dir, 'skeletons',
                       osp.splitext(osp.basename(info['img_path']))[0] +
                       '.png')
        drawn = visualizer.add_datasample(
            'result', img, result, draw_gt=False, draw_bbox=False,
            kpt_thr=0., show=False, out_file=out)
        tiles.append(cv2.resize(drawn, (256, 256)))
    while len(tiles) % 4:
        tiles.append(np.zeros_like(tiles[0]))
    grid = np.concatenate([np.concatenate(tiles[i:i + 4], 1)
                           for i in range(0, len(tiles), 4)], 0)
    cv2.imwrite(osp.join(out_dir, 'skeletons.png'),
                cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))


def draw_heatmaps(model, cfg: Config, info: dict, names, out_dir: str
                  ) -> None:
    model.test_cfg['output_heatmaps'] = True
    (result, ) = inference_topdown(model, info['img_path'],
                                   bboxes=info['bbox'])
    model.test_cfg['output_heatmaps'] = False
    # the crop the network saw: the validation pipeline up to the affine
    steps = [t for t in cfg.val_pipeline if t['type'] != 'PackPoseInputs']
    crop = Compose(steps)(dict(info, img_path=info['img_path']))['img']
    heatmap_panel(cv2.cvtColor(crop, cv2.COLOR_BGR2RGB),
                  result.pred_fields.heatmaps.cpu().numpy()
                  if hasattr(result.pred_fields.heatmaps, 'cpu') else
                  np.asarray(result.pred_fields.heatmaps), names,
                  osp.join(out_dir, 'heatmaps.png'))


def main() -> None:
    silence_known_warnings()
    args = parse_args()
    cfg = Config.fromfile(args.config)
    os.makedirs(args.out_dir, exist_ok=True)
    model = init_model(cfg, args.checkpoint, device='cpu')
    people = validation_people(cfg)
    names = joint_names(model.dataset_meta)

    gt = np.stack([p['keypoints'][0] for p in people])
    mask = np.stack([p['keypoints_visible'][0] for p in people]) >= 0.5
    dataset = model.dataset_meta['dataset_name']
    preds = load_predictions(args.preds, len(people), gt.shape[1],
                             dataset=dataset) - 1
    meta = dataset_metainfo(dataset)
    if dataset == 'mpii':
        head = np.array([p['head_size'].item() for p in people])
        table = pckh_table(preds, gt, mask, head, meta)
        key, ylabel, metric = 'PCKh@0.5', None, 'PCKh/Mean'
    else:
        torso = np.array([float(p['torso_size']) for p in people])
        table = flic_table(preds, gt, mask, torso, meta=meta)
        key, metric = 'PCK@0.2', 'PCK@0.2/Mean'
        ylabel = 'PCK, % (mean of all joints)'
    print(format_table({key: table[key]}, joint_names(meta)))
    kwargs = dict(ylabel=ylabel) if ylabel else {}
    plot_pck_curves({osp.basename(args.checkpoint): table},
                    CURVE_THRESHOLDS, osp.join(args.out_dir,
                                               'pck_curve.png'), **kwargs)
    if args.train_log:
        plot_loss_curve(read_scalars(args.train_log),
                        osp.join(args.out_dir, 'loss_curve.png'), metric)
    draw_skeletons(model, cfg, people, args.out_dir, args.num_images)
    draw_heatmaps(model, cfg, people[0], names, args.out_dir)
    print(f'figures written to {args.out_dir}')


if __name__ == '__main__':
    main()
