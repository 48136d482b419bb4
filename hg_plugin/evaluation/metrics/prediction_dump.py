from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmpose.registry import METRICS

from ...utils.io import dump_json


@METRICS.register_module()
class KeypointPredictionDump(BaseMetric):
    """Write every person's predicted keypoints to a json file.

    mmengine's ``DumpResults`` writes a pickle of whole data samples; this
    writes what ``tools/eval_predictions.py`` reads, ordered by the dataset's
    instance id (so in annotation-file order, whatever the number of ranks)::

        {"dataset": "mpii", "coordinate_base": 0, "ids": [...],
         "img_paths": [...], "preds": N x K x 2, "scores": N x K}

    Coordinates are those of the dataset's joints (0-based for the
    plugin's converted files); ``dataset`` is the dataset's
    ``dataset_name``. The file is written atomically.

    Args:
        out_file (str): The json file to write.
        collect_device (str): Defaults to ``'cpu'``.
        prefix (str, optional): Defaults to ``None``.
    """

    default_prefix: Optional[str] = ''  # it reports no metric

    def __init__(self,
                 out_file: str,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not out_file.endswith('.json'):
            raise ValueError('KeypointPredictionDump: out_file must end in '
                             f'.json, got {out_file!r}')
        self.out_file = out_file

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            pred = sample['pred_instances']
            self.results.append(
                dict(
                    id=int(np.asarray(sample.get('id', -1)).reshape(-1)[0]),
                    img_path=sample.get('img_path', ''),
                    pred=np.asarray(pred['keypoints'])[0, :, :2].tolist(),
                    score=np.asarray(pred['keypoint_scores'])[0].tolist()))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        results = sorted(results, key=lambda r: r['id'])
        out = dict(
            dataset=(self.dataset_meta or {}).get('dataset_name'),
            coordinate_base=0,
            ids=[r['id'] for r in results],
            img_paths=[r['img_path'] for r in results],
            preds=[r['pred'] for r in results],
            scores=[r['score'] for r in results])
        dump_json(out, self.out_file)
        print_log(f'predictions of {len(results)} people written to '
                  f'{self.out_file}', logger='current')
        return {}
