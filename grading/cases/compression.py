"""Differential cases of tt-compression (module 22): quantisation (calibrate, quantize,
dequantize, int4 packing, quantised layers, quantize_model, storage) and pruning, low rank
and distillation.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body. Quantisation codes are integers, so they must match exactly;
scales and outputs in float32 get a float32 tolerance. Sizes are compared as
the byte counts of the arrays a model saves (`model_arrays`), not of files
(zip headers are NumPy's business). Public API only.
"""

import itertools

import numpy as np


def _mlp(rng, sizes=(12, 16, 5)):
    """Linear/ReLU stack in float32 with weights N(0, 1/fan_in) and biases N(0, 0.1^2) from rng."""
    from tinytorch.activations import ReLU
    from tinytorch.layers import Linear, Sequential

    layers = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        lin = Linear(a, b)
        lin.weight.data[...] = rng.standard_normal((b, a)) / np.sqrt(a)
        lin.bias.data[...] = 0.1 * rng.standard_normal(b)
        layers += [lin] + ([ReLU()] if i < len(sizes) - 2 else [])
    return Sequential(*layers)


def _params(p):
    return {"scale": p.scale, "zero_point": p.zero_point, "qmin": np.array(p.qmin),
            "qmax": np.array(p.qmax)}


def case_calibrate_symmetric_asymmetric_per_tensor_and_channel(rng):
    """calibrate of a (4, 7) float32 array: symmetric and asymmetric, per-tensor and axis 0/1."""
    from tinytorch.compression import calibrate

    x = rng.normal(0.3, 2.0, size=(4, 7)).astype(np.float32)
    out = {}
    for sym in (True, False):
        for axis in (None, 0, 1):
            for key, value in _params(calibrate(x, symmetric=sym, axis=axis)).items():
                out[f"{sym}_{axis}_{key}"] = value
    return out


def case_quantize_dequantize_8_and_4_bits(rng):
    """quantize and dequantize round trip of a (3, 5, 4) array, 8 and 4 bits, per channel."""
    from tinytorch.compression import calibrate, dequantize, quantize

    x = rng.normal(size=(3, 5, 4)).astype(np.float32)
    out = {}
    for bits in (8, 4):
        for sym in (True, False):
            p = calibrate(x, bits=bits, symmetric=sym, axis=1)
            q = quantize(x, p)
            out[f"codes{bits}{sym}"] = q.astype(np.int64)
            out[f"back{bits}{sym}"] = dequantize(q, p)
    return out


def case_codes_by_hand_ties_to_even(rng):
    """Codes of [-127, -2.5, 0.4, 3.5, 127] (scale 1: ties go to even) and of [0, 1.5, 255]
    asymmetric (scale 1, zero point -128)."""
    from tinytorch.compression import calibrate, quantize

    a = np.array([-127.0, -2.5, 0.4, 3.5, 127.0], np.float32)
    b = np.array([0.0, 1.5, 255.0], np.float32)
    return {"sym": quantize(a, calibrate(a)).astype(np.int64),
            "asym": quantize(b, calibrate(b, symmetric=False)).astype(np.int64)}


def case_constant_tensors_round_trip_exactly(rng):
    """All-zero, single-value and constant tensors: positive scale, exact round trip."""
    from tinytorch.compression import calibrate, fake_quantize

    out = {}
    for i, x in enumerate([np.zeros((3, 4), np.float32), np.array([2.5], np.float32),
                           np.full((2, 3), -0.37, np.float32)]):
        for sym in (True, False):
            p = calibrate(x, symmetric=sym, bits=4)
            out[f"scale{i}{sym}"] = p.scale
            out[f"back{i}{sym}"] = fake_quantize(x, p)
    return out


def case_percentile_calibration_clips_an_outlier(rng):
    """Percentile 99 against min-max on normal data with one outlier of 100."""
    from tinytorch.compression import calibrate, fake_quantize

    x = rng.normal(size=2000).astype(np.float32)
    x[5] = 100.0
    out = {}
    for sym in (True, False):
        p = calibrate(x, symmetric=sym, method="percentile", percentile=99.0)
        out.update({f"{sym}_{k}": v for k, v in _params(p).items()})
        out[f"{sym}_back"] = fake_quantize(x[:50], p)
    return out


def case_calibrate_list_of_batches(rng):
    """calibrate on a list of three batches of different sizes, per channel along axis 1."""
    from tinytorch.compression import calibrate

    batches = [rng.normal(size=(n, 3)).astype(np.float32) for n in (4, 1, 6)]
    return _params(calibrate(batches, symmetric=False, axis=1))


def case_pack_and_unpack_int4(rng):
    """pack_int4 of 7 signed codes (odd count), and unpack_int4 signed and unsigned."""
    from tinytorch.compression import pack_int4, unpack_int4

    codes = rng.integers(-8, 8, size=7)
    packed = pack_int4(codes)
    return {"packed": packed.astype(np.int64),
            "signed": unpack_int4(packed, 7).astype(np.int64),
            "unsigned": unpack_int4(packed, 7, signed=False).astype(np.int64)}


def case_quantized_linear_forward(rng):
    """QuantizedLinear.from_float of Linear(12, 5), 8 and 4 bits, with calibrated input."""
    from tinytorch.compression import QuantizedLinear, calibrate
    from tinytorch.tensor import Tensor

    lin = _mlp(rng, (12, 5))[0]
    x = rng.normal(size=(6, 12)).astype(np.float32)
    out = {}
    for bits in (8, 4):
        q = QuantizedLinear.from_float(lin, bits=bits,
                                       input_params=calibrate(x, symmetric=False))
        out[f"y{bits}"] = q(Tensor(x))
        out[f"codes{bits}"] = q.weight_codes.astype(np.int64)
        out[f"scale{bits}"] = q.weight_scale
    return out


def case_quantized_conv2d_forward(rng):
    """QuantizedConv2d.from_float of Conv2d(3, 4, 3, stride 2, padding 1), 8 bits."""
    from tinytorch.compression import QuantizedConv2d
    from tinytorch.spatial import Conv2d
    from tinytorch.tensor import Tensor

    conv = Conv2d(3, 4, 3, stride=2, padding=1)
    conv.weight.data[...] = rng.normal(0, 0.3, size=conv.weight.shape)
    conv.bias.data[...] = rng.normal(0, 0.1, size=4)
    q = QuantizedConv2d.from_float(conv)
    x = rng.normal(size=(2, 3, 7, 7)).astype(np.float32)
    return {"y": q(Tensor(x)), "codes": q.weight_codes.astype(np.int64)}


def case_quantize_model_replaces_and_calibrates(rng):
    """quantize_model of a 12-16-5 MLP with calibration batches: outputs and input ranges."""
    from tinytorch.compression import quantize_model
    from tinytorch.tensor import Tensor

    model = _mlp(rng)
    batches = [rng.normal(size=(8, 12)).astype(np.float32) for _ in range(2)]
    q = quantize_model(model, batches)
    x = rng.normal(size=(5, 12)).astype(np.float32)
    return {"y": q(Tensor(x)), "in0": q[0].input_scale, "zp0": q[0].input_zero_point,
            "in2": q[2].input_scale, "zp2": q[2].input_zero_point,
            "original": model(Tensor(x))}


def case_model_arrays_bytes(rng):
    """model_arrays of a float MLP and its int8 and int4 copies: names sorted, bytes each."""
    from tinytorch.compression import model_arrays, quantize_model

    model = _mlp(rng, (40, 32, 10))
    out = {}
    for tag, m in (("f32", model), ("int8", quantize_model(model, None)),
                   ("int4", quantize_model(model, None, bits=4))):
        arrays = model_arrays(m)
        out[f"{tag}_bytes"] = np.array([arrays[k].nbytes for k in sorted(arrays)])
        out[f"{tag}_count"] = np.array(len(arrays))
    return out


def case_bits_3_is_refused(rng):
    """calibrate(x, bits=3) raises QuantizationError (a ValueError)."""
    from tinytorch.compression import calibrate

    calibrate(np.ones(4, np.float32), bits=3)


def case_nan_input_is_refused(rng):
    """calibrate of an array holding NaN raises QuantizationError."""
    from tinytorch.compression import calibrate

    calibrate(np.array([1.0, np.nan], np.float32))


def case_magnitude_prune_global_and_layer(rng):
    """magnitude_prune at 60% sparsity, global and per layer: the pruned weights and sparsity."""
    from tinytorch.compression import magnitude_prune

    out = {}
    for scope in ("global", "layer"):
        model = _mlp(np.random.default_rng(1), (10, 8, 4))
        pruning = magnitude_prune(model, 0.6, scope=scope)
        out[f"{scope}_w0"] = model[0].weight.data
        out[f"{scope}_w2"] = model[2].weight.data
        out[f"{scope}_sparsity"] = np.array(pruning.sparsity())
    return out


def case_to_sparse_forward_and_arrays(rng):
    """to_sparse of a 90%-pruned MLP: outputs, and the saved arrays' names and bytes."""
    from tinytorch.compression import magnitude_prune, model_arrays, to_sparse
    from tinytorch.tensor import Tensor

    model = _mlp(rng, (20, 16, 4))
    magnitude_prune(model, 0.9)
    sparse = to_sparse(model)
    x = rng.normal(size=(3, 20)).astype(np.float32)
    arrays = model_arrays(sparse)
    return {"y": sparse(Tensor(x)), "dense": model(Tensor(x)),
            "bytes": np.array([arrays[k].nbytes for k in sorted(arrays)])}


def case_structured_prune_shapes_and_outputs(rng):
    """structured_prune of a 10-12-6-3 MLP by half (l1): the new weights and outputs."""
    from tinytorch.compression import structured_prune
    from tinytorch.tensor import Tensor

    small = structured_prune(_mlp(rng, (10, 12, 6, 3)), 0.5)
    x = rng.normal(size=(4, 10)).astype(np.float32)
    out = {f"w{i}": small[i].weight.data for i in (0, 2, 4)}
    out["y"] = small(Tensor(x))
    return out


def case_low_rank_energy(rng):
    """rank_for_energy on given singular values, and low_rank(energy=0.9) outputs."""
    from tinytorch.compression import low_rank, rank_for_energy
    from tinytorch.tensor import Tensor

    ranks = np.array([rank_for_energy(np.array([4.0, 2.0, 1.0, 0.5]), e)
                      for e in (0.5, 0.8, 0.95, 1.0)])
    model = low_rank(_mlp(rng, (30, 24, 5)), energy=0.9, always=True)
    x = rng.normal(size=(3, 30)).astype(np.float32)
    return {"ranks": ranks, "y": model(Tensor(x))}


def case_distillation_loss_value_and_gradient(rng):
    """distillation_loss(T=3, alpha=0.7) on float64 logits: value and the student's gradient."""
    from tinytorch.compression import distillation_loss
    from tinytorch.tensor import Tensor

    s = Tensor(rng.normal(size=(5, 4)), requires_grad=True)
    t = Tensor(rng.normal(size=(5, 4)))
    y = rng.integers(0, 4, size=5)
    loss = distillation_loss(s, t, y, temperature=3.0, alpha=0.7)
    loss.backward()
    return {"loss": loss, "grad": s.grad}


case_calibrate_symmetric_asymmetric_per_tensor_and_channel.tolerance = (1e-5, 1e-6)
case_quantize_dequantize_8_and_4_bits.tolerance = (1e-5, 1e-6)
case_constant_tensors_round_trip_exactly.tolerance = (0.0, 0.0)
case_percentile_calibration_clips_an_outlier.tolerance = (1e-5, 1e-6)
case_calibrate_list_of_batches.tolerance = (1e-5, 1e-6)
case_quantized_linear_forward.tolerance = (1e-5, 1e-6)
case_quantized_conv2d_forward.tolerance = (1e-5, 1e-6)
case_quantize_model_replaces_and_calibrates.tolerance = (1e-5, 1e-6)
case_bits_3_is_refused.raises = "QuantizationError"
case_nan_input_is_refused.raises = "QuantizationError"
case_magnitude_prune_global_and_layer.tolerance = (1e-5, 1e-6)
case_to_sparse_forward_and_arrays.tolerance = (1e-5, 1e-6)
case_structured_prune_shapes_and_outputs.tolerance = (1e-5, 1e-6)
case_low_rank_energy.tolerance = (1e-4, 1e-5)
case_distillation_loss_value_and_gradient.tolerance = (1e-9, 1e-12)
