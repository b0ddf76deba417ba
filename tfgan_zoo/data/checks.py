"""Argument and data checks shared by the sources; each error names the value."""

import numpy as np


def batch_size(value):
    """A positive int batch size."""
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"`batch_size` must be a positive int. Received: batch_size={value!r}")
    return int(value)


def image_shape(shape):
    """`(height, width, channels)` with 1, 3 or 4 channels, or None."""
    if shape is None:
        return None
    try:
        checked = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        checked = ()
    if len(checked) != 3 or min(checked) < 1 or checked[-1] not in (1, 3, 4):
        raise ValueError(
            "`image_shape` must be (height, width, channels) with 1, 3 or 4 channels. "
            f"Received: image_shape={shape!r}"
        )
    return checked


def channels(have, shape, spec):
    """The source's channel count `have` matches the asked `shape`."""
    if shape is not None and have != shape[-1]:
        raise ValueError(
            f"{spec} has {have}-channel images, but image_shape={tuple(shape)} asks "
            f"for {shape[-1]}. Build the model for {have} channel(s). "
            f"Received: image_shape={tuple(shape)}"
        )


def finite(values, spec):
    """Float examples hold no NaN or Inf."""
    if np.issubdtype(values.dtype, np.floating):
        bad = ~np.isfinite(values.reshape(len(values), -1)).all(axis=1)
        if bad.any():
            raise ValueError(
                f"{spec} has {int(bad.sum())} image(s) with NaN or Inf values, the first at "
                f"index {int(np.argmax(bad))}."
            )


def labels(values, num_classes, spec):
    """Labels lie in `[0, num_classes)` (when both are given)."""
    if values is None or num_classes is None:
        return
    bad = (values < 0) | (values >= num_classes)
    if bad.any():
        raise ValueError(
            f"{spec} has labels outside [0, {num_classes}): "
            f"{sorted(set(values[bad].tolist()))[:10]} (first at index {int(np.argmax(bad))}). "
            f"Received: num_classes={num_classes}"
        )


def only_train(split_name, spec, count):
    """Sources with one split: it is called 'train'."""
    if split_name != "train":
        raise ValueError(
            f"{spec} has one split, 'train' (all {count:,} examples); hold rows out with a "
            f"slice such as 'train[90%:]'. Received: split={split_name!r}"
        )
