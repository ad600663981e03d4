"""The `Tensor` class: an n-dimensional array plus what autograd needs.

A `Tensor` is a thin wrapper around a NumPy array, `.data`. NumPy does the
arithmetic; the wrapper adds three things:

- PyTorch's interface and dtype rules (`Tensor([1.0, 2.0])` is float32, the
  default dtype of deep learning: half the memory and twice the SIMD width of
  float64);
- room for gradients: `.requires_grad`, `.grad`, and a `_node` slot where a
  gradient engine (tt-autograd, module 07) records how the tensor was made;
- one route for every operation: the methods below call op functions
  (`ops_*.py`), which run their NumPy forward through `dispatch.apply`, the
  single point where autograd attaches later.

Memory: a Tensor costs its array (`nbytes`) plus a small Python object.
Views (transpose, permute, slicing) share the array's memory and only change
its strides, which `stride()` shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dispatch
from ._checks import ShapeError, as_dtype, check_grad_dtype, normalize_dim, shape_str

# dtypes `repr` does not spell out, as in PyTorch: the defaults of each kind.
_REPR_DEFAULT_DTYPES = (np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_))


class Tensor:
    """An n-dimensional array of numbers that can take part in autograd.

    `Tensor(data, dtype=None, requires_grad=False)` follows `torch.tensor`:
    Python floats (and lists of them) become float32, Python ints int64,
    bools bool; a NumPy array keeps its dtype and is wrapped without a copy
    (as `torch.from_numpy`); a Tensor passed in is copied. `dtype=` casts,
    straight from the given values: `Tensor(0.1, dtype=np.float64)` is
    exactly the float64 nearest 0.1, never rounded through float32 first.
    Only floating point tensors can require a gradient.

    Every tensor has a version, `t._version` (PyTorch's name): the number of
    in-place writes into its memory (`add_`, `+=`, `t[i] = v`...). Views
    share the counter of their base; autograd uses it to refuse gradients
    computed from values that were overwritten.
    """

    # NumPy must not treat a Tensor as an array in `ndarray + Tensor`: with
    # this, NumPy returns NotImplemented and Python calls `Tensor.__radd__`.
    __array_ufunc__ = None
    # `==` is elementwise, yet tensors must stay usable as dict keys / set items.
    __hash__ = object.__hash__

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        """Build a tensor from a number, a nested list, a NumPy array or a Tensor."""
        ### BEGIN SOLUTION
        if isinstance(data, Tensor):
            array = data.data.copy()
        elif isinstance(data, (np.ndarray, np.generic)):
            array = np.asarray(data)
        else:
            try:
                array = np.array(data)
            except (ValueError, TypeError) as exc:
                raise ValueError(
                    f"Tensor: cannot build a tensor from this {type(data).__name__} "
                    f"(nested lists must be rectangular and hold numbers): {exc}"
                ) from None
            if dtype is None and array.dtype == np.float64:  # Python floats: float32
                array = array.astype(np.float32)
        if dtype is not None:
            array = array.astype(as_dtype(dtype, "Tensor"), copy=False)
        else:
            as_dtype(array.dtype, "Tensor")  # rejects strings, objects, complex
        if requires_grad:
            check_grad_dtype(array.dtype, "Tensor")
        self.data: np.ndarray = array
        self._requires_grad = bool(requires_grad)
        self._grad: Tensor | None = None
        self._node: Any = None
        self._version_counter = [0]  # shared with views: one counter per memory
        self._base: Tensor | None = None  # the tensor this one is a view of
        ### END SOLUTION

    @classmethod
    def _wrap(cls, array: np.ndarray) -> Tensor:
        """Fast internal constructor: wrap `array` as is (no copy, no dtype rules).

        Used by `apply` for every op result, so it does the least possible:
        NumPy scalars (what `x.sum()` returns) become 0-d arrays, nothing else.
        """
        ### BEGIN SOLUTION
        if type(array) is not np.ndarray:
            array = np.asarray(array)
        t = object.__new__(cls)
        t.data = array
        t._requires_grad = False
        t._grad = None
        t._node = None
        t._version_counter = [0]
        t._base = None
        return t
        ### END SOLUTION

    # ------------------------------------------------------------ attributes
    @property
    def shape(self) -> tuple[int, ...]:
        """Size of each dimension, e.g. `(N, C)`."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """Number of dimensions (0 for a scalar)."""
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        """NumPy dtype of the elements (float32 by default)."""
        return self.data.dtype

    def size(self, dim: int | None = None) -> Any:
        """The shape, or the size of dimension `dim` (negative allowed)."""
        ### BEGIN SOLUTION
        if dim is None:
            return self.data.shape
        if self.data.ndim == 0:
            raise IndexError("Tensor.size: a 0-d tensor has no dimensions")
        return self.data.shape[normalize_dim("Tensor.size", dim, self.data.ndim)]
        ### END SOLUTION

    def __len__(self) -> int:
        """Size of the first dimension."""
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    @property
    def _version(self) -> int:
        """How many in-place writes this tensor's memory has had (shared with its views)."""
        return self._version_counter[0]

    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded for backward."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value:
            check_grad_dtype(self.data.dtype, "Tensor.requires_grad")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` in place and return self (for chaining)."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by `backward()`, a Tensor of the same shape, or None."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"Tensor.grad: expected a Tensor or None, got {type(value).__name__}"
                )
            if value.data.shape != self.data.shape:
                raise ShapeError(
                    f"Tensor.grad: gradient of shape {shape_str(value.data.shape)} "
                    f"assigned to a tensor of shape {shape_str(self.data.shape)}"
                )
        self._grad = value

    @property
    def grad_fn(self) -> Any:
        """The graph node the gradient engine attached (None for leaves)."""
        return self._node

    @property
    def is_leaf(self) -> bool:
        """True if the tensor was created by the user, not computed by a recorded op."""
        return self._node is None

    def backward(self, gradient: Tensor | None = None, retain_graph: bool = False) -> None:
        """Compute gradients of this tensor w.r.t. the leaves that require them.

        tt-tensor has no backward rules: it hands the call to the installed
        gradient engine (tt-autograd, module 07). The graph is freed afterwards
        unless `retain_graph=True`.
        """
        engine = dispatch.get_engine()
        if engine is None:
            raise RuntimeError(
                "Tensor.backward: no gradient engine is installed. Install tt-autograd "
                "(module 07), e.g. `pip install tt-autograd`, or install your own engine "
                "with tinytorch.tensor.set_engine(engine)."
            )
        engine.backward(self, gradient, retain_graph=retain_graph)

    def detach(self) -> Tensor:
        """A tensor sharing this one's data, cut off from the graph (no grad).

        It shares the version counter too (as in PyTorch): an in-place change
        through either one is seen by autograd's checks.
        """
        t = Tensor._wrap(self.data)
        t._version_counter = self._version_counter
        return t

    # ------------------------------------------------------------ conversion
    def numpy(self) -> np.ndarray:
        """The underlying NumPy array (shared, not copied)."""
        return self.data

    def tolist(self) -> Any:
        """Nested Python lists of Python numbers."""
        return self.data.tolist()

    def item(self) -> Any:
        """The single value of a one-element tensor, as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"Tensor.item: only a tensor with one element can be converted to a "
                f"Python number, got shape {shape_str(self.data.shape)} "
                f"({self.data.size} elements)"
            )
        return self.data.item()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(
                f"bool(Tensor): the truth value of a tensor of shape "
                f"{shape_str(self.data.shape)} is ambiguous; use (t == x).all() style "
                "reductions or .item() on a one-element tensor"
            )
        return bool(self.data.item())

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """Let `np.asarray(tensor)` see the data (a copy only if asked)."""
        out = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return out.copy() if copy else out

    def __format__(self, spec: str) -> str:
        """`f"{loss:.4f}"` works on one-element tensors, as in PyTorch."""
        if spec and self.data.size == 1:
            return format(self.data.item(), spec)
        return object.__format__(self, spec) if spec else repr(self)

    def to(self, dtype: Any) -> Tensor:
        """A copy with another dtype (self if the dtype is already right).

        Casting is not a differentiable primitive here, so a tensor that
        requires a gradient must be detached first.
        """
        dt = as_dtype(dtype, "Tensor.to")
        if dt == self.data.dtype:
            return self
        if self._requires_grad:
            raise RuntimeError(
                f"Tensor.to: casting a tensor that requires grad from {self.data.dtype} to "
                f"{dt} would cut it from the graph; call .detach() first"
            )
        return Tensor._wrap(self.data.astype(dt))

    def float(self) -> Tensor:
        """`to(np.float32)`."""
        return self.to(np.float32)

    def double(self) -> Tensor:
        """`to(np.float64)`."""
        return self.to(np.float64)

    def long(self) -> Tensor:
        """`to(np.int64)`."""
        return self.to(np.int64)

    def __repr__(self) -> str:
        """`tensor([[1., 2.]], requires_grad=True)`, as PyTorch prints it."""
        ### BEGIN SOLUTION
        x = self.data
        mode = "maxprec"  # whole numbers print as `1.`, others with 4 decimals
        if x.dtype.kind == "f" and x.size:
            finite = x[np.isfinite(x)]
            if np.any(finite != np.round(finite)):
                mode = "fixed"
        body = np.array2string(
            x, separator=", ", prefix="tensor(", precision=4, floatmode=mode
        )
        extra = f", size={shape_str(x.shape)}" if x.size == 0 and x.ndim > 1 else ""
        if self.data.dtype not in _REPR_DEFAULT_DTYPES:
            extra += f", dtype={self.data.dtype}"
        if self._requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"
        ### END SOLUTION

    # ------------------------------------------------------------ memory
    def stride(self, dim: int | None = None) -> Any:
        """Steps, in elements, between neighbours along each dimension.

        A contiguous `(2, 3)` float32 tensor has stride `(3, 1)`; its
        transpose, a view of the same memory, has `(1, 3)`.
        """
        ### BEGIN SOLUTION
        item = self.data.itemsize
        strides = tuple(s // item for s in self.data.strides)
        if dim is None:
            return strides
        return strides[normalize_dim("Tensor.stride", dim, self.data.ndim)]
        ### END SOLUTION

    def is_contiguous(self) -> bool:
        """True if the elements lie in memory in row-major (C) order, without gaps."""
        return bool(self.data.flags.c_contiguous)

    def element_size(self) -> int:
        """Bytes per element (4 for float32)."""
        return self.data.itemsize

    @property
    def nbytes(self) -> int:
        """Bytes of memory the elements take (viewed, not necessarily owned)."""
        return self.data.nbytes

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> Tensor:
        return _binary.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _binary.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _binary.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _binary.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _binary.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _binary.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _binary.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _binary.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _binary.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _binary.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _matmul.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _matmul.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _unary.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _unary.abs(self)

    def __iadd__(self, other: Any) -> Tensor:
        return _inplace.add_(self, other)

    def __isub__(self, other: Any) -> Tensor:
        return _inplace.sub_(self, other)

    def __imul__(self, other: Any) -> Tensor:
        return _inplace.mul_(self, other)

    def __itruediv__(self, other: Any) -> Tensor:
        return _inplace.div_(self, other)

    def add_(self, other: Any) -> Tensor:
        """`self += other`, in place (see `ops_inplace` for the autograd rules)."""
        return _inplace.add_(self, other)

    def sub_(self, other: Any) -> Tensor:
        """`self -= other`, in place."""
        return _inplace.sub_(self, other)

    def mul_(self, other: Any) -> Tensor:
        """`self *= other`, in place."""
        return _inplace.mul_(self, other)

    def div_(self, other: Any) -> Tensor:
        """`self /= other`, in place (floating point tensors only)."""
        return _inplace.div_(self, other)

    def clamp_(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit every element to [min, max], in place."""
        return _inplace.clamp_(self, min, max)

    def zero_(self) -> Tensor:
        """Fill with 0, in place."""
        return _inplace.zero_(self)

    def fill_(self, value: Any) -> Tensor:
        """Fill with `value` (a number or a 0-d tensor), in place."""
        return _inplace.fill_(self, value)

    def copy_(self, src: Any) -> Tensor:
        """Copy `src` (broadcast to self's shape, cast to self's dtype) into self."""
        return _inplace.copy_(self, src)

    def add(self, other: Any) -> Tensor:
        """`self + other`."""
        return _binary.add(self, other)

    def sub(self, other: Any) -> Tensor:
        """`self - other`."""
        return _binary.sub(self, other)

    def mul(self, other: Any) -> Tensor:
        """`self * other`."""
        return _binary.mul(self, other)

    def div(self, other: Any) -> Tensor:
        """`self / other`."""
        return _binary.div(self, other)

    def pow(self, exponent: Any) -> Tensor:
        """`self ** exponent`."""
        return _binary.pow(self, exponent)

    def matmul(self, other: Any) -> Tensor:
        """`self @ other`."""
        return _matmul.matmul(self, other)

    def maximum(self, other: Any) -> Tensor:
        """Elementwise larger of self and other."""
        return _binary.maximum(self, other)

    def where(self, condition: Any, other: Any) -> Tensor:
        """`where(condition, self, other)`."""
        return _binary.where(condition, self, other)

    # ------------------------------------------------------------ comparisons
    def __lt__(self, other: Any) -> Any:
        return _compare.lt(self, other)

    def __le__(self, other: Any) -> Any:
        return _compare.le(self, other)

    def __gt__(self, other: Any) -> Any:
        return _compare.gt(self, other)

    def __ge__(self, other: Any) -> Any:
        return _compare.ge(self, other)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return _compare.eq(self, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return _compare.ne(self, other)

    # ------------------------------------------------------------ elementwise
    def neg(self) -> Tensor:
        """`-self`."""
        return _unary.neg(self)

    def exp(self) -> Tensor:
        """Elementwise e**x."""
        return _unary.exp(self)

    def log(self) -> Tensor:
        """Elementwise natural logarithm."""
        return _unary.log(self)

    def sqrt(self) -> Tensor:
        """Elementwise square root."""
        return _unary.sqrt(self)

    def abs(self) -> Tensor:
        """Elementwise absolute value."""
        return _unary.abs(self)

    def tanh(self) -> Tensor:
        """Elementwise hyperbolic tangent."""
        return _unary.tanh(self)

    def erf(self) -> Tensor:
        """Elementwise error function."""
        return _unary.erf(self)

    def clamp(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit every element to [min, max]."""
        return _unary.clamp(self, min, max)

    # ------------------------------------------------------------ reductions
    def sum(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Sum over `dim` (all dimensions if None)."""
        return _reduce.sum(self, dim, keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Mean over `dim` (all dimensions if None)."""
        return _reduce.mean(self, dim, keepdim)

    def max(self, dim: int | None = None, keepdim: bool = False) -> Any:
        """The largest value; with `dim`, the named tuple `(values, indices)`, as torch.max."""
        return _reduce.max(self, dim, keepdim)

    def min(self, dim: int | None = None, keepdim: bool = False) -> Any:
        """The smallest value; with `dim`, the named tuple `(values, indices)`, as torch.min."""
        return _reduce.min(self, dim, keepdim)

    def amax(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Largest values over `dim` (int, tuple or None); ties share the gradient."""
        return _reduce.amax(self, dim, keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Smallest values over `dim` (int, tuple or None); ties share the gradient."""
        return _reduce.amin(self, dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the largest value (flattened if dim is None); no gradient."""
        return _reduce.argmax(self, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the smallest value (flattened if dim is None); no gradient."""
        return _reduce.argmin(self, dim, keepdim)

    # ------------------------------------------------------------ shapes
    def reshape(self, *shape: Any) -> Tensor:
        """Same elements, new shape (one size may be -1); a view when possible."""
        return _shape.reshape(self, *shape)

    def view(self, *shape: Any) -> Tensor:
        """Like reshape, but never copies: fails if the strides do not allow a view."""
        return _shape.view(self, *shape)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap two dimensions (a view)."""
        return _shape.transpose(self, dim0, dim1)

    def permute(self, *dims: Any) -> Tensor:
        """Reorder all dimensions (a view)."""
        return _shape.permute(self, *dims)

    def contiguous(self) -> Tensor:
        """Self if already contiguous, else a row-major copy."""
        return _shape.contiguous(self)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge dimensions start_dim..end_dim into one."""
        return _shape.flatten(self, start_dim, end_dim)

    def squeeze(self, dim: Any = None) -> Tensor:
        """Drop dimensions of size 1 (all, or those in `dim`)."""
        return _shape.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a dimension of size 1 at `dim`."""
        return _shape.unsqueeze(self, dim)

    @property
    def T(self) -> Tensor:
        """Transpose of a 2-D tensor (a 0-d or 1-D tensor is returned as is)."""
        if self.data.ndim < 2:
            return self
        if self.data.ndim == 2:
            return _shape.transpose(self, 0, 1)
        raise ValueError(
            f"Tensor.T: only defined for tensors of at most 2 dimensions, got shape "
            f"{shape_str(self.data.shape)}; use permute(...) or transpose(dim0, dim1)"
        )

    # ------------------------------------------------------------ joins, masks, stats, layout
    def split(self, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces of `split_size` (an int, or a list of sizes) along `dim` (views)."""
        return _join.split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """At most `chunks` equal pieces along `dim` (the last may be smaller)."""
        return _join.chunk(self, chunks, dim)

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """`value` where the bool `mask` is True, else self."""
        return _mask.masked_fill(self, mask, value)

    def tril(self, diagonal: int = 0) -> Tensor:
        """Lower triangle of the last two dimensions (zeros above `diagonal`)."""
        return _mask.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        """Upper triangle of the last two dimensions (zeros below `diagonal`)."""
        return _mask.triu(self, diagonal)

    def var(self, dim: Any = None, *, correction: float = 1, keepdim: bool = False) -> Tensor:
        """Variance over `dim`, divided by N - correction."""
        return _stats.var(self, dim, correction=correction, keepdim=keepdim)

    def std(self, dim: Any = None, *, correction: float = 1, keepdim: bool = False) -> Tensor:
        """Standard deviation over `dim`, sqrt of `var`."""
        return _stats.std(self, dim, correction=correction, keepdim=keepdim)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> Tensor:
        """log(sum(exp(self))) over `dim`, computed without overflow."""
        return _stats.logsumexp(self, dim, keepdim)

    def sin(self) -> Tensor:
        """Elementwise sine."""
        return _unary.sin(self)

    def cos(self) -> Tensor:
        """Elementwise cosine."""
        return _unary.cos(self)

    def flip(self, *dims: Any) -> Tensor:
        """Reverse the order along `dims` (`x.flip(0)`, `x.flip(0, 1)` or `x.flip((0, 1))`)."""
        given = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        return _layout.flip(self, given)

    def expand(self, *sizes: Any) -> Tensor:
        """Repeat size-1 dimensions to `sizes` without copying (-1 keeps a size)."""
        return _layout.expand(self, *sizes)

    def expand_as(self, other: Tensor) -> Tensor:
        """`self.expand(other.shape)`."""
        return _layout.expand(self, other.shape)

    def clone(self) -> Tensor:
        """A copy with its own memory that stays in the graph."""
        return _layout.clone(self)

    def t(self) -> Tensor:
        """Transpose of a matrix (0-d and 1-D returned as is)."""
        return _layout.t(self)

    def all(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """True where every element over `dim` is nonzero (a bool tensor, no gradient)."""
        return _logical.all(self, dim, keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """True where some element over `dim` is nonzero (a bool tensor, no gradient)."""
        return _logical.any(self, dim, keepdim)

    def numel(self) -> int:
        """Number of elements: the product of the shape (1 for a 0-d tensor)."""
        return int(self.data.size)

    def dim(self) -> int:
        """Number of dimensions, as `ndim`."""
        return self.data.ndim

    # ------------------------------------------------------------ indexing
    def __getitem__(self, index: Any) -> Tensor:
        return _index.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        _index.setitem(self, index, value)

    def __iter__(self) -> Any:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (_index.getitem(self, i) for i in range(self.data.shape[0]))


# The op modules import `Tensor` from this module, so they are imported after
# the class exists; the methods above look them up when they run.
from . import ops_binary as _binary  # noqa: E402
from . import ops_compare as _compare  # noqa: E402
from . import ops_index as _index  # noqa: E402
from . import ops_inplace as _inplace  # noqa: E402
from . import ops_join as _join  # noqa: E402
from . import ops_layout as _layout  # noqa: E402
from . import ops_logical as _logical  # noqa: E402
from . import ops_mask as _mask  # noqa: E402
from . import ops_matmul as _matmul  # noqa: E402
from . import ops_reduce as _reduce  # noqa: E402
from . import ops_shape as _shape  # noqa: E402
from . import ops_stats as _stats  # noqa: E402
from . import ops_unary as _unary  # noqa: E402
