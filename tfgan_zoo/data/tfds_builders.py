"""tensorflow-datasets builders that this package ships, and tfds offline checks.

The builders here generate their data themselves, so `tfds.load` prepares
them with no network at all. Importing this module registers them with
tfds (as `tfds.load("toy_mixture/ring8")`, ...).

Datasets that tfds downloads (`mnist`, `cifar10`, ...) need the network the
first time. Offline, tfds retries each download for minutes before failing;
`check_can_download` fails within seconds instead, with a message naming the
local-file sources.
"""

import contextlib
import socket
import threading

import numpy as np
import tensorflow_datasets as tfds

LOCAL_FILES_HINT = (
    "Offline, use local files instead: idx:<dir> for MNIST-format files, folder:<dir> "
    "for images, or prepare the dataset once on a machine with internet access and "
    "pass its data_dir."
)

# Where tensorflow-datasets downloads most datasets from (and its own
# prepared copies); if it cannot be reached, neither can the dataset.
_PROBE_HOST = ("storage.googleapis.com", 443)
_PROBE_SECONDS = 3.0


def _reachable(address, seconds):
    """Whether a TCP connection to `address` opens within `seconds`.

    Name resolution has no timeout of its own, so the probe runs in a
    daemon thread that is abandoned if it takes too long.
    """
    result = []

    def probe():
        try:
            socket.create_connection(address, timeout=seconds).close()
            result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(seconds)
    return bool(result and result[0])


def download_retries(builder):
    """A context for `tfds.load(builder's dataset)` that fails fast offline.

    When `builder` still needs a download and the download host cannot be
    reached, tfds' retries (minutes of back-off) are turned off, so the
    load fails within seconds; online, or when nothing is downloaded (a
    prepared dataset, a package builder, `tfds.testing.mock_data`), tfds
    keeps its retries.
    """
    from tfgan_zoo import compat

    if builder.is_prepared() or is_package_builder(builder):
        return contextlib.nullcontext()
    if _reachable(_PROBE_HOST, _PROBE_SECONDS):
        return contextlib.nullcontext()
    return compat.tfds_download_retries(0)


def is_package_builder(builder):
    """Whether `builder` is one of this package's builders (`ring8`,
    `waves`, `voxel_shapes`, ...), which generate their data: no download."""
    return type(builder).__module__.startswith("tfgan_zoo.")


class ToyMixture(tfds.core.GeneratorBasedBuilder):
    """2-D mixtures of Gaussians that probe mode collapse (`ring8`, `grid25`).

    The same points as the in-memory `ring8` / `grid25` sources of
    `tfgan_zoo.data`: 10,000 fixed points (seed 0), labelled by mode.
    """

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "Ring of 8 and grid of 25 Gaussians."}
    BUILDER_CONFIGS = [
        tfds.core.BuilderConfig(name="ring8", description="A ring of 8 Gaussians."),
        tfds.core.BuilderConfig(name="grid25", description="A 5x5 grid of Gaussians."),
    ]

    def _info(self):
        from tfgan_zoo import data

        centers, _ = data.toy_modes(self.builder_config.name)
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "point": tfds.features.Tensor(shape=(2,), dtype=np.float32),
                    "label": tfds.features.ClassLabel(num_classes=len(centers)),
                }
            ),
            supervised_keys=("point", "label"),
        )

    def _split_generators(self, dl_manager):
        del dl_manager  # Nothing to download.
        return {"train": self._generate_examples()}

    def _generate_examples(self):
        from tfgan_zoo import data

        points, labels = data.load_arrays(self.builder_config.name)
        for i, (point, label) in enumerate(zip(points, labels)):
            yield i, {"point": point, "label": int(label)}

