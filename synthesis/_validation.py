"""Input validation shared by the statistics helpers (private).

Every public function in :mod:`synthesis.stats` validates its inputs here, so that
invalid data raise :class:`ValueError` with a message that names the offending
study (0-based index) and field, e.g. ``"study 3: sd1 must be > 0 (got 0.0)"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def as_vector(value: ArrayLike, name: str) -> FloatArray:
    """Convert ``value`` to a one-dimensional float64 array (scalars become length 1)."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (got shape {arr.shape})")
    return arr


def as_vectors(**fields: ArrayLike) -> dict[str, FloatArray]:
    """Convert several fields, check they are non-empty, equally long and finite."""
    out = {name: as_vector(value, name) for name, value in fields.items()}
    lengths = {name: arr.size for name, arr in out.items()}
    first_name, first_len = next(iter(lengths.items()))
    for name, length in lengths.items():
        if length != first_len:
            raise ValueError(
                f"mismatched lengths: {name} has {length} values but {first_name} has {first_len}"
            )
    if first_len == 0:
        raise ValueError("no studies given (empty input)")
    for name, arr in out.items():
        check_finite(arr, name)
    return out


def check_finite(arr: FloatArray, name: str) -> None:
    """Raise for the first NaN/inf value."""
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"study {i}: {name} must be finite (got {float(arr[i])!r})")


def check_positive(arr: FloatArray, name: str) -> None:
    """Raise for the first value that is not strictly positive."""
    bad = ~(arr > 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"study {i}: {name} must be > 0 (got {float(arr[i])!r})")


def check_at_least(arr: FloatArray, name: str, minimum: float) -> None:
    """Raise for the first value below ``minimum``."""
    bad = arr < minimum
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"study {i}: {name} must be >= {minimum:g} (got {float(arr[i])!r})")


def check_events(events: FloatArray, n: FloatArray, e_name: str, n_name: str) -> None:
    """Events must lie in ``[0, n]``."""
    check_at_least(events, e_name, 0.0)
    bad = events > n
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"study {i}: {e_name} ({float(events[i])!r}) must not exceed {n_name} ({float(n[i])!r})"
        )


def check_level(level: float) -> float:
    """Confidence level must be a probability strictly between 0 and 1."""
    level = float(level)
    if not (0.0 < level < 1.0):
        raise ValueError(f"level must be between 0 and 1 (got {level!r}); use 0.95, not 95")
    return level


def yi_vi(yi: ArrayLike, vi: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Validate effect sizes and sampling variances (finite; variances > 0)."""
    fields = as_vectors(yi=yi, vi=vi)
    y, v = fields["yi"], fields["vi"]
    check_positive(v, "vi")
    return y, v


def labels(groups: Sequence[object] | ArrayLike, k: int) -> list[object]:
    """Subgroup labels, one per study."""
    # ArrayLike includes scalars; list() refuses those with a TypeError, as it should here.
    out = groups.tolist() if isinstance(groups, np.ndarray) else list(groups)  # type: ignore[arg-type]
    if len(out) != k:
        raise ValueError(f"mismatched lengths: groups has {len(out)} values but yi has {k}")
    for i, label in enumerate(out):
        if label is None or (isinstance(label, float) and not np.isfinite(label)):
            raise ValueError(f"study {i}: groups label is missing ({label!r})")
    return out
