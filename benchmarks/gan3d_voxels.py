"""gan3d on the procedural voxel shapes at 32^3, with a small 3-D classifier.

- **Data**: `tfgan_zoo.data.voxels.voxel_shapes` at 32^3 (six classes, one
  in six each): `--train` shapes (seed 0) for the GAN, other shapes (seed 1)
  to train the classifier, and held-out ones (seed 2) for its accuracy.
- **Classifier**: `tfgan_zoo.metrics.voxel_classes`, a random forest on
  rotation-invariant shape descriptors, trained on 600 shapes of seed 1
  (whatever `--train` is) and a degraded copy of each; its held-out accuracy (seed 2) is
  printed, on the shapes and on degraded copies of them. (A small 3-D CNN
  trained for minutes reached only 0.23-0.64 here.)
- **GAN**: `gan3d` (width `--width`, z of 200; Adam learning rates and
  the adaptive rule's threshold by flags, the paper's by default) trained
  for a wall-clock budget (`--seconds`, after a one-step warm-up); the
  time per step and per epoch (`--train` shapes) are measured, and every
  `--report_every` epochs the classes of 60 samples are printed.
- **Scores** on `--num_samples` samples thresholded at 0.5: the class
  histogram by the classifier (coverage = classes that get at least 2% of
  the samples; it reads each grid's largest connected component), the
  same counting only the samples whose class the forest gives at least
  `voxel_classes.CONFIDENT` (0.5; "confident coverage", beside the share
  of degraded real shapes that reach it), the
  share of occupied voxels outside that component (stray voxels), the
  share of disc-shaped samples (`flat_share`; of the classes only tori are flat), the
  Frechet distance of the standardised descriptors
  against as many real shapes (and the same for a real-vs-real split, the
  floor), and the IoU of
  each sample with its nearest training shape (memorisation: 1 = a copy).
- **Model**: `--save PATH` keeps the trained model (`.keras`, written
  atomically); `--load PATH` scores a saved one without training.
- **Outputs**: rendered views of samples by the classifier's class, and of
  a real shape of each class (`--figure`, max projections along the three
  axes, `tfgan_zoo.volumes.render`) and one
  sample as an `.obj` mesh by marching cubes (`--obj`).

    python benchmarks/gan3d_voxels.py                 # about 6 minutes on a shared 2-core CPU
    python benchmarks/gan3d_voxels.py --seconds 30 --train 120 --num_samples 60   # a quick check

Run it from the repository root; it prints a table and writes JSON (`--output`).
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo import fileio  # noqa: E402
from tfgan_zoo import volumes  # noqa: E402
from tfgan_zoo.benchmarking import timing  # noqa: E402
from tfgan_zoo.data import voxels as voxels_lib  # noqa: E402
from tfgan_zoo.metrics import frechet  # noqa: E402
from tfgan_zoo.metrics import voxel_classes  # noqa: E402

import figures  # noqa: E402  (benchmarks/figures.py)

SIDE = 32
CLASSIFIER_SHAPES = 600  # The judge's training shapes: the same whatever `--train` is.


def shapes(n, seed):
    x, y = voxels_lib.voxel_shapes(n, SIDE, seed=seed)
    return x[..., None].astype(np.float32), y


def nearest_iou(samples, train):
    a = samples.reshape(len(samples), -1).astype(np.float32)
    b = train.reshape(len(train), -1).astype(np.float32)
    inter = a @ b.T
    union = a.sum(1)[:, None] + b.sum(1)[None, :] - inter
    return (inter / np.maximum(union, 1)).max(axis=1)


def flat_share(descriptors):
    """The share of grids shaped like a disc: the third principal spread under
    0.4 of the first, the second over 0.8 of it (real tori: 0.28 and 0.99;
    the other classes' third spread: 0.59-1.0)."""
    return float(((descriptors[:, 2] < 0.4) & (descriptors[:, 1] > 0.8)).mean())


def figure(samples, predicted, real, path, per_class=2):
    """One column per class: the first `per_class` samples the classifier
    puts in it (blank if fewer), then a real shape of it (`real` cycles
    through the classes)."""
    rows = []
    for k in range(per_class):
        picks = [np.flatnonzero(predicted == c) for c in range(len(voxels_lib.CLASSES))]
        grids = np.stack([samples[i[k]] if k < len(i) else np.zeros_like(samples[0]) for i in picks])
        rows.append((f"generated {k + 1}", volumes.render(grids)))
    rows.append(("real", volumes.render(real[: len(voxels_lib.CLASSES)])))
    title = f"gan3d at 32^3 by the classifier's class ({', '.join(voxels_lib.CLASSES)}): max projections"
    return figures.save_rows(rows, path, title, cell=(2.2, 1.0))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--train", type=int, default=600)
    parser.add_argument("--width", type=int, default=4)
    parser.add_argument("--batch_size", type=int, default=16)
    parser.add_argument("--g_learning_rate", type=float, default=0.0025, help="Adam's (beta_1 0.5); the paper: 0.0025")
    parser.add_argument("--d_learning_rate", type=float, default=1e-5, help="Adam's (beta_1 0.5); the paper: 1e-5")
    parser.add_argument("--d_accuracy_threshold", type=float, default=0.8, help="the paper's adaptive rule (above 1: off)")
    parser.add_argument("--r1_weight", type=float, default=0.0, help="R1 penalty on D's real inputs (0: off, the paper)")
    parser.add_argument("--minibatch_features", default=None, choices=["stddev"],
                        help="'stddev': the minibatch standard deviation as a channel in D (default: off, the paper)")
    parser.add_argument("--packing", type=int, default=1, help="grids D judges at once (PacGAN; 1: off, the paper)")
    parser.add_argument("--precision", default="float32", choices=["float32", "bfloat16"],
                        help="the model's precision hparam (bfloat16: mixed, float32 variables)")
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow intra- and inter-op threads (0: default)")
    parser.add_argument("--report_every", type=int, default=10, help="epochs between class-coverage readouts (0: none)")
    parser.add_argument("--num_samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figure", default="docs/gan3d_voxels.png")
    parser.add_argument("--obj", default="docs/gan3d_sample.obj")
    parser.add_argument("--output", default="benchmarks/results/gan3d_voxels.json")
    parser.add_argument("--save", default=None, help="write the trained model here (.keras)")
    parser.add_argument("--load", default=None, help="score this saved model (.keras) instead of training one")
    args = parser.parse_args(argv)
    bench.check_model_paths(parser, args)
    bench.limit_threads(args.threads)
    machine = bench.machine_info()
    print(bench.describe_machine(machine))
    print(f"budget: {args.seconds:g} s of GAN training, {args.train} shapes, batch {args.batch_size}, "
          f"r1_weight {args.r1_weight:g}, minibatch_features {args.minibatch_features}, packing {args.packing}, precision {args.precision}")
    keras.utils.set_random_seed(args.seed)
    x_train, _ = shapes(args.train, 0)
    x_test, y_test = shapes(args.num_samples, 2)
    clf = voxel_classes.fit_shape_classifier(SIDE, CLASSIFIER_SHAPES, seed=1)
    clf_accuracy = float((clf.predict(voxel_classes.shape_descriptors(x_test)) == y_test).mean())
    rng = np.random.default_rng(2)
    rough = np.stack([voxel_classes.degrade(g, rng) for g in x_test[..., 0]])
    clf_accuracy_rough = float((clf.predict(voxel_classes.shape_descriptors(rough)) == y_test).mean())
    sure_rough = float(voxel_classes.class_histogram(rough, clf, len(voxels_lib.CLASSES), voxel_classes.CONFIDENT)[0].sum())
    print(f"shape classifier: held-out accuracy {clf_accuracy:.3f}, on degraded held-out shapes {clf_accuracy_rough:.3f}; "
          f"degraded shapes at confidence >= {voxel_classes.CONFIDENT}: {sure_rough:.3f}")

    if args.load:
        model, steps, seconds, step_seconds = fileio.load_keras_model(args.load), None, None, None
    else:
        model, steps, seconds, step_seconds = train(args, x_train, clf)
    if args.save:
        fileio.save_keras_model(model, args.save)
        print(f"saved {args.save}")
    per_epoch = args.train // args.batch_size
    score(args, model, x_train, x_test, clf, (clf_accuracy, clf_accuracy_rough, sure_rough), steps, seconds, step_seconds, per_epoch, machine)


def train(args, x_train, clf):
    """`(model, G steps, seconds, seconds per step)` of `gan3d` trained for `--seconds`."""
    model = tfgan_zoo.create("gan3d", sample_shape=(SIDE,) * 3 + (1,), width=args.width, seed=args.seed,
                             d_accuracy_threshold=args.d_accuracy_threshold, r1_weight=args.r1_weight,
                             minibatch_features=args.minibatch_features, packing=args.packing, precision=args.precision, compile=False)
    model.compile(g_optimizer=keras.optimizers.Adam(args.g_learning_rate, beta_1=0.5),
                  d_optimizer=keras.optimizers.Adam(args.d_learning_rate, beta_1=0.5))
    per_epoch = args.train // args.batch_size
    ds = (tf.data.Dataset.from_tensor_slices(x_train).shuffle(len(x_train), seed=args.seed).repeat()
          .batch(args.batch_size, drop_remainder=True).prefetch(2))
    model.fit(ds, steps_per_epoch=1, epochs=1, verbose=0)  # Warm-up: traces the step.
    budget = timing.TimeBudget(args.seconds)

    def progress(epoch, logs):
        line = (f"epoch {epoch + 1}: {budget.steps} steps, {time.perf_counter() - budget.start:.0f} s, "
                f"d_accuracy {logs['d_accuracy']:.2f}, d_updated {logs['d_updated']:.2f}")
        if args.report_every and (epoch + 1) % args.report_every == 0:
            histogram, _ = voxel_classes.class_histogram(
                (model.generate(60, seed=1) > 0.5).astype(np.float32), clf, len(voxels_lib.CLASSES))
            line += ", classes of 60 samples: " + " ".join(f"{c} {h:.2f}" for c, h in zip(voxels_lib.CLASSES, histogram))
        print(line, flush=True)

    model.fit(ds, steps_per_epoch=per_epoch, epochs=10**6, verbose=0, callbacks=[budget, keras.callbacks.LambdaCallback(on_epoch_end=progress)])
    seconds = time.perf_counter() - budget.start
    return model, budget.steps + 1, seconds, seconds / budget.steps


def score(args, model, x_train, x_test, clf, clf_accuracies, steps, seconds, step_seconds, per_epoch, machine):
    """Prints the table and writes the JSON, the figure and the mesh."""
    samples = (model.generate(args.num_samples, seed=1) > 0.5).astype(np.float32)
    histogram, empty = voxel_classes.class_histogram(samples, clf, len(voxels_lib.CLASSES))
    sure, _ = voxel_classes.class_histogram(samples, clf, len(voxels_lib.CLASSES), voxel_classes.CONFIDENT)
    real_d = voxel_classes.shape_descriptors(x_test)
    mean, std = real_d.mean(axis=0), real_d.std(axis=0) + 1e-6
    features = lambda x: (voxel_classes.shape_descriptors(x) - mean) / std  # noqa: E731
    half = len(x_test) // 2
    fid = frechet.frechet_distance(features(samples), features(x_test))
    fid_real = frechet.frechet_distance(features(x_test[:half]), features(shapes(half, 3)[0]))
    iou = nearest_iou(samples[..., 0], x_train[..., 0])
    timed = seconds is not None
    row = {
        "steps": steps, "train_seconds": round(seconds, 1) if timed else None,
        "seconds_per_step": round(step_seconds, 2) if timed else None,
        "seconds_per_epoch": round(step_seconds * per_epoch, 1) if timed else None, "classifier_accuracy": clf_accuracies[0], "classifier_accuracy_degraded": clf_accuracies[1],
        "degraded_real_confident": clf_accuracies[2],
        "classes_covered": int((histogram >= 0.02).sum()), "class_histogram": dict(zip(voxels_lib.CLASSES, histogram.round(3))),
        "classes_covered_confident": int((sure >= 0.02).sum()), "confident_share": float(sure.sum()),
        "class_histogram_confident": dict(zip(voxels_lib.CLASSES, sure.round(3))),
        "fid": float(fid), "fid_real_vs_real": float(fid_real), "nn_iou_mean": float(iou.mean()),
        "nn_iou_max": float(iou.max()), "empty_samples": empty,
        "stray_voxel_share": float(voxel_classes.stray_share(samples).mean()),
        "flat_share": flat_share(voxel_classes.shape_descriptors(samples)), "flat_share_real": flat_share(real_d),
    }
    columns = ["steps", "seconds_per_epoch", "classifier_accuracy", "classes_covered", "classes_covered_confident",
               "confident_share", "fid", "fid_real_vs_real", "nn_iou_mean", "stray_voxel_share", "empty_samples"]
    print(bench.format_table(columns, [[f"{row[c]:.4g}" if isinstance(row[c], float) else str(row[c]) for c in columns]]))
    print("class histogram of samples:", row["class_histogram"])
    print(f"of the samples at confidence >= {voxel_classes.CONFIDENT}:", row["class_histogram_confident"])
    print(f"disc-shaped (flat) samples: {row['flat_share']:.3f}; real shapes: {row['flat_share_real']:.3f}")
    if args.figure:
        figure(samples, clf.predict(voxel_classes.shape_descriptors(samples)), x_test, args.figure)
    if args.obj:
        probabilities = model.generate(8, seed=2)[..., 0]
        best = int(np.argmax([(p > 0.5).sum() for p in probabilities]))
        if 0.0 < probabilities[best].min() < 0.5 < probabilities[best].max():
            volumes.write_obj(args.obj, *volumes.mesh(probabilities[best]))
    bench.write_json(args.output, {"args": vars(args), "machine": machine, "result": row})
    print(f"wrote {args.output}")


if __name__ == "__main__":
    sys.exit(main())
