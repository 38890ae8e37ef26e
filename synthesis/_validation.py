"""Input validation shared by the statistics helpers (private).

Every public function in :mod:`synthesis.stats` validates its inputs here, so that
invalid data raise :class:`ValueError` with a message that names the offending
study (0-based index) and field, e.g. ``"study 3: sd1 must be > 0 (got 0.0)"``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


#: Range of |yi| and vi the pooling code computes reliably: every intermediate quantity
#: (weights, squared weights times squared residuals, their sums) stays far from overflow and
#: underflow in double precision. Real effect sizes and variances lie many orders inside.
MAX_ABS_EFFECT = 1e50
MIN_VARIANCE = 1e-60
MAX_VARIANCE = 1e60


def _has_bool(value: object) -> bool:
    """True for a bool, a numpy bool, a bool array, or a sequence holding any of them."""
    if isinstance(value, bool | np.bool_):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype == np.bool_ or (
            value.dtype == object and any(isinstance(x, bool | np.bool_) for x in value.flat)
        )
    if isinstance(value, list | tuple):
        return any(_has_bool(x) for x in value)
    return False


def first_true(mask: NDArray[np.bool_]) -> int | None:
    """The index of the first True (the study an error message names), or None."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def raise_first(mask: NDArray[np.bool_], message: Callable[[int], str]) -> None:
    """Raise ``ValueError("study i: <message(i)>")`` for the first study ``i`` where ``mask``
    is True: the one shape of every per-study check, so each message names its study."""
    i = first_true(mask)
    if i is not None:
        raise ValueError(f"study {i}: {message(i)}")


def as_vector(value: ArrayLike, name: str) -> FloatArray:
    """Convert ``value`` to a one-dimensional float64 array (scalars become length 1).

    Booleans are refused (``True`` would silently become 1.0, e.g. one event).
    """
    if _has_bool(value):
        raise ValueError(f"{name} must be numeric, not a boolean (got {value!r})")
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
    raise_first(~np.isfinite(arr), lambda i: f"{name} must be finite (got {float(arr[i])!r})")


def check_positive(arr: FloatArray, name: str) -> None:
    """Raise for the first value that is not strictly positive."""
    raise_first(~(arr > 0), lambda i: f"{name} must be > 0 (got {float(arr[i])!r})")


def check_at_least(arr: FloatArray, name: str, minimum: float) -> None:
    """Raise for the first value below ``minimum``."""
    raise_first(arr < minimum, lambda i: f"{name} must be >= {minimum:g} (got {float(arr[i])!r})")


def check_whole(arr: FloatArray, name: str) -> None:
    """Raise for the first value that is not a whole number (counts of people or events)."""
    raise_first(
        arr != np.floor(arr), lambda i: f"{name} must be a whole number (got {float(arr[i])!r})"
    )


def check_events(events: FloatArray, n: FloatArray, e_name: str, n_name: str) -> None:
    """Events must lie in ``[0, n]``."""
    check_at_least(events, e_name, 0.0)
    raise_first(
        events > n,
        lambda i: f"{e_name} ({float(events[i])!r}) must not exceed {n_name} ({float(n[i])!r})",
    )


def check_level(level: float) -> float:
    """Confidence level must be a probability strictly between 0 and 1."""
    level = float(level)
    if not (0.0 < level < 1.0):
        raise ValueError(f"level must be between 0 and 1 (got {level!r}); use 0.95, not 95")
    return level


def finite_number(value: float, name: str) -> float:
    """One given number that must be finite (an effect to test against, a reported estimate)."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite (got {number!r})")
    return number


def check_tau2(tau2: float) -> float:
    """A between-study variance passed in by the caller must be finite and >= 0."""
    tau2 = float(tau2)
    if not (math.isfinite(tau2) and tau2 >= 0.0):
        raise ValueError(f"tau2 must be finite and >= 0 (got {tau2!r})")
    return tau2


def yi_vi(yi: ArrayLike, vi: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Validate effect sizes and sampling variances (finite; variances > 0)."""
    fields = as_vectors(yi=yi, vi=vi)
    y, v = fields["yi"], fields["vi"]
    check_positive(v, "vi")
    check_magnitudes(y, v)
    return y, v


def check_magnitudes(y: FloatArray, v: FloatArray) -> None:
    """Refuse effects and variances outside the range computed reliably (see MAX_ABS_EFFECT).

    An SE of 1e-150 or an effect of 1e200 is no real study, but would silently give an absurd
    Q (or overflow to a division by zero); rescaling the effects (e.g. grams to kilograms)
    brings genuine data back into range, since every result is scale-equivariant.
    """
    raise_first(
        np.abs(y) > MAX_ABS_EFFECT,
        lambda i: (
            f"yi = {float(y[i])!r} is outside the range computed reliably "
            f"(|yi| <= {MAX_ABS_EFFECT:g}); rescale the effects"
        ),
    )
    raise_first(
        (v < MIN_VARIANCE) | (v > MAX_VARIANCE),
        lambda i: (
            f"vi = {float(v[i])!r} is outside the range computed reliably "
            f"[{MIN_VARIANCE:g}, {MAX_VARIANCE:g}]; rescale the effects"
        ),
    )


def labels(groups: Sequence[object] | ArrayLike, k: int) -> list[object]:
    """Subgroup labels, one per study."""
    if isinstance(groups, np.ndarray):
        out: list[object] = list(groups.tolist())
    elif isinstance(groups, Sequence) and not isinstance(groups, str | bytes):
        out = list(groups)
    else:
        raise ValueError(f"groups must be a sequence of labels (got {groups!r})")
    if len(out) != k:
        raise ValueError(f"mismatched lengths: groups has {len(out)} values but yi has {k}")
    for i, label in enumerate(out):
        if label is None or (isinstance(label, float) and not np.isfinite(label)):
            raise ValueError(f"study {i}: groups label is missing ({label!r})")
    return out
