from typing import Sequence, Union

from mmpose.models.data_preprocessors import PoseDataPreprocessor
from mmpose.registry import MODELS


@MODELS.register_module()
class ScaledPoseDataPreprocessor(PoseDataPreprocessor):
    """``PoseDataPreprocessor`` that divides the image by ``divisor``
    before normalising: ``(x / divisor - mean) / std``.

    The PyTorch ports of the hourglass feed their networks ``img / 255``
    (princeton-vl/pytorch_stacked_hourglass) or ``img / 255 - mean``
    (bearpaw/pytorch-pose's ``color_normalize``). mmpose's
    ``(x - mean) / std`` describes the same map but rounds differently in
    float32; this is the ports' arithmetic, so that their converted weights
    see exactly the input they were trained on.

    Args:
        divisor (float): The image is divided by it first.
            Defaults to ``255.0``.
        mean (sequence[float]): Subtracted after the division.
        std (sequence[float]): Divided by after that.
        **kwargs: ``PoseDataPreprocessor``'s other arguments
            (``bgr_to_rgb``, ...).
    """

    def __init__(self,
                 divisor: float = 255.,
                 mean: Sequence[Union[float, int]] = (0., 0., 0.),
                 std: Sequence[Union[float, int]] = (1., 1., 1.),
                 **kwargs) -> None:
        super().__init__(mean=mean, std=std, **kwargs)
        if not divisor > 0:
            raise ValueError('ScaledPoseDataPreprocessor: divisor must be '
                             f'> 0, got {divisor}')
        self.divisor = float(divisor)

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)):
            inputs = [x.float() / self.divisor for x in inputs]
        else:
            inputs = inputs.float() / self.divisor
        return super().forward(dict(data, inputs=inputs), training)
