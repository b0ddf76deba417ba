"""The sequence measures: hand-computed values of their pure parts, the
probes' behaviour on data with a known answer, errors, and the evaluator."""

import math

import numpy as np
import pytest

from tfgan_zoo.data import waves
from tfgan_zoo.metrics import discriminative
from tfgan_zoo.metrics import predictive
from tfgan_zoo.metrics import registry
from tfgan_zoo.metrics import sequence_cacc
from tfgan_zoo.metrics.sequence_evaluate import SequenceEvaluator

FAST = dict(units=8, epochs=4, seed=0)


def test_accuracy_gap_by_hand():
    # Real scored 0.9, 0.8 (right), fake 0.1 (right), 0.6 (wrong): 3/4 right.
    assert discriminative.accuracy_gap([0.9, 0.8], [0.1, 0.6]) == pytest.approx(0.25)
    assert discriminative.accuracy_gap([1.0], [0.0]) == pytest.approx(0.5)  # Always told apart.
    assert discriminative.accuracy_gap([0.0], [1.0]) == pytest.approx(0.5)  # Always wrong is as telling.
    assert discriminative.accuracy_gap([1.0, 1.0], [1.0, 1.0]) == pytest.approx(0.0)  # All "real": chance.


def test_next_step_mae_by_hand():
    x = np.array([[[0.0], [1.0], [3.0]], [[1.0], [1.0], [1.0]]])
    # Predictions of steps 1 and 2: errors |1-1|, |1-3| and |0-1|, |1-1|.
    predictions = np.array([[[1.0], [1.0]], [[0.0], [1.0]]])
    assert predictive.next_step_mae(predictions, x) == pytest.approx(3.0 / 4)
    with pytest.raises(ValueError, match=r"Received: predictions.shape=\(2, 3, 1\)"):
        predictive.next_step_mae(np.zeros((2, 3, 1)), x)


def test_label_agreement_by_hand():
    logits = [[2.0, 0.0], [0.0, 1.0], [3.0, 1.0], [0.0, 5.0]]
    assert sequence_cacc.label_agreement(logits, [0, 1, 1, 1]) == pytest.approx(0.75)
    with pytest.raises(ValueError, match=r"Received: logits.shape=\(4, 2\), labels.shape=\(3,\)"):
        sequence_cacc.label_agreement(logits, [0, 1, 1])


def test_sequence_mmd_by_hand():
    # Two one-step sequences per side, {0, 2} and {0, 2}. Pooled non-zero
    # distances are all 2, so the median bandwidth is s = 2 and
    # k(0, 2) = exp(-4 / 8). Unbiased: e^-1/2 + e^-1/2 - 2 (2 + 2 e^-1/2) / 4.
    x = np.array([0.0, 2.0]).reshape(2, 1, 1)
    got = registry.compute("mmd_seq", registry.MetricInputs(real=x, fake=x.copy()))["mmd_seq"]
    assert got == pytest.approx(math.exp(-0.5) - 1.0)


@pytest.fixture(scope="module")
def wave_sets():
    (train, train_y), (test, test_y) = waves.waves(400, seed=0), waves.waves(200, seed=1)
    return train, train_y, test, test_y


def test_discriminative_score_tells_apart_only_what_differs(wave_sets):
    train, _, test, _ = wave_sets
    flat = np.zeros_like(test)
    # Sines and flat lines: told apart far above chance (0.5 is always).
    assert discriminative.discriminative_score(test, flat, **FAST) >= 0.25
    assert discriminative.discriminative_score(train[:200], test, **FAST) <= 0.15
    # A seed gives the same score.
    assert discriminative.discriminative_score(test, flat, **FAST) == discriminative.discriminative_score(test, flat, **FAST)


def test_predictive_score_trtr_beats_training_on_flat_lines(wave_sets):
    train, _, test, _ = wave_sets
    trtr = predictive.predictive_score(train, test, units=8, epochs=8, seed=0)
    flat = predictive.predictive_score(np.zeros_like(train), test, units=8, epochs=8, seed=0)
    # Trained on flat lines it predicts about 0: the error is near mean |x| (~0.3).
    assert flat == pytest.approx(np.mean(np.abs(test[:, 1:])), rel=0.3)
    assert trtr < 0.7 * flat


def test_conditional_accuracy_of_real_waves(wave_sets):
    train, train_y, test, test_y = wave_sets
    classifier = sequence_cacc.fit_sequence_classifier(train, train_y, units=8, epochs=8, seed=0)
    right = sequence_cacc.sequence_conditional_accuracy(classifier, test, test_y)
    assert right >= 0.65  # A probe of a few dozen steps; the benchmark's trains for thousands.
    assert sequence_cacc.sequence_conditional_accuracy(classifier, test, 1 - test_y) == pytest.approx(1 - right)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: discriminative.discriminative_score(np.zeros((4, 5)), np.zeros((4, 5, 1))), r"Received: real.shape=\(4, 5\)"),
        (lambda: discriminative.discriminative_score(np.zeros((4, 5, 1)), np.zeros((4, 6, 1))), r"fake.shape=\(4, 6, 1\)"),
        (lambda: discriminative.discriminative_score(np.zeros((4, 5, 1)), np.zeros((4, 5, 1)), test_fraction=1.0), r"test_fraction=1.0"),
        (lambda: predictive.predictive_score(np.full((4, 5, 1), np.nan), np.zeros((4, 5, 1))), r"Received: train with 20 NaN"),
        (lambda: predictive.predictive_score(np.zeros((4, 1, 1)), np.zeros((4, 1, 1))), r"Received: train.shape=\(4, 1, 1\)"),
        (lambda: sequence_cacc.fit_sequence_classifier(np.zeros((4, 5, 1)), [0, 1, 2]), r"real_labels of shape \(3,\)"),
    ],
)
def test_bad_inputs_name_the_value(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_evaluator_names_reference_and_errors():
    ev = SequenceEvaluator("waves", num_samples=100, metrics=["mmd_seq", "cacc_seq"])
    assert ev.names() == ["mmd_seq_gru_100", "cacc_seq_gru_100"]
    ref = ev.reference()
    assert sorted(ref) == sorted(ev.names())
    assert abs(ref["mmd_seq_gru_100"]) < 0.01 and ref["cacc_seq_gru_100"] >= 0.65
    assert registry.default_metrics(registry.SEQUENCE, conditional=True) == ("mmd_seq", "disc", "tstr", "cacc_seq")
    with pytest.raises(ValueError, match=r"Received: num_samples=5000"):
        SequenceEvaluator("waves", num_samples=5000)
    with pytest.raises(ValueError, match=r"Unknown metric\(s\) \['fid'\]"):
        SequenceEvaluator("waves", num_samples=10, metrics=["fid"])
