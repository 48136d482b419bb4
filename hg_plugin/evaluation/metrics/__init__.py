from .pckh_metric import PCKhMetric
from .prediction_dump import KeypointPredictionDump
from .torso_pck_metric import TorsoPCKMetric

__all__ = ['KeypointPredictionDump', 'PCKhMetric', 'TorsoPCKMetric']
