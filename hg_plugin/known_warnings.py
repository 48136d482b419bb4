"""Third-party warnings known to be harmless, in one place, with why.

The plugin's tools silence them (:func:`silence_known_warnings`), and the
plugin's own imports run with them silenced (:func:`quiet_imports`); no
error and no other warning is touched.
"""
import logging
import warnings
from contextlib import contextmanager

# (category, start of the message, why it is harmless)
KNOWN_HARMLESS = [
    (UserWarning, 'pkg_resources is deprecated as an API',
     "mmengine's get_installed_path imports pkg_resources when mmpose is "
     'imported; setuptools < 81 still has it (the set-up pins 80.9).'),
    (UserWarning, 'Use the existing "bbox_center" and "bbox_scale"',
     "mmpose's GetBBoxCenterScale says, for every person of a dataset that "
     "gives the box (all of mmpose's body datasets), that it applies its "
     'padding to that box, which is what the configs ask for.'),
    (UserWarning, 'The metainfo config file "configs/_base_/datasets/',
     "mmpose's datasets (CocoDataset, ...) name their metainfo file by its "
     "path in mmpose's own checkout; away from one, mmpose reads the same "
     'file from its installed copy, as the warning says.'),
]

# the start of an mmengine log message, why it is harmless
KNOWN_HARMLESS_LOGS = [
    ('Failed to search registry with scope "mmpose" in the "function"',
     "mmengine's inferencer looks mmpose up for a collate function; mmpose "
     "has no 'function' registry, and mmengine's pseudo_collate, which it "
     'falls back to, is the one mmpose uses.'),
]


class _LogFilter(logging.Filter):

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(message.startswith(m) for m, _ in KNOWN_HARMLESS_LOGS)


def _ignore() -> None:
    for category, message, _ in KNOWN_HARMLESS:
        warnings.filterwarnings('ignore', message=message, category=category)


def silence_known_warnings() -> None:
    """Ignore the known harmless warnings from now on (the tools call it;
    dataloader workers forked later inherit it), and their log messages in
    mmengine's current logger."""
    _ignore()
    from mmengine.logging import MMLogger
    logger = MMLogger.get_current_instance()
    if not any(isinstance(f, _LogFilter) for f in logger.filters):
        logger.addFilter(_LogFilter())


@contextmanager
def quiet_imports():
    """The known harmless warnings ignored while the block runs only."""
    with warnings.catch_warnings():
        _ignore()
        yield
