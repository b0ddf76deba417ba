"""Tests of the NumPy/SciPy metric functions in `tfgan_zoo.metrics.functions`.

Every metric is compared with an independent reference written here
(eigendecomposition matrix square roots, explicit loops, `scipy.special`),
and with closed forms / limiting cases where they are known.
"""

import itertools
import math

import numpy as np
import pytest
from scipy import special

from tfgan_zoo.metrics import frechet
from tfgan_zoo.metrics import prdc
from tfgan_zoo.metrics.functions import classifier_score
from tfgan_zoo.metrics.functions import frechet_distance
from tfgan_zoo.metrics.functions import frechet_distance_from_activations
from tfgan_zoo.metrics.functions import frechet_distance_from_statistics
from tfgan_zoo.metrics.functions import kernel_distance
from tfgan_zoo.metrics.functions import mmd
from tfgan_zoo.metrics.functions import precision_recall

RTOL = 1e-6


# ----------------------------------------------------------------------------
# Independent references.
# ----------------------------------------------------------------------------


def _psd_sqrt(matrix):
    """Symmetric PSD square root from an eigendecomposition."""
    w, v = np.linalg.eigh((matrix + matrix.T) / 2)
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def _ref_trace_sqrt_product(s1, s2):
    """Tr sqrtm(S1 S2) = Tr sqrtm(S1^1/2 S2 S1^1/2), a symmetric PSD matrix."""
    r1 = _psd_sqrt(s1)
    inner = np.linalg.eigvalsh(r1 @ s2 @ r1)
    return float(np.sum(np.sqrt(np.clip(inner, 0.0, None))))


def _ref_frechet_stats(mu1, s1, mu2, s2):
    diff = mu1 - mu2
    return float(np.sum(diff**2) + np.trace(s1) + np.trace(s2) - 2 * _ref_trace_sqrt_product(s1, s2))


def _ref_frechet(a, b):
    def stats(x):
        mu = np.einsum("nd->d", x) / len(x)
        c = x - mu
        return mu, np.einsum("ni,nj->ij", c, c) / (len(x) - 1)

    return _ref_frechet_stats(*stats(a), *stats(b))


def _random_spd(rng, d, scale=1.0):
    m = rng.normal(size=(d, d))
    return scale * (m @ m.T / d + 0.1 * np.eye(d))


def _ref_poly_mmd(a, b):
    """Unbiased MMD^2 with the cubic kernel, by explicit loops."""
    m, d = a.shape

    def k(x, y):
        return (sum(x[t] * y[t] for t in range(d)) / d + 1.0) ** 3

    aa = sum(k(a[i], a[j]) for i in range(m) for j in range(m) if i != j)
    bb = sum(k(b[i], b[j]) for i in range(m) for j in range(m) if i != j)
    ab = sum(k(a[i], b[j]) for i in range(m) for j in range(m))
    return aa / (m * (m - 1)) + bb / (m * (m - 1)) - 2 * ab / (m * m)


def _ref_classifier_score(probs, splits):
    n = len(probs)
    bounds = [0]
    for s in range(splits):  # First n % splits parts get one extra row.
        bounds.append(bounds[-1] + n // splits + (1 if s < n % splits else 0))
    scores = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        part = probs[lo:hi]
        marginal = part.mean(axis=0)
        kl = [special.rel_entr(row, marginal).sum() for row in part]
        scores.append(math.exp(np.mean(kl)))
    return float(np.mean(scores)), float(np.std(scores))


def _ref_prdc(real, fake, k):
    def dist(u, v):
        return math.sqrt(sum((u[t] - v[t]) ** 2 for t in range(len(u))))

    def radii(x):
        out = []
        for i in range(len(x)):
            ds = sorted(dist(x[i], x[j]) for j in range(len(x)) if j != i)
            out.append(ds[k - 1])
        return out

    r_real, r_fake = radii(real), radii(fake)
    n, m = len(real), len(fake)
    d_rf = [[dist(real[i], fake[j]) for j in range(m)] for i in range(n)]
    precision = sum(any(d_rf[i][j] <= r_real[i] for i in range(n)) for j in range(m)) / m
    recall = sum(any(d_rf[i][j] <= r_fake[j] for j in range(m)) for i in range(n)) / n
    density = sum(d_rf[i][j] <= r_real[i] for i in range(n) for j in range(m)) / (k * m)
    coverage = sum(min(d_rf[i]) <= r_real[i] for i in range(n)) / n
    return {"precision": precision, "recall": recall, "density": density, "coverage": coverage}


def _ref_rbf_mmd(x, y, bandwidths, unbiased):
    def k(u, v):
        sq = float(np.sum((u - v) ** 2))
        return sum(math.exp(-sq / (2 * s * s)) for s in bandwidths)

    n, m = len(x), len(y)
    if unbiased:
        xx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
        yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    else:
        xx = sum(k(x[i], x[j]) for i in range(n) for j in range(n)) / n**2
        yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m)) / m**2
    xy = sum(k(x[i], y[j]) for i in range(n) for j in range(m)) / (n * m)
    return xx + yy - 2 * xy


# ----------------------------------------------------------------------------
# Frechet distance.
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed,n_a,n_b,d", [(0, 50, 60, 4), (1, 200, 150, 16), (2, 40, 40, 1), (3, 300, 100, 32)])
def test_frechet_distance_matches_eigendecomposition_reference(seed, n_a, n_b, d):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n_a, d)) @ rng.normal(size=(d, d))
    b = 0.5 * rng.normal(size=(n_b, d)) + rng.normal(size=d)
    expected = _ref_frechet(a, b)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=RTOL)
    assert frechet_distance(b, a) == pytest.approx(expected, rel=RTOL)
    assert frechet_distance_from_activations is frechet_distance


def test_frechet_distance_of_a_set_with_itself_is_zero():
    rng = np.random.default_rng(0)
    for d, scale in [(3, 1.0), (20, 100.0), (64, 1e-3)]:
        a = scale * rng.normal(size=(200, d))
        value = frechet_distance(a, a)
        assert 0.0 <= value <= 1e-6 * scale**2 * d
    # Statistics given directly: exactly the same Gaussian.
    mu, sigma = rng.normal(size=5), _random_spd(rng, 5)
    assert frechet_distance_from_statistics(mu, sigma, mu, sigma) == pytest.approx(0.0, abs=1e-9)


def test_frechet_from_statistics_closed_form_diagonal():
    rng = np.random.default_rng(1)
    mu1, mu2 = rng.normal(size=6), rng.normal(size=6)
    s1, s2 = rng.uniform(0.1, 3.0, size=6), rng.uniform(0.1, 3.0, size=6)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(s1) - np.sqrt(s2)) ** 2)
    value = frechet_distance_from_statistics(mu1, np.diag(s1), mu2, np.diag(s2))
    assert value == pytest.approx(expected, rel=RTOL)


def test_frechet_from_statistics_closed_form_commuting_full_covariances():
    rng = np.random.default_rng(2)
    d = 8
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))  # Shared eigenbasis.
    e1, e2 = rng.uniform(0.2, 5.0, size=d), rng.uniform(0.2, 5.0, size=d)
    s1, s2 = (q * e1) @ q.T, (q * e2) @ q.T
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(e1) - np.sqrt(e2)) ** 2)
    value = frechet_distance_from_statistics(mu1, s1, mu2, s2)
    assert value == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("seed,d", [(0, 3), (1, 10), (2, 50)])
def test_frechet_from_statistics_general_spd_matches_reference(seed, d):
    rng = np.random.default_rng(seed)
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    s1, s2 = _random_spd(rng, d), _random_spd(rng, d, scale=3.0)
    expected = _ref_frechet_stats(mu1, s1, mu2, s2)
    assert frechet_distance_from_statistics(mu1, s1, mu2, s2) == pytest.approx(expected, rel=RTOL)
    # Lists and float32 work too (computed in float64).
    value32 = frechet_distance_from_statistics(
        mu1.tolist(), s1.astype(np.float32), mu2.tolist(), s2.astype(np.float32)
    )
    expected32 = _ref_frechet_stats(
        mu1, s1.astype(np.float32).astype(np.float64), mu2, s2.astype(np.float32).astype(np.float64)
    )
    assert value32 == pytest.approx(expected32, rel=1e-5)


def test_frechet_distance_large_sample_matches_population_value():
    rng = np.random.default_rng(3)
    d = 3
    mu1, mu2 = np.zeros(d), np.array([1.0, -0.5, 0.25])
    s1, s2 = _random_spd(rng, d), _random_spd(rng, d, scale=2.0)
    a = rng.multivariate_normal(mu1, s1, size=40000)
    b = rng.multivariate_normal(mu2, s2, size=40000)
    expected = _ref_frechet_stats(mu1, s1, mu2, s2)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=0.05, abs=0.02)


@pytest.mark.parametrize("n,d", [(5, 20), (10, 64), (2, 30), (3, 3)])
def test_frechet_distance_rank_deficient_is_finite_and_non_negative(n, d):
    rng = np.random.default_rng(n * d)
    a, b = rng.normal(size=(n, d)), rng.normal(size=(n, d)) + 0.5
    value = frechet_distance(a, b)
    assert isinstance(value, float)
    assert np.isfinite(value) and value >= 0.0
    assert value == pytest.approx(_ref_frechet(a, b), rel=1e-4)
    # Constant features (zero variance) are fine too.
    a[:, 0] = 1.0
    b[:, 0] = 1.0
    value = frechet_distance(a, b)
    assert np.isfinite(value) and value >= 0.0
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6 * d)


def test_frechet_retries_with_offset_when_sqrtm_is_not_finite(monkeypatch):
    calls = []
    real_sqrtm = frechet._sqrtm

    def flaky_sqrtm(matrix):
        calls.append(matrix.copy())
        if len(calls) == 1:
            return np.full_like(matrix, np.nan)
        return real_sqrtm(matrix)

    monkeypatch.setattr(frechet, "_sqrtm", flaky_sqrtm)
    rng = np.random.default_rng(4)
    mu1, mu2 = rng.normal(size=4), rng.normal(size=4)
    s1, s2 = _random_spd(rng, 4), _random_spd(rng, 4)
    eps = 1e-3
    value = frechet_distance_from_statistics(mu1, s1, mu2, s2, eps=eps)
    assert len(calls) == 2
    offset = eps * np.eye(4)
    np.testing.assert_allclose(calls[1], (s1 + offset) @ (s2 + offset))
    # The offset enters only the square-root term.
    expected = (
        np.sum((mu1 - mu2) ** 2)
        + np.trace(s1)
        + np.trace(s2)
        - 2 * _ref_trace_sqrt_product(s1 + offset, s2 + offset)
    )
    assert value == pytest.approx(expected, rel=RTOL)


def test_frechet_rejects_large_imaginary_root():
    # sigma1 is not PSD: sqrtm(sigma1 @ sigma2) is genuinely complex.
    with pytest.raises(ValueError, match="imaginary"):
        frechet_distance_from_statistics(np.zeros(2), np.diag([-1.0, 1.0]), np.zeros(2), np.eye(2))


def test_frechet_never_negative_from_rounding():
    rng = np.random.default_rng(5)
    for d in (2, 16, 128):
        mu, sigma = rng.normal(size=d), _random_spd(rng, d, scale=1e4)
        assert frechet_distance_from_statistics(mu, sigma, mu + 0.0, sigma.copy()) >= 0.0


# ----------------------------------------------------------------------------
# Kernel distance (KID).
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed,n_a,n_b,d,subset", [(0, 30, 25, 5, 12), (1, 20, 40, 3, 15), (2, 15, 15, 8, 100)])
def test_kernel_distance_matches_loop_reference(seed, n_a, n_b, d, subset):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n_a, d))
    b = rng.normal(size=(n_b, d)) * 1.3 + 0.2
    num_subsets = 4
    mean, std = kernel_distance(a, b, num_subsets=num_subsets, subset_size=subset, seed=seed + 10)
    # Replicate the documented draws: per subset, a's rows then b's rows.
    draws = np.random.default_rng(seed + 10)
    m = min(subset, n_a, n_b)
    values = []
    for _ in range(num_subsets):
        ia = draws.choice(n_a, m, replace=False)
        ib = draws.choice(n_b, m, replace=False)
        values.append(_ref_poly_mmd(a[ia], b[ib]))
    assert mean == pytest.approx(np.mean(values), rel=RTOL)
    assert std == pytest.approx(np.std(values), rel=RTOL, abs=1e-12)


def test_kernel_distance_full_set_when_subset_larger_than_data():
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(18, 4)), rng.normal(size=(18, 4)) + 0.7
    mean, std = kernel_distance(a, b, num_subsets=3, subset_size=1000)
    # Every subset is a permutation of the full sets: identical estimates.
    assert mean == pytest.approx(_ref_poly_mmd(a, b), rel=RTOL)
    assert std == pytest.approx(0.0, abs=1e-12)
    # Unequal sizes: clipped to the smaller set.
    mean, _ = kernel_distance(a[:10], b, num_subsets=2, subset_size=50)
    assert np.isfinite(mean)


def test_kernel_distance_same_distribution_near_zero_and_shift_positive():
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=(400, 16)), rng.normal(size=(400, 16))
    mean, std = kernel_distance(a, b, num_subsets=20, subset_size=200, seed=1)
    assert std >= 0.0
    assert abs(mean) < 3 * std + 1e-3
    mean_shift, std_shift = kernel_distance(a, b + 0.5, num_subsets=20, subset_size=200, seed=1)
    assert std_shift >= 0.0
    assert mean_shift > 3 * std_shift + 0.05
    assert mean_shift > 10 * abs(mean)


def test_kernel_distance_is_seeded():
    rng = np.random.default_rng(9)
    a, b = rng.normal(size=(50, 3)), rng.normal(size=(60, 3))
    first = kernel_distance(a, b, num_subsets=5, subset_size=20, seed=3)
    assert kernel_distance(a, b, num_subsets=5, subset_size=20, seed=3) == first
    assert kernel_distance(a, b, num_subsets=5, subset_size=20, seed=4) != first


# ----------------------------------------------------------------------------
# Classifier score (IS).
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed,n,k,splits", [(0, 40, 5, 4), (1, 23, 3, 5), (2, 100, 10, 1), (3, 7, 2, 7)])
def test_classifier_score_matches_rel_entr_reference(seed, n, k, splits):
    rng = np.random.default_rng(seed)
    logits = 3.0 * rng.normal(size=(n, k))
    probs = special.softmax(logits, axis=1)
    expected = _ref_classifier_score(probs, splits)
    mean, std = classifier_score(logits, splits=splits)
    assert mean == pytest.approx(expected[0], rel=RTOL)
    assert std == pytest.approx(expected[1], rel=RTOL, abs=1e-12)
    # Same result from probabilities.
    mean_p, std_p = classifier_score(probs, splits=splits, from_logits=False)
    assert mean_p == pytest.approx(expected[0], rel=RTOL)
    assert std_p == pytest.approx(expected[1], rel=RTOL, abs=1e-12)
    assert 1.0 <= mean <= k


def test_classifier_score_confident_uniform_equals_num_classes():
    k = 6
    logits = 60.0 * np.tile(np.eye(k), (10, 1))  # 10 per class, each split balanced.
    mean, std = classifier_score(logits, splits=5)
    assert mean == pytest.approx(k, rel=1e-9)
    assert std == pytest.approx(0.0, abs=1e-9)
    # Exact one-hot probabilities (zeros in p(y|x)).
    mean, _ = classifier_score(np.tile(np.eye(k), (10, 1)), splits=2, from_logits=False)
    assert mean == pytest.approx(k, rel=1e-12)


def test_classifier_score_collapsed_is_one():
    logits = np.zeros((30, 4))
    logits[:, 2] = 50.0
    mean, std = classifier_score(logits, splits=3)
    assert mean == pytest.approx(1.0, abs=1e-9)
    assert std == pytest.approx(0.0, abs=1e-9)
    # Huge logits: the stable softmax does not overflow.
    mean, _ = classifier_score(1e5 * np.tile(np.eye(3), (4, 1)), splits=1)
    assert mean == pytest.approx(3.0, rel=1e-9)


# ----------------------------------------------------------------------------
# Precision / recall / density / coverage.
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed,n,m,d,k", [(0, 30, 25, 2, 3), (1, 20, 35, 5, 1), (2, 40, 40, 3, 5)])
def test_precision_recall_matches_brute_force(seed, n, m, d, k):
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(n, d))
    fake = 1.2 * rng.normal(size=(m, d)) + 0.4
    result = precision_recall(real, fake, k=k)
    expected = _ref_prdc(real, fake, k)
    assert set(result) == {"precision", "recall", "density", "coverage"}
    for key in expected:
        assert result[key] == pytest.approx(expected[key], rel=RTOL), key


def test_precision_recall_chunked_equals_unchunked(monkeypatch):
    rng = np.random.default_rng(11)
    real, fake = rng.normal(size=(57, 4)), rng.normal(size=(43, 4)) + 0.3
    full = precision_recall(real, fake, k=4)
    monkeypatch.setattr(prdc, "_MAX_BLOCK_ENTRIES", 100)  # Blocks of 1-2 rows.
    assert precision_recall(real, fake, k=4) == full


def test_precision_recall_identical_sets():
    rng = np.random.default_rng(12)
    x = rng.normal(size=(200, 3))
    for k in (1, 3, 5):
        result = precision_recall(x, x.copy(), k=k)
        assert result["precision"] == 1.0
        assert result["recall"] == 1.0
        assert result["coverage"] == 1.0
        # Each real ball holds its centre plus its k neighbours.
        assert result["density"] == pytest.approx((k + 1) / k, rel=1e-12)


def test_precision_recall_same_distribution_density_near_one():
    rng = np.random.default_rng(13)
    result = precision_recall(rng.normal(size=(1500, 2)), rng.normal(size=(1500, 2)), k=5)
    assert result["precision"] > 0.95 and result["recall"] > 0.95
    assert result["coverage"] > 0.9
    assert result["density"] == pytest.approx(1.0, abs=0.1)


def test_precision_recall_disjoint_sets_are_zero():
    rng = np.random.default_rng(14)
    real = rng.normal(size=(100, 3))
    fake = rng.normal(size=(80, 3)) + 50.0
    assert precision_recall(real, fake, k=3) == {
        "precision": 0.0,
        "recall": 0.0,
        "density": 0.0,
        "coverage": 0.0,
    }


def test_precision_high_recall_low_for_partial_support():
    rng = np.random.default_rng(15)
    centres = np.array([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0], [20.0, 20.0]])
    real = np.concatenate([c + rng.normal(size=(150, 2)) for c in centres])
    fake = centres[0] + rng.normal(size=(150, 2))  # One mode of four.
    result = precision_recall(real, fake, k=3)
    assert result["precision"] > 0.9
    assert result["recall"] < 0.3
    assert result["coverage"] < 0.3


# ----------------------------------------------------------------------------
# MMD with RBF kernels.
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seed,n,m,d,bandwidths,unbiased",
    [
        (0, 12, 15, 3, [1.0], True),
        (1, 10, 8, 2, [0.5, 1.0, 4.0], True),
        (2, 9, 11, 4, [2.0, 0.3], False),
        (3, 6, 6, 1, 1.5, False),
    ],
)
def test_mmd_matches_loop_reference(seed, n, m, d, bandwidths, unbiased):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(n, d)), rng.normal(size=(m, d)) + 0.3
    value = mmd(x, y, bandwidths=bandwidths, unbiased=unbiased)
    expected = _ref_rbf_mmd(x, y, np.atleast_1d(bandwidths), unbiased)
    assert value == pytest.approx(expected, rel=RTOL)


def test_mmd_median_heuristic_by_hand():
    x = np.array([[0.0], [1.0]])
    y = np.array([[3.0], [7.0]])
    # Pooled distances: 1, 3, 7, 2, 6, 4 -> median (3 + 4) / 2.
    assert mmd(x, y) == pytest.approx(mmd(x, y, bandwidths=[3.5]), rel=1e-12)
    assert mmd(x, y) == pytest.approx(_ref_rbf_mmd(x, y, [3.5], True), rel=RTOL)
    # Zero distances (duplicates) are excluded. Pooled: 0, 1, 0, 1, 3; the
    # 10 pairs give 1, 0, 1, 3, 1, 0, 2, 1, 3, 2 -> non-zero sorted
    # 1, 1, 1, 1, 2, 2, 3, 3 -> median 1.5 (with the zeros it would be 1).
    x = np.array([[0.0], [1.0]])
    y = np.array([[0.0], [1.0], [3.0]])
    pooled = [0.0, 1.0, 0.0, 1.0, 3.0]
    assert sorted(abs(p - q) for p, q in itertools.combinations(pooled, 2) if p != q) == [1, 1, 1, 1, 2, 2, 3, 3]
    for unbiased in (True, False):
        assert mmd(x, y, unbiased=unbiased) == pytest.approx(
            mmd(x, y, bandwidths=1.5, unbiased=unbiased), rel=1e-12
        )
        assert mmd(x, y, unbiased=unbiased) != pytest.approx(mmd(x, y, bandwidths=1.0, unbiased=unbiased))


def test_mmd_biased_unbiased_by_hand():
    x = np.array([[0.0], [1.0]])
    y = np.array([[0.0], [2.0]])
    e = math.exp
    # Kernel values with s = 1: k(0,1) = e^-1/2, k(0,2) = e^-2, k(1,2) = e^-1/2.
    unbiased = e(-0.5) + e(-2.0) - 2 * (1 + e(-2.0) + 2 * e(-0.5)) / 4
    biased = (2 + 2 * e(-0.5)) / 4 + (2 + 2 * e(-2.0)) / 4 - 2 * (1 + e(-2.0) + 2 * e(-0.5)) / 4
    assert unbiased == pytest.approx(0.5 * e(-2.0) - 0.5)
    assert biased == pytest.approx(0.5 * (1 - e(-0.5)))
    assert mmd(x, y, bandwidths=[1.0]) == pytest.approx(unbiased, rel=1e-12)
    assert mmd(x, y, bandwidths=[1.0], unbiased=False) == pytest.approx(biased, rel=1e-12)


def _rbf_sum(u, v, bws):
    return sum(math.exp(-float(np.sum((u - v) ** 2)) / (2 * s * s)) for s in bws)


def _unbiased_self_term(x, bws):
    n = len(x)
    total = sum(_rbf_sum(x[i], x[j], bws) for i in range(n) for j in range(n) if i != j)
    return total / (n * (n - 1))


def test_mmd_biased_unbiased_general_relation():
    rng = np.random.default_rng(21)
    n, m, bws = 7, 5, [0.7, 2.0]
    x, y = rng.normal(size=(n, 3)), rng.normal(size=(m, 3))
    ux, uy = _unbiased_self_term(x, bws), _unbiased_self_term(y, bws)
    cross = sum(_rbf_sum(a, b, bws) for a in x for b in y) / (n * m)
    # U = ux + uy - 2 cross; V adds the diagonal k(a, a) = len(bws):
    # mean(Kxx) = ((n - 1) / n) ux + len(bws) / n.
    u = mmd(x, y, bandwidths=bws)
    v = mmd(x, y, bandwidths=bws, unbiased=False)
    assert u == pytest.approx(ux + uy - 2 * cross, rel=RTOL)
    expected_v = (n - 1) / n * ux + len(bws) / n + (m - 1) / m * uy + len(bws) / m - 2 * cross
    assert v == pytest.approx(expected_v, rel=RTOL)
    assert v >= 0.0


def test_mmd_sequences_equal_flattened_vectors():
    rng = np.random.default_rng(22)
    x, y = rng.normal(size=(20, 5, 3)), rng.normal(size=(25, 5, 3)) + 0.2
    flat_x, flat_y = x.reshape(20, -1), y.reshape(25, -1)
    for kwargs in ({}, {"bandwidths": [1.0, 3.0]}, {"unbiased": False}):
        assert mmd(x, y, **kwargs) == pytest.approx(mmd(flat_x, flat_y, **kwargs), rel=1e-12)


def test_mmd_same_distribution_near_zero_and_shift_positive():
    rng = np.random.default_rng(23)
    x, y = rng.normal(size=(300, 4)), rng.normal(size=(300, 4))
    same = mmd(x, y)
    shifted = mmd(x, y + 1.0)
    assert abs(same) < 0.01
    assert shifted > 0.1
    assert shifted > 20 * abs(same)
    assert mmd(x, x, unbiased=False) == pytest.approx(0.0, abs=1e-12)


# ----------------------------------------------------------------------------
# Bad inputs.
# ----------------------------------------------------------------------------

_GOOD = np.random.default_rng(99).normal(size=(10, 3))


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: frechet_distance(np.zeros(5), _GOOD), r"features_a\.shape=\(5,\)"),
        (lambda: frechet_distance(_GOOD, np.zeros((10, 4))), r"features_b\.shape=\(10, 4\)"),
        (lambda: frechet_distance(_GOOD[:1], _GOOD), r"at least 2 .*features_a\.shape=\(1, 3\)"),
        (lambda: frechet_distance(np.where(np.eye(10, 3) > 0, np.nan, _GOOD), _GOOD), r"Received: features_a with 3 NaN/Inf"),
        (lambda: frechet_distance(_GOOD, np.full((10, 3), np.inf)), r"Received: features_b with 30 NaN/Inf"),
        (lambda: frechet_distance(_GOOD, _GOOD, eps=-1.0), r"eps=-1\.0"),
        (lambda: frechet_distance_from_statistics(np.zeros(2), np.eye(3), np.zeros(2), np.eye(2)), r"sigma1\.shape=\(3, 3\)"),
        (lambda: frechet_distance_from_statistics(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3)), r"mu2\.shape=\(3,\)"),
        (lambda: frechet_distance_from_statistics(np.zeros((2, 2)), np.eye(2), np.zeros(2), np.eye(2)), r"mu1\.shape=\(2, 2\)"),
        (lambda: frechet_distance_from_statistics([np.nan, 0.0], np.eye(2), np.zeros(2), np.eye(2)), r"mu1 with 1 NaN/Inf"),
        (lambda: frechet_distance(["a", "b"], _GOOD), r"Received: features_a="),
        (lambda: kernel_distance(_GOOD, _GOOD, num_subsets=0), r"num_subsets=0"),
        (lambda: kernel_distance(_GOOD, _GOOD, subset_size=1), r"subset_size=1"),
        (lambda: kernel_distance(_GOOD, _GOOD, subset_size=2.5), r"subset_size=2\.5"),
        (lambda: kernel_distance(_GOOD[:, :2], _GOOD), r"features_a\.shape=\(10, 2\)"),
        (lambda: kernel_distance(_GOOD, _GOOD[:1]), r"features_b\.shape=\(1, 3\)"),
        (lambda: classifier_score(_GOOD, splits=0), r"splits=0"),
        (lambda: classifier_score(_GOOD, splits=11), r"splits=11"),
        (lambda: classifier_score(_GOOD, splits=2.0), r"splits=2\.0"),
        (lambda: classifier_score(np.zeros((2, 3, 4))), r"logits\.shape=\(2, 3, 4\)"),
        (lambda: classifier_score(np.full((4, 3), np.nan)), r"logits with 12 NaN/Inf"),
        (lambda: classifier_score(np.full((4, 2), 0.7), splits=1, from_logits=False), r"summing to 1\.4"),
        (lambda: classifier_score(np.array([[1.5, -0.5]]), splits=1, from_logits=False), r"min value -0\.5"),
        (lambda: precision_recall(_GOOD, _GOOD, k=0), r"k=0"),
        (lambda: precision_recall(_GOOD, _GOOD, k=10), r"real_features\.shape=\(10, 3\), k=10"),
        (lambda: precision_recall(_GOOD, _GOOD[:3], k=3), r"fake_features\.shape=\(3, 3\), k=3"),
        (lambda: precision_recall(_GOOD, _GOOD[:, :1]), r"fake_features\.shape=\(10, 1\)"),
        (lambda: precision_recall(_GOOD, _GOOD, k="3"), r"k='3'"),
        (lambda: mmd(np.zeros(5), _GOOD), r"x\.shape=\(5,\)"),
        (lambda: mmd(_GOOD, np.zeros((10, 2, 2))), r"y\.shape=\(10, 2, 2\)"),
        (lambda: mmd(_GOOD[:1], _GOOD), r"x\.shape=\(1, 3\)"),
        (lambda: mmd(_GOOD, _GOOD, bandwidths=[1.0, -2.0]), r"bandwidths=\[1\.0, -2\.0\]"),
        (lambda: mmd(_GOOD, _GOOD, bandwidths=[]), r"bandwidths=\[\]"),
        (lambda: mmd(_GOOD, np.full((4, 3), np.inf)), r"y with 12 NaN/Inf"),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_value(call, match):
    with pytest.raises(ValueError, match=match) as info:
        call()
    assert "Received" in str(info.value)


def test_biased_mmd_accepts_single_samples():
    x, y = np.zeros((1, 2)), np.ones((1, 2))
    assert mmd(x, y, bandwidths=[1.0], unbiased=False) == pytest.approx(2 - 2 * math.exp(-1.0))
