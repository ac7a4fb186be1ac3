"""glint: one copy of the datasets of an HDF5 file in shared memory, per machine.

    import glint
    data = glint.open_shared("train_256.h5", ["images", "heatmaps"])
    images = data["images"]            # read-only numpy array, zero-copy

The first process on the machine loads each dataset into /dev/shm; every
other one maps it. The arrays' memory is the shared segment; it stays mapped
while any array or view of it lives. Errors are glint.Error subclasses
carrying the library's message.

PyTorch parts (import torch only when used): glint.torch.SharedDataset,
glint.models.UNet.
"""

from glint._glint import (
    CorruptError,
    Error,
    InvalidArgumentError,
    IOFailureError,
    NoSpaceError,
    NotFoundError,
    PermissionDeniedError,
    Segment,
    UnsupportedError,
    __version__,
    cleanup,
    cleanup_all,
    describe,
    fingerprint,
    list_segments,
    open_shared,
)

__all__ = [
    "CorruptError", "Error", "InvalidArgumentError", "IOFailureError", "NoSpaceError",
    "NotFoundError", "PermissionDeniedError", "Segment", "UnsupportedError", "__version__",
    "cleanup", "cleanup_all", "describe", "fingerprint", "list_segments", "open_shared",
]
