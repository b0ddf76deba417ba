"""Text data (`text:<file>`, the `dates` grammar corpus) and the text measures."""

import datetime
import os

import numpy as np
import pytest
import tensorflow_datasets as tfds

from tfgan_zoo import data
from tfgan_zoo.data import dates
from tfgan_zoo.data import text
from tfgan_zoo.metrics import text as text_metrics


def _oracle(string):
    """An independent parse: `datetime` reads the string and writes it back identically."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y"):
        try:
            d = datetime.datetime.strptime(string, fmt)
        except ValueError:
            continue
        written = f"{d.day} {d.strftime('%b %Y')}" if fmt == "%d %b %Y" else d.strftime(fmt)
        return written == string and 1950 <= d.year <= 2049
    return False


def test_dates_are_seeded_and_all_accepted():
    a, fa = dates.dates(500, seed=3)
    b, fb = dates.dates(500, seed=3)
    assert a == b and fa.tolist() == fb.tolist()
    assert a != dates.dates(500, seed=4)[0]
    assert all(map(dates.accepts, a)) and all(map(_oracle, a))
    assert set(fa.tolist()) == {0, 1, 2}
    assert set("".join(a)) <= set(dates.VOCABULARY)
    assert max(map(len, a)) <= dates.SEQUENCE_LENGTH - 1


@pytest.mark.parametrize(
    "string, accepted",
    [
        ("2024-02-29", True), ("2023-02-29", False), ("2000-02-29", True), ("1950-01-01", True),
        ("1949-12-31", False), ("2050-01-01", False), ("2023-13-01", False), ("2023-00-10", False),
        ("31/04/2023", False), ("30/04/2023", True), ("5 May 2023", True), ("05 May 2023", False),
        ("5 may 2023", False), ("5 Mai 2023", False), ("2023-1-05", False), (" 5 May 2023", False),
        ("", False), (None, False),
    ],
)
def test_accepts_hand_cases(string, accepted):
    assert dates.accepts(string) is accepted


def test_accepts_is_exactly_the_grammar_on_every_one_character_edit():
    strings, _ = dates.dates(12, seed=5)
    edits = {s[:i] + c + s[i + 1 :] for s in strings for i in range(len(s)) for c in dates.VOCABULARY}
    edits |= {s[:i] + s[i + 1 :] for s in strings for i in range(len(s))}
    assert sum(map(dates.accepts, edits)) > 50  # Some edits are dates too.
    assert [s for s in sorted(edits) if dates.accepts(s) != _oracle(s)] == []


def test_dates_source_and_splits():
    assert data.info("dates").num_examples == 20_000 and data.info("dates", split="test").num_examples == 2_000
    x, y = data.load_arrays("dates", split="test[:50]")
    assert x.shape == (50, 12, 36) and x.dtype == np.float32 and y.shape == (50,)
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)
    strings, forms = dates.split_strings("test")
    assert text.decode(x.argmax(-1), dates.VOCABULARY) == strings[:50]
    np.testing.assert_array_equal(y, forms[:50])
    batch = next(iter(data.load("dates", 8, sequence_length=12, with_labels=False)))
    assert tuple(batch.shape) == (8, 12, 36)
    with pytest.raises(ValueError, match="Received: sequence_length=13"):
        data.load("dates", 8, sequence_length=13)


def test_dates_tfds_builder_generates_the_test_split_offline(tmp_path):
    from tfgan_zoo.data import tfds_builders

    builder = tfds.builder("dates", data_dir=str(tmp_path))
    assert tfds_builders.is_package_builder(builder)
    examples = list(builder._generate_examples("test"))
    assert [e["text"] for _, e in examples] == dates.split_strings("test")[0]
    assert builder.info.features["format"].names == list(dates.FORMATS)


def _write(tmp_path, content, name="t.txt"):
    path = os.path.join(tmp_path, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)
    return f"text:{path}"


def test_text_file_one_example_per_line(tmp_path):
    spec = _write(tmp_path, "hello\r\n\nworld!\nab\n")
    assert data.get_source("text").vocabulary(spec) == "!abdehlorw"
    assert data.info(spec).image_shape == (7, 11) and data.info(spec).num_examples == 3
    x, labels = data.load_arrays(spec)
    assert labels is None and x.shape == (3, 7, 11)
    assert text.decode(x.argmax(-1), "!abdehlorw") == ["hello", "world!", "ab"]
    # "ab" then the end symbol (index 0) up to the length.
    assert x[2].argmax(-1).tolist() == [2, 3, 0, 0, 0, 0, 0]
    batches = list(data.load(spec, 2, sequence_length=4, shuffle=False, drop_remainder=False))
    assert [tuple(b.shape) for b in batches] == [(2, 4, 11), (1, 4, 11)]
    assert text.decode(batches[0].numpy().argmax(-1), "!abdehlorw") == ["hell", "worl"]
    # Slices keep the whole file's vocabulary and length.
    assert data.load_arrays(spec, split="train[2:]")[0].shape == (1, 7, 11)


def test_text_bad_inputs_name_the_value(tmp_path):
    spec = _write(tmp_path, "abc\nde\n")
    with pytest.raises(ValueError, match=r"above the longest line \(3 characters.*Received: sequence_length=5"):
        data.load(spec, 2, sequence_length=5)
    with pytest.raises(ValueError, match="Received: sequence_length=0"):
        data.load(spec, 2, sequence_length=0)
    for content in ("", "\n \n\t\n"):
        empty = _write(tmp_path, content, "empty.txt")
        with pytest.raises(ValueError, match=f"has no characters.*Received: spec={empty!r}"):
            data.load(empty, 2)
    with pytest.raises(FileNotFoundError, match="Received: spec='text:/nonexistent.txt'"):
        data.info("text:/nonexistent.txt")
    with pytest.raises(ValueError, match="Received: spec='digits'"):
        data.load("digits", 2, sequence_length=4)
    with pytest.raises(ValueError, match=r"Received: image_shape=\(4, 9\)"):
        data.load(spec, 2, image_shape=(4, 9))
    with pytest.raises(ValueError, match=r"character 'z'.*Received: line='az'"):
        text.encode(["ab", "az"], "ab", 3)
    with pytest.raises(ValueError, match=r"Received: \[3, 7\]"):
        text.decode([[1, 3], [7, 0]], "ab")
    with pytest.raises(ValueError, match="Received: vocabulary='aa'"):
        text.encode(["a"], "aa", 2)


def test_text_measures_hand_computed():
    # 1-grams: p = {a: 1/2, b: 1/2}, q = {b: 1/2, c: 1/2}, m = {1/4, 1/2, 1/4}:
    # KL(p || m) = KL(q || m) = 1/2 log2(2) = 1/2, so JS = 1/2.
    assert text_metrics.ngram_js_divergence(["ab"], ["bc"], 1) == pytest.approx(0.5)
    assert text_metrics.ngram_js_divergence(["abab"], ["abab", "ab"], 2) == pytest.approx(
        # p = {ab: 2/3, ba: 1/3}, q = {ab: 3/4, ba: 1/4}.
        0.5 * sum(a * np.log2(a / ((a + b) / 2)) + b * np.log2(b / ((a + b) / 2)) for a, b in ((2 / 3, 3 / 4), (1 / 3, 1 / 4)))
    )
    assert text_metrics.ngram_js_divergence(["abc"], ["abc"], 3) == 0.0
    assert text_metrics.ngram_js_divergence(["ab"], ["abcd"], 3) == 1.0  # No 3-gram in "ab".
    # distinct-n: 1-grams a,a,a,a,b -> 2/5; 2-grams aa,aa,ab -> 2/3.
    assert text_metrics.distinct_ngrams(["aaa", "ab"], 1) == pytest.approx(0.4)
    assert text_metrics.distinct_ngrams(["aaa", "ab"], 2) == pytest.approx(2 / 3)
    assert text_metrics.distinct_ngrams(["a"], 2) == 0.0
    assert text_metrics.copied_share(["a", "b", "c", "a"], ["a", "c"]) == 0.75
    assert text_metrics.accepted_share(["2024-02-29", "2023-02-29", "1 Jan 2000", "x"], dates.accepts) == 0.5
    report = text_metrics.text_report(["ab", "ab", "bc", "2024-02-29"], ["ab"], ["bc"], dates.accepts)
    assert report["accepted"] == 0.25 and report["copied"] == 0.5 and report["unique"] == 0.75
    assert sorted(report) == sorted(
        ["accepted", "copied", "unique"] + [f"{k}_{n}" for k in ("js", "distinct") for n in (1, 2, 3, 4)]
    )
    with pytest.raises(ValueError, match="Received: n=0"):
        text_metrics.distinct_ngrams(["ab"], 0)
    with pytest.raises(ValueError, match=r"Received: generated=\[\]"):
        text_metrics.copied_share([], ["a"])
