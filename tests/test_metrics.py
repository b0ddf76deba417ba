"""Feature extractors, evaluation protocols, the metrics callback and the
evaluate launcher. (The metric functions are in test_metric_functions.py.)"""

import json
import os

import keras
import numpy as np
import pytest
from helpers import requires_shared_mnist
from helpers import launcher_call
from helpers import run_many
from helpers import run_module
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo import callbacks
from tfgan_zoo import data
from tfgan_zoo import metrics
from tfgan_zoo.metrics import extractors
from tfgan_zoo.metrics import registry

FAST_CLASSIFIER = {"epochs": 1, "min_steps": 60}


# ----------------------------------------------------------------------
# Mode coverage on the toy datasets.


@pytest.mark.parametrize("spec, modes", [("ring8", 8), ("grid25", 25)])
def test_real_toy_samples_cover_every_mode(spec, modes):
    centers, std = data.toy_modes(spec)
    real, labels = data.load_arrays(spec)
    result = metrics.mode_coverage(real[:5000], centers, std)
    assert result["modes_covered"] == result["num_modes"] == modes
    assert result["high_quality_fraction"] > 0.98
    assert sorted(set(labels.tolist())) == list(range(modes))


def test_collapsed_and_off_mode_samples():
    centers, std = data.toy_modes("ring8")
    collapsed = centers[3] + np.random.default_rng(0).normal(0, std, (1000, 2))
    result = metrics.mode_coverage(collapsed, centers, std)
    assert result["modes_covered"] == 1 and result["counts"][3] > 950
    far = np.zeros((100, 2))  # The ring's centre is far from every mode.
    assert metrics.mode_coverage(far, centers, std) == {
        "modes_covered": 0,
        "num_modes": 8,
        "high_quality_fraction": 0.0,
        "counts": [0] * 8,
    }
    # A stray point or two does not make a mode covered.
    mostly_one = np.concatenate([collapsed, centers[5:6]])
    assert metrics.mode_coverage(mostly_one, centers, std)["modes_covered"] == 1
    with pytest.raises(ValueError, match=r"Received: samples of shape \(3,\)"):
        metrics.mode_coverage(np.zeros(3), centers, std)


# ----------------------------------------------------------------------
# The domain classifier.


@pytest.mark.slow  # Trains the real MNIST classifier: about 100 s.
@requires_shared_mnist()
def test_mnist_domain_classifier_reaches_98_percent_on_held_out_data(tmp_path):
    clf = extractors.DomainClassifier.for_dataset("idx:../shared/data/mnist", cache=str(tmp_path))
    assert clf.name == "mnistclf"
    assert clf.info["heldout_examples"] == 1000 and clf.info["train_examples"] == 9000
    assert clf.accuracy >= 0.98, clf.accuracy
    # Independently: the held-out slice, predicted again.
    x_test, y_test = data.load_arrays("idx:../shared/data/mnist", "train[90%:]")
    _, logits = clf.features_and_logits(x_test)
    assert np.mean(logits.argmax(axis=1) == y_test) == pytest.approx(clf.accuracy)
    # Cached: the second call loads the same network.
    again = extractors.DomainClassifier.for_dataset("idx:../shared/data/mnist", cache=str(tmp_path))
    np.testing.assert_allclose(again.features_and_logits(x_test[:50])[0], clf.features_and_logits(x_test[:50])[0])


def test_domain_classifier_cache_key_follows_the_settings(tmp_path, capsys):
    a = extractors.DomainClassifier.for_dataset("digits", cache=str(tmp_path), verbose=2, **FAST_CLASSIFIER)
    said = capsys.readouterr()
    assert "Training the digitsclf domain classifier (no cached one): 1617 examples" in said.err
    assert f"digitsclf held-out accuracy: {100 * a.accuracy:.2f}% on 180 examples" in said.err
    assert "Epoch 1/3" in said.out  # Keras' progress, a line per epoch.
    # An explicit image_shape equal to the data's own is the same classifier.
    same = extractors.DomainClassifier.for_dataset("digits", cache=str(tmp_path), image_shape=(8, 8, 1), verbose=1, **FAST_CLASSIFIER)
    assert len(os.listdir(tmp_path / "classifiers")) == 2 and same.accuracy == a.accuracy
    assert "Loaded the cached digitsclf domain classifier" in capsys.readouterr().err
    b = extractors.DomainClassifier.for_dataset("digits", cache=str(tmp_path), image_shape=(16, 16, 1), **FAST_CLASSIFIER)
    assert a.image_shape == (8, 8, 1) and b.image_shape == (16, 16, 1)
    assert len(os.listdir(tmp_path / "classifiers")) == 4  # Two networks, two info files.
    with pytest.raises(ValueError, match=r"Received: images of shape \(2, 16, 16, 1\)"):
        a.features_and_logits(np.zeros((2, 16, 16, 1), np.float32))
    assert extractors.dataset_slug("idx:../shared/data/mnist") == "mnist"
    assert extractors.dataset_slug("tfds:cifar10") == "cifar10"


def test_inception_without_weights_offline_is_a_clear_error():
    cached = os.path.join(
        os.path.expanduser("~"), ".keras", "models", "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
    )
    if os.path.exists(cached):
        pytest.skip(f"InceptionV3 weights are cached at {cached}; nothing to download")
    with pytest.raises(RuntimeError, match=r"not available offline.*--inception_weights=<path>"):
        extractors.InceptionExtractor(weights="imagenet")
    with pytest.raises(FileNotFoundError, match=r"Received: weights='/no/such.h5'"):
        extractors.InceptionExtractor(weights="/no/such.h5")


def test_inception_features_with_local_weights(tmp_path):
    # A weights file on disk is the offline path; random weights stand in
    # for the real ones here.
    path = str(tmp_path / "inception_notop.weights.h5")
    keras.applications.InceptionV3(include_top=False, weights=None, pooling="avg").save_weights(path)
    extractor = extractors.InceptionExtractor(weights=path)
    features, logits = extractor.features_and_logits(np.zeros((2, 28, 28, 1), np.float32))
    assert features.shape == (2, 2048) and logits is None and np.all(np.isfinite(features))


# ----------------------------------------------------------------------
# The Evaluator.


@pytest.fixture(scope="module")
def digits_evaluator(tmp_path_factory):
    cache = str(tmp_path_factory.mktemp("cache"))
    return metrics.Evaluator(
        "digits",
        metrics=("fid", "kid", "cs", "pr", "cacc"),
        num_samples=600,
        cache=cache,
        classifier_kwargs=FAST_CLASSIFIER,
    )


def test_protocol_names(digits_evaluator):
    assert metrics.count_tag(10_000) == "10k" and metrics.count_tag(1797) == "1797"
    names = digits_evaluator.names()
    assert "fid_digitsclf_600" in names and "kid_digitsclf_600_std" in names
    assert {"precision_digitsclf_600", "recall_digitsclf_600", "coverage_digitsclf_600"} <= set(names)
    assert not [n for n in names if n.startswith("cacc")]  # Only for conditional models.


def test_real_halves_beat_an_untrained_generator(digits_evaluator):
    ceiling = digits_evaluator.evaluate_real_halves()
    assert set(ceiling) >= {"fid_digitsclf_300", "precision_digitsclf_300"}
    floor = digits_evaluator.evaluate(tiny_model("dcgan"))
    assert set(floor) == set(digits_evaluator.names())
    assert ceiling["fid_digitsclf_300"] * 5 < floor["fid_digitsclf_600"]
    assert ceiling["recall_digitsclf_300"] > floor["recall_digitsclf_600"]


def test_evaluator_caches_real_features(digits_evaluator, tmp_path):
    digits_evaluator.real_features()
    stats = os.listdir(os.path.join(digits_evaluator.cache, "stats"))
    assert len(stats) == 1 and stats[0].startswith("digitsclf-")
    twin = metrics.Evaluator(
        "digits", metrics=("fid",), num_samples=600, cache=digits_evaluator.cache, classifier_kwargs=FAST_CLASSIFIER
    )
    np.testing.assert_array_equal(twin.real_features()[0], digits_evaluator.real_features()[0])
    # The data's own shape, passed explicitly, finds the same classifier and statistics.
    explicit = metrics.Evaluator(
        "digits", metrics=("fid",), num_samples=600, image_shape=(8, 8, 1), cache=digits_evaluator.cache,
        classifier_kwargs=FAST_CLASSIFIER,
    )
    np.testing.assert_array_equal(explicit.real_features()[0], digits_evaluator.real_features()[0])
    assert len(os.listdir(os.path.join(digits_evaluator.cache, "stats"))) == 1
    assert len(os.listdir(os.path.join(digits_evaluator.cache, "classifiers"))) == 2


def test_conditional_accuracy(digits_evaluator):
    model = tiny_model("cgan")
    results = digits_evaluator.evaluate(model)
    assert 0.0 <= results["cacc_digitsclf_600"] <= 1.0
    # Real images with their true labels: the classifier mostly agrees.
    images, labels = data.load_arrays("digits")
    right = digits_evaluator.evaluate_samples(images[:600], labels[:600])["cacc_digitsclf_600"]
    wrong = digits_evaluator.evaluate_samples(images[:600], (labels[:600] + 1) % 10)["cacc_digitsclf_600"]
    assert right > 0.7 > 0.2 > wrong


def test_evaluator_scores_an_export_like_the_keras_model(digits_evaluator, tmp_path):
    from tfgan_zoo import export as export_lib

    model = tiny_model("dcgan")
    exported = export_lib.load(export_lib.export(model, str(tmp_path / "dcgan")))
    a, b = digits_evaluator.evaluate(model), digits_evaluator.evaluate(exported)
    assert a["fid_digitsclf_600"] == pytest.approx(b["fid_digitsclf_600"], rel=1e-4)


def test_toy_evaluator():
    ev = metrics.Evaluator("ring8", num_samples=2000)
    ceiling = ev.evaluate_real_halves()
    assert ceiling["modes_ring8_1k"] == 8 and ceiling["hq_ring8_1k"] > 0.98
    centers, std = data.toy_modes("ring8")
    collapsed = np.repeat(centers[:1], 2000, axis=0)
    results = ev.evaluate_samples(collapsed)
    assert results["modes_ring8_2k"] == 1 and results["mmd_ring8_2k"] > ceiling["mmd_ring8_1k"]


def test_evaluator_errors():
    with pytest.raises(ValueError, match=r"Unknown metric\(s\) \['fid'\] for ring8.*Valid metrics: \['modes', 'mmd'\]"):
        metrics.Evaluator("ring8", metrics=("fid",))
    with pytest.raises(ValueError, match=r"Received: num_samples=1"):
        metrics.Evaluator("ring8", num_samples=1)


# ----------------------------------------------------------------------
# The metric table.


def test_a_registered_toy_metric_is_named_and_computed_from_the_table(monkeypatch):
    monkeypatch.setattr(registry, "_METRICS", dict(registry._METRICS))  # Restored afterwards.

    @metrics.register_metric("spread", kind="toy", outputs=("spread", "spread_std"))
    def _spread(x):
        """Distance of the points from their centroid."""
        distances = np.linalg.norm(x.fake - x.fake.mean(axis=0), axis=1)
        return {"spread": float(distances.mean()), "spread_std": float(distances.std())}

    assert metrics.available_metrics("toy") == ["modes", "mmd", "spread"]
    assert "spread (Distance of the points from their centroid)" in registry.describe()
    ev = metrics.Evaluator("ring8", num_samples=1000)  # The defaults now include it.
    assert ev.metrics == ("modes", "mmd", "spread")
    assert ev.names() == sorted(
        ["hq_ring8_1k", "mmd_ring8_1k", "modes_ring8_1k", "spread_ring8_1k", "spread_ring8_1k_std"]
    )
    centers, _ = data.toy_modes("ring8")
    collapsed = np.repeat(centers[:1], 1000, axis=0)
    assert ev.evaluate_samples(collapsed)["spread_ring8_1k"] == pytest.approx(0.0, abs=1e-6)
    assert ev.evaluate_real_halves()["spread_ring8_500"] == pytest.approx(0.8, rel=0.05)  # The ring's radius.
    only = metrics.Evaluator("ring8", metrics=("spread",), num_samples=1000)
    assert sorted(only.evaluate_samples(collapsed)) == ["spread_ring8_1k", "spread_ring8_1k_std"]

    with pytest.raises(ValueError, match=r"Metric 'spread' is already registered"):
        metrics.register_metric("spread", kind="toy")(_spread)
    metrics.register_metric("sloppy", kind="toy", default=False)(lambda x: {"sloppy": 0.0, "extra": 1.0})
    assert "sloppy" not in metrics.Evaluator("ring8", num_samples=1000).metrics
    with pytest.raises(RuntimeError, match=r"'sloppy' returned outputs \['extra'\] it did not declare"):
        metrics.Evaluator("ring8", metrics=("sloppy",), num_samples=1000).evaluate_samples(collapsed)


def test_a_registered_conditional_image_metric_gets_features_logits_and_labels(digits_evaluator, monkeypatch):
    monkeypatch.setattr(registry, "_METRICS", dict(registry._METRICS))
    seen = {}

    @metrics.register_metric("agree", conditional=True)
    def _agree(x):
        """Fraction of samples whose logits pick the requested label."""
        seen["inputs"] = x
        if x.labels is None:
            return {}
        return {"agree": float(np.mean(x.fake_logits.argmax(axis=1) == x.labels))}

    assert registry.default_metrics("image", conditional=True) == ("fid", "kid", "cs", "pr", "cacc", "agree")
    assert "agree" not in registry.default_metrics("image")
    ev = metrics.Evaluator(
        "digits", metrics=("fid", "agree"), num_samples=600, cache=digits_evaluator.cache,
        classifier_kwargs=FAST_CLASSIFIER,
    )
    assert ev.names() == ["fid_digitsclf_600"]
    assert ev.names(conditional=True) == ["agree_digitsclf_600", "fid_digitsclf_600"]
    images, labels = data.load_arrays("digits")
    results = ev.evaluate_samples(images[:600], labels[:600])
    inputs = seen["inputs"]
    assert inputs.real.shape == inputs.fake.shape == (600, 128) and inputs.fake_logits.shape == (600, 10)
    cacc = digits_evaluator.evaluate_samples(images[:600], labels[:600])["cacc_digitsclf_600"]
    assert results["agree_digitsclf_600"] == cacc
    assert set(ev.evaluate_samples(images[:600])) == {"fid_digitsclf_600"}  # No labels: only the others.


# ----------------------------------------------------------------------
# MetricsCallback.


def test_metrics_callback_logs_to_history_and_tensorboard(tmp_path):
    # Built directly (not with tiny_model): a 2-D model for the toy points.
    model = tfgan_zoo.create("vanilla_gan", image_shape=(2,), latent_dim=8, width=16, seed=0)
    points, _ = data.load_arrays("ring8", "train[:5%]")
    evaluator = metrics.Evaluator("ring8", num_samples=400)
    cb = callbacks.MetricsCallback(evaluator, every=2, log_dir=str(tmp_path / "tb"))
    history = model.fit(points, batch_size=50, epochs=4, verbose=0, callbacks=[cb]).history
    assert [h["epoch"] for h in cb.history] == [2, 4]
    assert "modes_ring8_400" in cb.history[0] and "hq_ring8_400" in cb.history[1]
    # Epochs 2 and 4 carry the metrics in fit's History (Keras pads nothing for
    # the others: the keys exist from the first epoch that logged them).
    assert len(history["d_loss"]) == 4 and "modes_ring8_400" in history
    events = [f for root, _, files in os.walk(tmp_path / "tb") for f in files if "tfevents" in f]
    assert events


# ----------------------------------------------------------------------
# The evaluate launcher.


def test_evaluate_launcher(tmp_path):
    import concurrent.futures

    model = tiny_model("cgan")
    path = str(tmp_path / "cgan.keras")
    model.save(path)
    results = tmp_path / "results.jsonl"
    earlier = '{"metric": "from_an_earlier_run"}'
    results.write_text(earlier + "\n")
    env = {"TFGAN_ZOO_CACHE": str(tmp_path / "cache")}
    jobs = {
        "model": [
            f"--model_path={path}",
            "--dataset=digits",
            "--num_samples=300",
            f"--results={results}",
            "--metrics=fid,cs,cacc",
        ],
        "real": ["--real", "--dataset=ring8", "--num_samples=1000", f"--results={tmp_path / 'real.jsonl'}"],
        "help": ["--help"],  # Its own process: absl's usage lists the main module's flags.
    }
    refused = {
        "missing": ["--model_path=/no/model.keras", "--dataset=digits"],
        "bad_metrics": ["--real", "--dataset=digits", "--metrics=notjson"],
        "bad_int": ["--real", "--num_samples=abc"],
    }
    # Independent runs, two at a time (each pays a TensorFlow import); the
    # quick ones together in one process.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {k: pool.submit(run_module, "launchers.evaluate", *args, env=env) for k, args in jobs.items()}
        futures["refused"] = pool.submit(run_many, launcher_call("evaluate"), refused)
        procs = {k: f.result() for k, f in futures.items()}
    procs.update(procs.pop("refused"))

    first = procs["model"]
    assert first.returncode == 0, first.stderr[-3000:]
    # No cached classifier: it says it trains one, shows progress, reports the accuracy;
    # all of that on stderr, so stdout holds only the JSON lines.
    assert "Training the digitsclf domain classifier (no cached one)" in first.stderr
    assert "Epoch 1/" in first.stderr and "digitsclf held-out accuracy: " in first.stderr
    assert first.stdout.strip() and all(line.startswith("{") for line in first.stdout.splitlines())
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    names = {line["metric"] for line in lines}
    assert names == {"fid_digitsclf_300", "cs_digitsclf_300", "cs_digitsclf_300_std", "cacc_digitsclf_300"}
    assert all(line["dataset"] == "digits" and line["model_path"] == path for line in lines)
    # Appended to the results file, after what was there.
    written = results.read_text().splitlines()
    assert written[0] == earlier and [json.loads(line) for line in written[1:]] == lines
    real = procs["real"]
    assert real.returncode == 0 and '"modes_ring8_500"' in real.stdout, real.stderr[-3000:]
    bad = procs["missing"]
    assert bad.returncode == 2 and "--model_path=/no/model.keras:" in bad.stderr, bad.stderr[-3000:]

    def error_lines(proc):
        return [line for line in proc.stderr.splitlines() if "error" in line.lower() and "cuInit" not in line]

    # Each error once (no absl "E" line repeating it), naming the flag and value; exit code 2.
    assert error_lines(bad) == [
        "error: --model_path=/no/model.keras: No .keras file at /no/model.keras."
    ]
    bad_metrics = procs["bad_metrics"]
    assert bad_metrics.returncode == 2 and error_lines(bad_metrics) == [
        "error: --metrics=notjson: Unknown metric(s) ['notjson'] for digits. "
        "Valid metrics: ['fid', 'kid', 'cs', 'pr', 'cacc']. Received: metrics=['notjson']"
    ], bad_metrics.stderr[-3000:]
    bad_int = procs["bad_int"]
    assert bad_int.returncode == 2 and error_lines(bad_int) == [
        "error: flag --num_samples=abc: invalid literal for int() with base 10: 'abc'"
    ], bad_int.stderr[-3000:]
    # The --metrics help is the table's.
    assert " ".join(registry.describe().split()) in " ".join(procs["help"].stdout.split())
