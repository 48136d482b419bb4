"""Static int8 quantization of an exported model with onnxruntime's tools:
QDQ format, per-channel int8 weights, uint8 activations whose ranges are
calibrated on real crops. The ``hg_plugin`` metadata of the result says
``precision: int8`` and how it was calibrated, and ``hg_deploy`` runs it
unchanged."""
import contextlib
import logging
import os.path as osp
import tempfile
from typing import Dict, List, Optional, Sequence

import numpy as np

from hg_deploy import metadata

CALIBRATION_METHODS = ('minmax', 'percentile', 'entropy')


class _AxisWarnings(logging.Filter):

    def filter(self, record: logging.LogRecord) -> bool:
        return 'is out-of-range for weight' not in record.getMessage()


@contextlib.contextmanager
def _without_axis_warnings():
    """onnxruntime's quantizer warns on the root logger for each 1-D
    weight that it cannot scale per channel (every batch norm): expected
    here, and not the user's to act on."""
    quiet = _AxisWarnings()
    logging.getLogger().addFilter(quiet)
    try:
        yield
    finally:
        logging.getLogger().removeFilter(quiet)


def quantize_int8(fp32_file: str, output_file: str,
                  inputs: Sequence[np.ndarray], source: str,
                  method: str = 'minmax') -> Dict:
    """Write the int8 model of an exported fp32 model.

    Every convolution, addition, max pooling and upsampling runs in int8;
    the pre-activation batch norms of the residual modules (those that do
    not follow a convolution, into which the exporter folds the others)
    compute in float, as onnxruntime has no int8 batch norm: their inputs
    and outputs pass through int8, and their 1-D weights are stored in int8
    with one scale each (a vector has no channel axis to scale per channel;
    onnxruntime's "Axis 1 is out-of-range" warnings for them are dropped).

    Args:
        fp32_file (str): A model of ``export`` (any batch size).
        output_file (str): The int8 ``.onnx`` to write (atomically).
        inputs (sequence[np.ndarray]): Calibration inputs, each (N, 3, h,
            w) float32 as the network takes them (normalised crops).
        source (str): Where the calibration crops came from, recorded in
            the metadata.
        method (str): onnxruntime's calibration: ``'minmax'`` (of each
            activation, averaged over the calibration batches: the range
            of a typical crop rather than of the most extreme one),
            ``'percentile'`` or ``'entropy'``. Defaults to ``'minmax'``.

    Returns:
        dict: The new model's metadata settings.
    """
    import onnx
    from onnxruntime.quantization import (CalibrationDataReader,
                                          CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process
    if method not in CALIBRATION_METHODS:
        raise ValueError(f'calibration method must be one of '
                         f'{list(CALIBRATION_METHODS)}, got {method!r}')
    if not len(inputs):
        raise ValueError('int8 calibration needs at least one input')
    settings = metadata.read_file(fp32_file)
    name = onnx.load(fp32_file).graph.input[0].name

    class Reader(CalibrationDataReader):

        def __init__(self) -> None:
            self.batches = iter(inputs)

        def get_next(self) -> Optional[Dict[str, np.ndarray]]:
            batch = next(self.batches, None)
            return None if batch is None else {name: batch}

    with tempfile.TemporaryDirectory() as tmp, _without_axis_warnings():
        prepared = osp.join(tmp, 'prepared.onnx')
        quant_pre_process(fp32_file, prepared, skip_symbolic_shape=True)
        quantized = osp.join(tmp, 'int8.onnx')
        quantize_static(
            prepared, quantized, Reader(), quant_format=QuantFormat.QDQ,
            per_channel=True, activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            extra_options=dict(CalibMovingAverage=method == 'minmax'),
            calibrate_method={
                'minmax': CalibrationMethod.MinMax,
                'percentile': CalibrationMethod.Percentile,
                'entropy': CalibrationMethod.Entropy
            }[method])
        model = onnx.load(quantized)
    settings.update(
        precision='int8',
        calibration=dict(source=source,
                         images=int(sum(len(b) for b in inputs)),
                         method=method))
    from .onnx_export import write_model
    write_model(model, settings, output_file)
    return settings


def quantize_file(fp32_file: str, output_file: str, config: str,
                  calib_images: str, count: int = 64,
                  method: str = 'minmax') -> Dict:
    """:func:`quantize_int8` calibrated on ``count`` crops of
    ``calib_images``: a folder of images (each image one person,
    :func:`calibration_from_folder`) or a config whose validation people to
    use (:func:`calibration_from_config`); ``config`` is the model's."""
    if osp.isdir(calib_images):
        from hg_deploy import TopdownPipeline
        settings = metadata.read_file(fp32_file)
        inputs = calibration_from_folder(
            calib_images, TopdownPipeline(settings, network=None), count)
    elif calib_images.endswith('.py') and osp.isfile(calib_images):
        inputs = calibration_from_config(
            calib_images, count, metadata.read_file(fp32_file)['input_size'])
    else:
        raise FileNotFoundError(
            f'--calib-images {calib_images}: neither a folder of images nor '
            'a config file')
    return quantize_int8(fp32_file, output_file, inputs,
                         osp.basename(osp.normpath(calib_images)), method)


def calibration_from_folder(folder: str, pipeline, count: int
                            ) -> List[np.ndarray]:
    """Up to ``count`` images of a folder (evenly spread over its sorted
    images), each cropped whole as one person by ``pipeline`` (a
    ``hg_deploy.TopdownPipeline``), one (1, 3, h, w) input each."""
    from ..apis.inputs import image_files, list_inputs, spread
    _, files = list_inputs(folder)
    picks = [files[i] for i in spread(len(files), count)]
    return [pipeline.preprocess(img, [[0, 0, img.shape[1], img.shape[0]]])[0]
            for _, img in image_files(picks)]


def calibration_from_config(config: str, count: int,
                            input_size: Sequence[int]) -> List[np.ndarray]:
    """Up to ``count`` people of a config's validation set (evenly spread
    over it) through its test pipeline and data preprocessor, one (1, 3,
    h, w) input each.

    Raises:
        ValueError: The config crops another size than ``input_size``
            (w, h), the size of the model to calibrate.
    """
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpose.registry import DATASETS, MODELS

    from ..apis.inputs import spread
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    crop = [t.input_size for t in cfg.val_dataloader.dataset.pipeline
            if t.type == 'TopdownAffine']
    if not crop or list(crop[0]) != list(input_size):
        raise ValueError(
            f'--calib-images {config}: its test pipeline crops '
            f'{list(crop[0]) if crop else "nothing"}, the model takes '
            f'{list(input_size)} (w, h); calibrate on a folder of images')
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    pre = MODELS.build(cfg.model.data_preprocessor)
    out = []
    with torch.no_grad():
        for i in spread(len(dataset), count):
            item = dataset[i]
            data = pre(dict(inputs=[item['inputs']],
                            data_samples=[item['data_samples']]))
            out.append(data['inputs'].float().numpy())
    return out
