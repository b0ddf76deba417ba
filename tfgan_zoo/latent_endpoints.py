"""The export signatures of models that read their latent space (issue #10).

`tfgan_zoo.export` writes `serving_default` and `sample` for every model;
this module adds what the latent-structure models serve beside them:

- models with an encoder (`model.encoder`: BiGAN/ALI, adversarial
  autoencoders): `encode` (`images` -> `z`) and `reconstruct` (`images`
  -> G(E(images)): `images`, `images_uint8`);
- InfoGAN (`model.q_codes`): `encode` as Q's codes of real images
  (`categorical` probabilities, `continuous` means);
- InfoGAN (`model.serving_latent`): `sample_codes`, `sample` with chosen
  codes (`categorical` int32 `[num_samples]`, `continuous` float32
  `[num_samples, continuous_dim]`; either empty for the seed's codes).

Images must be finite and in the sample range (within 1e-3); labels of a
conditional encoder must be in range.
"""

import tensorflow as tf

from tfgan_zoo import graph_checks as checks


def signature_names(model):
    """The signatures `add` writes for `model` (none for most models)."""
    names = []
    if getattr(model, "encoder", None) is not None:
        names += ["encode", "reconstruct"]
    elif hasattr(model, "q_codes"):
        names += ["encode"]
    if hasattr(model, "serving_latent"):
        names += ["sample_codes"]
    return names


def add(archive, model, run_generator, sample_range, max_samples):
    """Adds `signature_names(model)` to the `keras.export.ExportArchive`.

    Args:
        archive: the export archive, with the generator tracked.
        model: the GAN.
        run_generator: `(z, labels) -> outputs dict`, the archive's own.
        sample_range: `(low, high)` of the model's samples.
        max_samples: the largest `num_samples` of `sample_codes`.
    """
    _add_encoder(archive, model, run_generator, sample_range)
    if hasattr(model, "serving_latent"):

        def sample_codes(num_samples, seed, categorical, continuous):
            num_samples = checks.checked(checks.sample_count(num_samples, max_samples), num_samples)
            return run_generator(model.serving_latent(num_samples, seed, categorical, continuous), None)

        specs = [
            tf.TensorSpec([], tf.int32, name="num_samples"),
            tf.TensorSpec([], tf.int64, name="seed"),
            tf.TensorSpec([None], tf.int32, name="categorical"),
            tf.TensorSpec(None, tf.float32, name="continuous"),
        ]
        archive.add_endpoint("sample_codes", sample_codes, input_signature=specs)


def _add_encoder(archive, model, run_generator, sample_range):
    """`encode` and `reconstruct` (encoder models), or InfoGAN's `encode`."""
    encoder = getattr(model, "encoder", None)
    if encoder is None and not hasattr(model, "q_codes"):
        return
    images_spec = tf.TensorSpec((None,) + tuple(model.sample_shape), tf.float32, name="images")
    labels_spec = tf.TensorSpec([None], tf.int32, name="labels")
    low, high = sample_range

    def checked_images(images):
        return checks.checked(checks.finite(images, "images") + checks.in_range(images, low - 1e-3, high + 1e-3, "images"), images)

    if encoder is None:
        archive.track(model.discriminator)
        archive.add_endpoint("encode", lambda images: model.q_codes(checked_images(images)), input_signature=[images_spec])
        return
    archive.track(encoder)
    conditional = model.num_classes is not None

    def encode_z(images, labels):
        images = checked_images(images)
        z = encoder(images if not conditional else [images, labels], training=False)
        return tf.cast(z, tf.float32)

    if conditional:

        def encode(images, labels):
            labels = checks.checked(checks.labels_in_range(labels, model.num_classes), labels)
            return {"z": encode_z(images, labels)}

        def reconstruct(images, labels):
            labels = checks.checked(checks.labels_in_range(labels, model.num_classes), labels)
            return run_generator(encode_z(images, labels), labels)

        archive.add_endpoint("encode", encode, input_signature=[images_spec, labels_spec])
        archive.add_endpoint("reconstruct", reconstruct, input_signature=[images_spec, labels_spec])
    else:
        archive.add_endpoint("encode", lambda images: {"z": encode_z(images, None)}, input_signature=[images_spec])
        archive.add_endpoint(
            "reconstruct", lambda images: run_generator(encode_z(images, None), None), input_signature=[images_spec]
        )
