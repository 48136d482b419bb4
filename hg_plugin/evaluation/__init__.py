from .metrics import KeypointPredictionDump, PCKhMetric, TorsoPCKMetric

__all__ = ['KeypointPredictionDump', 'PCKhMetric', 'TorsoPCKMetric']
