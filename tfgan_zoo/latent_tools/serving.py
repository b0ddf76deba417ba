"""The `inpaint` serving signature, for `tfgan_zoo.export` to add.

`inpaint_endpoint(model, steps, restarts)` returns `(fn, input_signature)`
for `keras.export.ExportArchive.add_endpoint("inpaint", fn,
input_signature=...)`; the archive must track the discriminator too
(`archive.track(model.discriminator)`), which the search differentiates.

Inputs: `images` float32 `[batch, h, w, c]` in [-1, 1], `masks` float32
`[batch, h, w, 1 or c]` of 0 (missing) and 1 (known), `seed` int64 scalar
(the random starts), and `labels` int32 `[batch]` for a conditional
model. Outputs: `images` (the completion `M * y + (1 - M) * G(z)`),
`images_uint8`, `generated` (`G(z)`) and `z`. The number of steps and
restarts is fixed at export; bad masks or images fail in the graph with
`InvalidArgumentError` (`inpainting.input_checks`).
"""

import tensorflow as tf

from tfgan_zoo.latent_tools import inpainting


def _outputs(result):
    completed = result["completed"]
    as_uint8 = tf.cast(tf.clip_by_value(tf.round((completed + 1.0) * 127.5), 0.0, 255.0), tf.uint8)
    return {"images": completed, "images_uint8": as_uint8, "generated": result["generated"], "z": result["z"]}


def inpaint_endpoint(model, steps=inpainting.DEFAULTS["steps"], restarts=inpainting.DEFAULTS["restarts"], **options):
    """`(fn, input_signature)` of the `inpaint` signature of `model` (an image GAN)."""
    if len(model.sample_shape) != 3:
        raise ValueError(f"The inpaint signature is for image models. Received: sample_shape={model.sample_shape}")
    options = inpainting.check_options({"steps": steps, "restarts": restarts, **options})
    signature = [
        tf.TensorSpec((None,) + tuple(model.sample_shape), tf.float32, name="images"),
        # Any shape: the graph checks it and names what it received.
        tf.TensorSpec([None, None, None, None], tf.float32, name="masks"),
        tf.TensorSpec([], tf.int64, name="seed"),
    ]
    if model.num_classes is None:

        def inpaint(images, masks, seed):
            return _outputs(inpainting.inpaint_graph(model, images, masks, seed, **options))

        return inpaint, signature

    def inpaint_conditional(images, masks, seed, labels):
        return _outputs(inpainting.inpaint_graph(model, images, masks, seed, labels, **options))

    return inpaint_conditional, signature + [tf.TensorSpec([None], tf.int32, name="labels")]
