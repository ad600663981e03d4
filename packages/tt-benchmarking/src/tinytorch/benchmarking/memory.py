"""Live tensor memory: the bytes of the arrays that primitives made, while they live.

What is counted, exactly: each array a primitive returns while the profiler
watches (what the op observers report as `OpEvent.output`) is a *buffer*
from the moment it appears until Python frees it. Memory is counted per
buffer, not per tensor:

- a view (`reshape`, `transpose`, `x[0]`, `expand`) shares its base's
  memory: it adds nothing. The buffer is the array at the end of NumPy's
  `.base` chain, counted once with its full `nbytes`;
- an output in the memory of an input that was not made while watching
  (a view of a parameter or of the model's input) adds nothing either: that
  memory existed before the block.

A buffer is freed when its last array (the buffer and every view of it) is
freed: a weak reference to the buffer, with a callback, subtracts its bytes
then. The peak is the largest total seen, measured after each primitive.

What is not seen: the parameters (the profiler reports them apart), arrays
made outside primitives (`Tensor(...)`, `randn`), the temporaries *inside*
a primitive's forward (convolution's im2col matrix, attention's scores),
what a `Function` saves for backward besides its output, the gradients the
backward pass makes (backward rules are not observed), and in-place writes.
So the figure is the activation memory the forward pass keeps alive through
its outputs, a lower bound of the process's memory growth.

Cost: one weak reference per new buffer (cheaper than a
`weakref.finalize`, which also keeps a registry).
"""

from __future__ import annotations

import weakref

import numpy as np


def buffer_of(array: np.ndarray) -> np.ndarray:
    """The array that owns `array`'s memory: the end of its chain of `.base` arrays."""
    ### BEGIN SOLUTION
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array
    ### END SOLUTION


class _BufferRef(weakref.ref):
    """A weak reference to a buffer that remembers the buffer's key and size."""

    __slots__ = ("key", "nbytes")


class LiveMemory:
    """Bytes of the live buffers that observed primitives made; their peak.

        memory = LiveMemory()
        memory.add(out, inputs)      # after each primitive
        memory.peak, memory.current  # bytes
        memory.close()               # stop counting frees
    """

    def __init__(self) -> None:
        self.current = 0  # bytes of the buffers alive now
        self.peak = 0  # the largest `current` seen
        self.allocated = 0  # bytes of every buffer ever added
        self.buffers = 0  # how many buffers were added
        self._live: dict[int, _BufferRef] = {}  # id(buffer) -> a weak reference to it

    def add(self, output: np.ndarray, inputs: tuple[np.ndarray, ...] = ()) -> None:
        """Count `output`'s buffer if it is new memory (not a view of a counted or older one)."""
        ### BEGIN SOLUTION
        buffer = buffer_of(output)
        key = id(buffer)
        if key in self._live:
            return  # a view of a buffer already counted
        for x in inputs:
            if buffer_of(x) is buffer:
                return  # a view into memory that existed before the block
        nbytes = int(buffer.nbytes)
        ref = _BufferRef(buffer, self._free)  # calls _free(ref) when the buffer dies
        ref.key, ref.nbytes = key, nbytes
        self._live[key] = ref
        self.current += nbytes
        self.allocated += nbytes
        self.buffers += 1
        if self.current > self.peak:
            self.peak = self.current
        ### END SOLUTION

    def _free(self, ref: _BufferRef) -> None:
        """A buffer was freed: its bytes are no longer live."""
        ### BEGIN SOLUTION
        if self._live.get(ref.key) is ref:
            del self._live[ref.key]
            self.current -= ref.nbytes
        ### END SOLUTION

    def close(self) -> None:
        """Stop watching: drop the weak references (a dropped one never calls back)."""
        self._live.clear()
