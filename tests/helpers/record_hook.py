"""A hook for tests: records which samples each rank trains and validates
on, to ``<work_dir>/samples_rank<r>.json``."""
import json
import os.path as osp

from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmpose.registry import HOOKS


@HOOKS.register_module()
class RecordSamplesHook(Hook):

    def before_run(self, runner) -> None:
        self.seen = dict(train=[], val=[])

    def _record(self, phase: str, data_batch) -> None:
        self.seen[phase] += [int(s.id) for s in data_batch['data_samples']]

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        self._record('train', data_batch)

    def after_val_iter(self, runner, batch_idx, data_batch=None,
                       outputs=None) -> None:
        self._record('val', data_batch)

    def after_run(self, runner) -> None:
        path = osp.join(runner.work_dir, f'samples_rank{get_rank()}.json')
        with open(path, 'w') as f:
            json.dump(self.seen, f)
