"""tinytorch.compression: make a trained model smaller, and measure what it costs.

Module 22. Four ways to shrink a trained network, each reporting the bytes
of the saved file and the accuracy before and after (`compression_report`):

- Quantisation: weights stored as int8 (4x smaller) or packed int4 (8x),
  per-tensor or per-channel, symmetric or asymmetric, calibrated by
  min-max or percentile on sample batches (`calibrate`, `quantize_model`,
  `QuantizedLinear`, `QuantizedConv2d`). NumPy has no fast int8 product,
  so the layers compute in float32 from the int storage.
- Pruning: magnitude pruning, global or per layer, with fine-tuning
  (`magnitude_prune`, `fine_tune`); the pruned model stored sparse (CSR,
  `to_sparse`) so that the file really shrinks; structured pruning
  (`structured_prune`) that removes whole neurons and channels, leaving
  smaller dense layers that run faster.
- Low rank: a Linear factored by SVD into two thinner ones, the rank
  chosen by an energy threshold (`low_rank`, `LowRankLinear`).
- Distillation: a small student trained on a teacher's softened outputs
  (`distillation_loss`, `distill`).

Storage is one protocol: a module may define `compressed_state()` /
`load_compressed_state()`; `model_arrays` and `save_model` use it, so the
size a report prints is the size of a real file (`np.savez`, uncompressed).

    from tinytorch.compression import compression_report, quantize_model
    small = quantize_model(model, calibration_batches)
    print(compression_report("int8", model, small, evaluate=test_accuracy))
"""

from .__about__ import __version__
from .calibrate import calibrate
from .convert import quantize_model
from .csr import csr_from_dense, csr_matmul, csr_to_dense, index_dtype
from .distillation import distill, distillation_loss
from .finetune import accuracy, fine_tune, logits_of, prune_gradually
from .int4 import pack_int4, unpack_int4
from .low_rank import LowRankLinear, low_rank, rank_for_energy
from .pruning import Pruning, magnitude_prune
from .qparams import QuantizationError, QuantParams
from .quantize import dequantize, fake_quantize, quantize
from .quantized_conv import QuantizedConv2d
from .quantized_linear import QuantizedLinear
from .report import CompressionReport, compression_report
from .sparse import SparseConv2d, SparseLinear, to_sparse
from .storage import load_model_arrays, model_arrays, save_model, saved_bytes
from .structured import parameter_count, structured_prune, unit_norms

__all__ = [
    "CompressionReport",
    "LowRankLinear",
    "Pruning",
    "QuantParams",
    "QuantizationError",
    "QuantizedConv2d",
    "QuantizedLinear",
    "SparseConv2d",
    "SparseLinear",
    "__version__",
    "accuracy",
    "calibrate",
    "compression_report",
    "csr_from_dense",
    "csr_matmul",
    "csr_to_dense",
    "dequantize",
    "distill",
    "distillation_loss",
    "fake_quantize",
    "fine_tune",
    "index_dtype",
    "load_model_arrays",
    "logits_of",
    "low_rank",
    "magnitude_prune",
    "model_arrays",
    "pack_int4",
    "parameter_count",
    "prune_gradually",
    "quantize",
    "quantize_model",
    "rank_for_energy",
    "save_model",
    "saved_bytes",
    "structured_prune",
    "to_sparse",
    "unit_norms",
    "unpack_int4",
]
