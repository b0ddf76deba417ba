"""Export generators as SavedModels in TF Serving's versioned layout.

`export(model, base_dir)` writes `base_dir/<version>/`, a SavedModel (tag
`serve`) with two signatures:

- `serving_default`: `z` float32 `[batch, latent_dim]` (plus `labels` int32
  `[batch]` for conditional models) -> `images` float32 in the model's
  `sample_range` ([-1, 1]; gan3d's voxels [0, 1]) and `images_uint8` uint8
  in [0, 255].
- `sample`: `num_samples` int32 scalar and `seed` int64 scalar (plus
  `labels` int32 `[num_samples]`, or `[]` for random labels, for
  conditional models) -> the same outputs. Stateless random ops: a seed
  always gives the same images, the same as `model.generate(seed=...)`.

Requests are checked inside the graph (`tfgan_zoo.graph_checks`): a
wrong `z` width, NaN or Inf in `z`, a label out of range, or `num_samples`
not in `[1, max_samples]` fail with InvalidArgument naming the value, never
garbage or an out-of-memory.

`assets.extra/tfgan_zoo.json` records the model name, hparams, latent size,
output shape, value range, dataset, package version and metrics, and
`assets.extra/tf_serving_warmup_requests` holds warm-up requests (one per
signature, as `PredictionLog` records) that TF Serving replays on load.

Models with an encoder (BiGAN/ALI, adversarial autoencoders) also get
`encode` and `reconstruct`, InfoGAN `encode` (Q's codes) and
`sample_codes` (`tfgan_zoo.latent_endpoints`). `export(..., signatures=...)`
adds more (the `inpaint` search of `tfgan_zoo.latent_tools.serving`).

A model can serve its own `sample` (`model.sample_endpoint(max_samples)`
-> `(fn, input_signature)`) and add metadata (`model.export_metadata()`)
and files (`model.export_assets()`, into `assets.extra`): a table model
(`tabular_wgan_gp`) answers `sample` with one named output per column
(`TabularWGANGP.sample_endpoint`; `metadata["sample_outputs"]` maps the
output keys to the column names), and `ExportedGenerator.generate(seed=)`
then draws `z` on the client and sends it to `serving_default`.

The version is written to a temporary directory (ignored by TF Serving,
which loads integer directories only) and renamed into place, so a server
never sees a half-written version.

Example:

>>> import tempfile, tfgan_zoo
>>> gan = tfgan_zoo.create("dcgan", width=8, seed=0)
>>> path = export(gan, tempfile.mkdtemp())
>>> os.path.basename(path)
'1'
>>> load(path).generate(num_samples=2, seed=0).shape
(2, 28, 28, 1)
"""

import json
import os
import time

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import fileio
from tfgan_zoo import priors
from tfgan_zoo import sampling
from tfgan_zoo import serving
from tfgan_zoo import graph_checks as checks
from tfgan_zoo import latent_endpoints
from tfgan_zoo.checks import positive_int
from tfgan_zoo.version import __version__

METADATA_FILE = "tfgan_zoo.json"
DEFAULT_MAX_SAMPLES = 1024


def existing_versions(base_dir):
    """Sorted integer version numbers under `base_dir`."""
    if not os.path.isdir(base_dir):
        return []
    return sorted(int(d) for d in os.listdir(base_dir) if d.isdigit() and os.path.isdir(os.path.join(base_dir, d)))


def value_range(model):
    """`[low, high]` of the model's samples (`model.sample_range`; [-1, 1] if it has none)."""
    low, high = getattr(model, "sample_range", None) or (-1.0, 1.0)
    return [float(low), float(high)]


def _images_out(images, sample_range):
    """`images` float32, and `images_uint8`: `sample_range` mapped onto [0, 255]."""
    low, high = sample_range
    images = tf.cast(images, tf.float32)
    scaled = tf.round((images - low) * (255.0 / (high - low)))
    return {"images": images, "images_uint8": tf.cast(tf.clip_by_value(scaled, 0.0, 255.0), tf.uint8)}


def _build_archive(model, max_samples):
    generator = model.generator
    prior = model.prior
    latent_dim = model.latent_dim
    num_classes = model.num_classes
    archive = keras.export.ExportArchive()
    archive.track(generator)

    def run_generator(z, labels):
        # The model's own call, so a variant that maps z (e.g. rcgan's held
        # z) serves as it generates.
        return _images_out(model.generate_batch(z, labels, training=False), value_range(model))

    def z_checks(z):
        return checks.latent_width(z, latent_dim) + checks.finite(z, "z")

    z_spec = tf.TensorSpec([None, latent_dim], tf.float32, name="z")
    count_spec = tf.TensorSpec([], tf.int32, name="num_samples")
    seed_spec = tf.TensorSpec([], tf.int64, name="seed")
    labels_spec = tf.TensorSpec([None], tf.int32, name="labels")

    if num_classes is None:

        def serve(z):
            return run_generator(checks.checked(z_checks(z), z), None)

        def sample(num_samples, seed):
            num_samples = checks.checked(checks.sample_count(num_samples, max_samples), num_samples)
            z, _ = sampling.generator_inputs(prior, None, num_samples, seed)
            return run_generator(z, None)

        archive.add_endpoint("serving_default", serve, input_signature=[z_spec])
        _add_sample(archive, model, max_samples, sample, [count_spec, seed_spec])
    else:

        def serve(z, labels):
            z, labels = checks.checked(
                z_checks(z)
                + checks.same_batch(labels, z, "labels", "z")
                + checks.labels_in_range(labels, num_classes),
                z,
                labels,
            )
            return run_generator(z, labels)

        def sample(num_samples, seed, labels):
            num_samples, labels = checks.checked(
                checks.sample_count(num_samples, max_samples)
                + checks.labels_in_range(labels, num_classes)
                + checks.labels_for_count(labels, num_samples),
                num_samples,
                labels,
            )
            z, random_labels = sampling.generator_inputs(prior, num_classes, num_samples, seed)
            labels = tf.cond(tf.shape(labels)[0] > 0, lambda: labels, lambda: random_labels)
            return run_generator(z, labels)

        archive.add_endpoint("serving_default", serve, input_signature=[z_spec, labels_spec])
        _add_sample(archive, model, max_samples, sample, [count_spec, seed_spec, labels_spec])
    latent_endpoints.add(archive, model, run_generator, value_range(model), max_samples)
    return archive


def _add_sample(archive, model, max_samples, sample, input_signature):
    """The `sample` endpoint: `sample`, or the model's own
    (`model.sample_endpoint(max_samples)`: a table model's rows)."""
    if hasattr(model, "sample_endpoint"):
        sample, input_signature = model.sample_endpoint(max_samples)
    archive.add_endpoint("sample", sample, input_signature=input_signature)


def signature_names(model):
    """The signatures `export` writes for `model`."""
    return ["serving_default", "sample"] + latent_endpoints.signature_names(model)


def _hparams(model):
    config = model.get_config()
    for key in ("generator", "discriminator", "encoder", "trainable", "dtype"):
        config.pop(key, None)
    return json.loads(json.dumps(config, default=_jsonable))


def _jsonable(value):
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def export(
    model, base_dir, version=None, max_samples=DEFAULT_MAX_SAMPLES, dataset=None, metrics=None, overwrite=False,
    signatures=None,
):
    """Exports `model`'s generator to `base_dir/<version>/`.

    Args:
        model: a `tfgan_zoo` GAN.
        base_dir: the model's directory in TF Serving's layout (e.g.
            `saved_models/dcgan`).
        version: integer version; default: one more than the highest there.
        max_samples: the largest `num_samples` the `sample` signature
            accepts, and the largest batch it will generate.
        dataset: the training dataset spec, recorded in the metadata.
        metrics: a dict of quality metrics, recorded in the metadata.
        overwrite: replace an existing `version` (otherwise an error).
        signatures: more signatures, `{name: (fn, input_signature)}`, e.g.
            `{"inpaint": latent_tools.serving.inpaint_endpoint(model)}`.

    Returns:
        The path of the new version directory.
    """
    if int(max_samples) < 1:
        raise ValueError(f"`max_samples` must be positive. Received: max_samples={max_samples!r}")
    signatures = dict(signatures or {})
    clash = sorted(set(signatures) & set(signature_names(model)))
    if clash:
        raise ValueError(f"These signatures are the export's own: {clash}. Received: signatures={sorted(signatures)}")
    if version is None:
        version = (existing_versions(base_dir) or [0])[-1] + 1
    if isinstance(version, bool) or int(version) != version or int(version) < 0:
        raise ValueError(f"`version` must be a non-negative int. Received: version={version!r}")
    path = os.path.join(base_dir, str(int(version)))
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(
            f"{path} exists; pass overwrite=True or another version. Received: version={version!r}"
        )
    metadata = {
        "model": getattr(model, "model_name", type(model).__name__),
        "class": type(model).__name__,
        "hparams": _hparams(model),
        "latent_dim": model.latent_dim,
        "num_classes": model.num_classes,
        "output_shape": list(model.sample_shape),
        "value_range": value_range(model),
        "dataset": dataset,
        "metrics": metrics or {},
        "max_samples": int(max_samples),
        "signatures": signature_names(model) + sorted(signatures),
        "package_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **getattr(model, "export_metadata", dict)(),
    }
    archive = _build_archive(model, int(max_samples))
    if signatures and model.discriminator is not None:  # They may use it (inpaint's perceptual loss).
        archive.track(model.discriminator)
    for name, (fn, input_signature) in signatures.items():
        archive.add_endpoint(name, fn, input_signature=input_signature)
    with fileio.atomic_path(path, is_dir=True) as tmp:
        archive.write_out(tmp, verbose=False)
        extra = os.path.join(tmp, "assets.extra")
        os.makedirs(extra, exist_ok=True)
        with open(os.path.join(extra, METADATA_FILE), "w") as f:
            json.dump(metadata, f, indent=2, default=_jsonable)
        # A model's own files (a table model's transformer), in the same atomic write.
        for name, content in getattr(model, "export_assets", dict)().items():
            with open(os.path.join(extra, name), "wb") as f:
                f.write(content)
        serving.write_warmup(
            os.path.join(extra, serving.WARMUP_FILE), metadata["model"], serving.warmup_requests(model, max_samples)
        )
    return path


def resolve_version_dir(path):
    """`path` if it is a SavedModel, else its highest integer version."""
    if os.path.exists(os.path.join(path, "saved_model.pb")):
        return path
    versions = existing_versions(path)
    if not versions:
        raise FileNotFoundError(f"No SavedModel (or integer version directory) at {path}. Received: path={path!r}")
    return os.path.join(path, str(versions[-1]))


def read_metadata(path):
    """The metadata dict of an export (a version dir or a base dir)."""
    with open(os.path.join(resolve_version_dir(path), "assets.extra", METADATA_FILE)) as f:
        return json.load(f)


class ExportedGenerator:
    """A loaded export, with the same `generate()` as the Keras models.

    Args:
        path: a version directory, or a base directory (its highest version).
    """

    def __init__(self, path):
        self.path = resolve_version_dir(path)
        self.metadata = read_metadata(self.path)
        self._loaded = tf.saved_model.load(self.path)
        self.latent_dim = int(self.metadata["latent_dim"])
        self.num_classes = self.metadata["num_classes"]
        self.sample_shape = tuple(self.metadata["output_shape"])
        self.max_samples = int(self.metadata.get("max_samples", DEFAULT_MAX_SAMPLES))

    @property
    def conditional(self):
        return self.num_classes is not None

    @property
    def prior(self):
        """The latent prior, from the recorded `prior` hparam."""
        return priors.latent_prior(self.metadata["hparams"].get("prior", "normal"), self.latent_dim)

    def signature(self, name):
        """The loaded signature `name` (a concrete function of tensors)."""
        return self._loaded.signatures[name]

    def generate(self, num_samples=None, z=None, labels=None, seed=0, batch_size=None):
        """Samples as NumPy (in the metadata's `value_range`), through the exported signatures.

        The arguments are checked as `GAN.generate` checks them
        (`tfgan_zoo.sampling.check_request`). A seeded request goes to
        `sample` in one call, so it takes at most the export's `max_samples`
        (the model's prior is not in the export to draw more the same way);
        `z` of any length goes to `serving_default` in batches of
        `batch_size` (default and at most `max_samples`).
        """
        n, z, labels = sampling.check_request(self.latent_dim, self.num_classes, num_samples, z, labels)
        batch_size = self.max_samples if batch_size is None else positive_int(batch_size, "batch_size")
        batch_size = min(batch_size, self.max_samples)
        if z is None:
            if isinstance(seed, (bool, float)) or int(seed) != seed:
                raise ValueError(f"`seed` must be an int. Received: seed={seed!r}")
            if n > self.max_samples:
                raise ValueError(
                    f"A seeded request takes at most the export's max_samples={self.max_samples}; pass `z` "
                    f"(sent in batches) or several seeds. Received: num_samples={n}"
                )
            return self._sample(n, int(seed), labels)
        elif self.conditional and labels is None:
            raise ValueError("This export is conditional; pass labels with z. Received: labels=None")
        serve = self._loaded.signatures["serving_default"]
        outputs = []
        for start in range(0, n, batch_size):
            inputs = {"z": tf.constant(z[start : start + batch_size])}
            if self.conditional:
                inputs["labels"] = tf.constant(labels[start : start + batch_size])
            outputs.append(serve(**inputs)["images"].numpy())
        return np.concatenate(outputs)

    def _sample(self, n, seed, labels):
        if "sample_outputs" in self.metadata:  # A table's `sample` serves rows: z drawn here, as `sample` draws it.
            z, labels = sampling.generator_inputs(self.prior, self.num_classes, n, seed, labels)
            return self.generate(z=z.numpy(), labels=None if labels is None else labels.numpy())
        inputs = {"num_samples": tf.constant(n, tf.int32), "seed": tf.constant(seed, tf.int64)}
        if self.conditional:
            inputs["labels"] = tf.constant([] if labels is None else labels, tf.int32)
        return self._loaded.signatures["sample"](**inputs)["images"].numpy()


def load(path):
    """Loads an export as an `ExportedGenerator`."""
    return ExportedGenerator(path)


def load_generator(path):
    """A trained generator from `path`: a `.keras` file (the Keras model) or a
    SavedModel version or base directory (an `ExportedGenerator`). Both have
    `generate(num_samples=, z=, labels=, seed=)`, `num_classes`,
    `latent_dim` and `sample_shape`."""
    import tfgan_zoo  # noqa: F401  (registers the model classes)

    if str(path).endswith(".keras"):
        return fileio.load_keras_model(path)  # Names the path and what is wrong with the file.
    if not os.path.isdir(path):
        raise FileNotFoundError(
            f"{path} is neither a .keras file nor a SavedModel directory. Received: model_path={path!r}"
        )
    return load(path)
