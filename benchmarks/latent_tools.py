r"""Measures the latent tools on real MNIST; prints a table, writes JSON and figures.

    python benchmarks/latent_tools.py --data=idx:../shared/data/mnist \
        --output=benchmarks/results/latent_tools.json --figures=docs

Protocol (the 10,000 MNIST images of ../shared/data/mnist):

- rows [0, 8000): train a DCGAN (`--epochs`, `--width`, `--latent_dim`)
  and label the probes; rows [9000, 10000): held out from everything, the
  inpainting and probe test images (`--num_test` of them for inpainting);
- the domain classifier (`tfgan_zoo.metrics`) trains on rows [0, 9000)
  and holds out the rest, so it never sees the held-out rows either;
- inpainting (`latent_tools.inpaint`, `--search_steps`, `--restarts`) with the
  80%-random-pixel, centre-block and half masks: PSNR on the hole and the
  classifier's accuracy on the completed images, for each `--combine`
  fill (the figures show the first), against the mean-image and
  nearest-neighbour (from the 8,000 training rows) fills;
- discriminator features (`latent_tools.features`) with 100, 1,000 and
  8,000 labels: a logistic-regression probe on the trained discriminator's
  features, on a randomly initialised one's, and on raw pixels;
- ablation: the mean ink mass after dropping the `--num_filters` filters
  most active on thick strokes, against as many random ones.

Budget: the defaults (4 epochs, 100 images per mask, 200 search steps, 2
restarts) took 949 s (16 minutes; the JSON's `seconds`) on a 2-core CPU
with a load average near 25 from other jobs. The README's run (20 epochs,
1,000 search steps, 4 restarts, both fills) took 1,447 s at a load average
of 5-6: 4.5 minutes of setup and training, about 3 per mask and fill. `--epochs`, `--num_test`,
`--search_steps` and `--restarts` scale it. The domain classifier trains
once (about 10 minutes under that load) and is cached.
"""

import os
import sys
import time

from absl import app
from absl import flags

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FLAGS = flags.FLAGS
flags.DEFINE_string("data", "idx:../shared/data/mnist", "MNIST as a data spec.")
flags.DEFINE_integer("epochs", 4, "DCGAN training epochs on the 8,000 training rows.")
flags.DEFINE_integer("width", 32, "DCGAN width.")
flags.DEFINE_integer("latent_dim", 64, "DCGAN latent size.")
flags.DEFINE_integer("num_test", 100, "Held-out images to inpaint per mask.")
flags.DEFINE_integer("search_steps", 200, "Adam steps of the latent search.")
flags.DEFINE_integer("restarts", 2, "Random starts of the latent search.")
flags.DEFINE_list("combine", ["best"], "Fills of the latent search: best (the winning start's), mean (every start's mean).")
flags.DEFINE_integer("num_filters", 8, "Filters dropped by the ablation.")
flags.DEFINE_integer("seed", 0, "Seed of the model, the data order and the searches.")
flags.DEFINE_string("output", "benchmarks/results/latent_tools.json", "JSON report.")
flags.DEFINE_string("figures", "docs", "Directory of the PNG figures.")
flags.DEFINE_string("model_out", "/tmp/latent_tools_dcgan.keras", "Where the trained DCGAN is saved.")

MASKS = ("random", "center", "half")
LABEL_COUNTS = (100, 1000, 8000)


def train_dcgan(x_train):
    import tfgan_zoo

    gan = tfgan_zoo.create("dcgan", sample_shape=x_train.shape[1:], latent_dim=FLAGS.latent_dim,
                           width=FLAGS.width, seed=FLAGS.seed)
    gan.fit(x_train, batch_size=64, epochs=FLAGS.epochs, verbose=2, shuffle=True)
    gan.save(FLAGS.model_out)
    return gan


def inpainting_rows(gan, classifier, x_test, y_test, x_train):
    import numpy as np

    from tfgan_zoo.latent_tools import evaluation
    from tfgan_zoo.latent_tools import masks as masks_lib
    from tfgan_zoo.latent_tools import inpainting

    def accuracy(images):
        return float(np.mean(classifier.features_and_logits(images)[1].argmax(axis=1) == y_test))

    rows, completions = [], {}
    for kind in MASKS:
        masks = masks_lib.make_masks(kind, len(x_test), x_test.shape[1:], FLAGS.seed)
        fills, seconds = {}, {}
        for combine in FLAGS.combine:
            method = "latent search" + ("" if combine == "best" else f" ({combine} of starts)")
            start = time.time()
            out = inpainting.inpaint(gan, x_test, masks, seed=FLAGS.seed, steps=FLAGS.search_steps,
                                     restarts=FLAGS.restarts, batch_size=100, combine=combine)
            fills[method], seconds[method] = out["completed"], time.time() - start
            completions.setdefault(kind, (masks, out["completed"]))
        fills.update({"mean image": evaluation.mean_fill(x_test, masks, x_train),
                      "nearest neighbour": evaluation.nearest_neighbour_fill(x_test, masks, x_train)})
        for method, filled in fills.items():
            rows.append({"mask": kind, "method": method, "psnr_hole_db": evaluation.hole_psnr(x_test, filled, masks),
                         "classifier_accuracy": accuracy(filled), "seconds": seconds.get(method)})
    rows.append({"mask": "none", "method": "original", "psnr_hole_db": None,
                 "classifier_accuracy": accuracy(x_test), "seconds": None})
    return rows, completions


def probe_rows(gan, x_train, y_train, x_test, y_test):
    from tfgan_zoo.latent_tools import features

    random_gan = features.untrained_copy(gan, seed=FLAGS.seed + 1)
    sets = {
        "trained discriminator": (features.discriminator_features(gan, x_train), features.discriminator_features(gan, x_test)),
        "random discriminator": (features.discriminator_features(random_gan, x_train),
                                 features.discriminator_features(random_gan, x_test)),
        "raw pixels": (x_train, x_test),
    }
    rows = []
    for name, (train_f, test_f) in sets.items():
        for n in LABEL_COUNTS:
            acc = features.linear_probe(train_f[:n], y_train[:n], test_f, y_test, seed=FLAGS.seed)
            rows.append({"features": name, "labels": n, "dims": int(train_f[:1].reshape(1, -1).shape[1]), "accuracy": acc})
    return rows


def write_figures(gan, x_test, completions):
    from tfgan_zoo import images as images_lib
    from tfgan_zoo.latent_tools import ablation
    from tfgan_zoo.latent_tools import figures

    out = {}
    images, rows = figures.walk_figure(gan, num_walks=6, steps=10, seed=FLAGS.seed)
    out["walks"] = images_lib.save_grid(os.path.join(FLAGS.figures, "latent_walks.png"), images, rows=rows)
    images, rows, arith = figures.arithmetic_figure(gan, grid_size=256, seed=FLAGS.seed)
    out["arithmetic"] = images_lib.save_grid(os.path.join(FLAGS.figures, "latent_arithmetic.png"), images, rows=rows)
    for kind in ("random", "center"):
        masks, completed = completions[kind]
        images, rows = figures.inpaint_figure(x_test[:10], masks[:10], completed[:10])
        out[f"inpaint_{kind}"] = images_lib.save_grid(os.path.join(FLAGS.figures, f"latent_inpaint_{kind}.png"), images, rows=rows)
    images, rows, info = ablation.ablation_figure(gan, FLAGS.num_filters, num_samples=10, seed=FLAGS.seed)
    out["ablation"] = images_lib.save_grid(os.path.join(FLAGS.figures, "latent_ablation.png"), images, rows=rows)
    from tfgan_zoo.latent_tools import arithmetic

    ink = {"thick exemplars (A)": arithmetic.ink_mass(arith["grid"][arith["a"]]).mean(),
           "thin exemplars (C)": arithmetic.ink_mass(arith["grid"][arith["c"]]).mean(),
           "A - B + C": arithmetic.ink_mass(arith["images"]).mean()}
    return out, {k: float(v) for k, v in ink.items()}, info


def main(argv):
    del argv
    start = time.time()
    import numpy as np

    from tfgan_zoo import benchmarking
    from tfgan_zoo import data
    from tfgan_zoo.benchmarking import report
    from tfgan_zoo.metrics.extractors import DomainClassifier

    x, y = data.load_arrays(FLAGS.data, split="test")
    order = np.random.default_rng(FLAGS.seed).permutation(8000)
    x_train, y_train = x[:8000][order], y[:8000][order]
    x_heldout, y_heldout = x[9000:], y[9000:]
    x_test, y_test = x_heldout[: FLAGS.num_test], y_heldout[: FLAGS.num_test]
    # Trains on test[:90%] (rows [0, 9000)) and holds out the rest: our held-out rows.
    classifier = DomainClassifier.for_dataset(FLAGS.data, split="test", holdout=0.1, verbose=2)
    gan = train_dcgan(x_train)
    trained = time.time() - start
    inpaint, completions = inpainting_rows(gan, classifier, x_test, y_test, x_train)
    probes = probe_rows(gan, x_train, y_train, x_heldout, y_heldout)
    figures, ink, ablation = write_figures(gan, x_test, completions)
    result = {
        "settings": {name: FLAGS[name].value for name in ("data", "epochs", "width", "latent_dim", "num_test",
                                                          "search_steps", "restarts", "num_filters", "seed")},
        "classifier_accuracy": classifier.accuracy, "inpainting": inpaint, "probes": probes,
        "arithmetic_ink_mass": ink, "ablation": ablation, "figures": figures,
        "machine": benchmarking.machine_info(), "seconds": {"setup_and_training": trained, "total": time.time() - start},
    }
    fmt = lambda v: "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    print(report.format_table(["mask", "method", "PSNR hole (dB)", "classifier acc", "seconds"],
                              [[fmt(r[k]) for k in ("mask", "method", "psnr_hole_db", "classifier_accuracy", "seconds")]
                               for r in inpaint]))
    print(report.format_table(["features", "labels", "dims", "accuracy"],
                              [[fmt(r[k]) for k in ("features", "labels", "dims", "accuracy")] for r in probes]))
    print(f"arithmetic ink mass: {ink}\nablation: {ablation}")
    report.write_json(FLAGS.output, result)
    print(f"wrote {FLAGS.output} in {time.time() - start:.0f} s")


if __name__ == "__main__":
    app.run(main)
