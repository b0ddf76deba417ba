"""Measures of generated text, pure functions of lists of strings.

- `accepted_share(strings, accepts)`: the share a grammar's parser
  accepts (e.g. `tfgan_zoo.data.dates.accepts`);
- `ngram_js_divergence(generated, reference, n)`: the Jensen-Shannon
  divergence (base 2, in [0, 1]) between the character n-gram
  frequencies of two sets of strings, n-grams taken inside each string
  (Gulrajani et al. 2017 compare generated text with held-out text so);
- `copied_share(generated, training)`: the share of generated strings
  that are strings of the training set;
- `distinct_ngrams(strings, n)`: distinct n-grams over all n-grams of
  the strings (distinct-n, Li et al. 2016), a diversity measure;
- `text_report(...)`: all of them, n = 1..4, in one dict.

Example:

>>> ngram_counts(["abab"], 2)
Counter({'ab': 2, 'ba': 1})
>>> distinct_ngrams(["abab"], 2)
0.6666666666666666
>>> ngram_js_divergence(["aa"], ["bb"], 1), ngram_js_divergence(["ab"], ["ba"], 1)
(1.0, 0.0)
>>> copied_share(["x", "y", "x", "z"], ["x", "q"])
0.5
"""

import collections

import numpy as np

ORDERS = (1, 2, 3, 4)


def _strings(strings, name):
    strings = list(strings)
    if not strings or not all(isinstance(s, str) for s in strings):
        raise ValueError(f"`{name}` must be a non-empty list of strings. Received: {name}={strings[:5]!r}")
    return strings


def _order(n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"`n` must be a positive int. Received: n={n!r}")
    return int(n)


def ngram_counts(strings, n):
    """`Counter` of the character n-grams inside each of `strings`."""
    n = _order(n)
    return collections.Counter(s[i : i + n] for s in strings for i in range(len(s) - n + 1))


def accepted_share(strings, accepts):
    """The share of `strings` for which `accepts(string)` is True."""
    strings = _strings(strings, "strings")
    return float(np.mean([bool(accepts(s)) for s in strings]))


def ngram_js_divergence(generated, reference, n):
    """JS divergence, base 2, of the n-gram frequencies of `generated` and
    `reference` (1.0 when either has no n-gram: nothing in common)."""
    p, q = ngram_counts(_strings(generated, "generated"), n), ngram_counts(_strings(reference, "reference"), n)
    if not p or not q:
        return 1.0
    keys = sorted(set(p) | set(q))
    p = np.array([p[k] for k in keys], np.float64)
    q = np.array([q[k] for k in keys], np.float64)
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a):
        on = a > 0
        return float(np.sum(a[on] * np.log2(a[on] / m[on])))

    return max(0.0, (kl(p) + kl(q)) / 2)


def copied_share(generated, training):
    """The share of `generated` strings that are in `training`."""
    training = set(_strings(training, "training"))
    return float(np.mean([s in training for s in _strings(generated, "generated")]))


def distinct_ngrams(strings, n):
    """Distinct n-grams over all n-grams in `strings` (0 when there are none)."""
    counts = ngram_counts(_strings(strings, "strings"), n)
    total = sum(counts.values())
    return len(counts) / total if total else 0.0


def text_report(generated, training, held_out, accepts=None, orders=ORDERS):
    """`{accepted, copied, unique, js_<n>, distinct_<n>}` of `generated`
    (`accepted` only with a parser `accepts`; `unique`: the share of
    distinct strings)."""
    generated = _strings(generated, "generated")
    report = {} if accepts is None else {"accepted": accepted_share(generated, accepts)}
    report["copied"] = copied_share(generated, training)
    report["unique"] = len(set(generated)) / len(generated)
    for n in orders:
        report[f"js_{n}"] = ngram_js_divergence(generated, held_out, n)
    for n in orders:
        report[f"distinct_{n}"] = distinct_ngrams(generated, n)
    return report
