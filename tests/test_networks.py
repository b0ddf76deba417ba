"""Network shapes, the DCGAN architecture rules, and label handling."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import networks
from tfgan_zoo.networks import dcgan as dcgan_lib

L = keras.layers


@pytest.mark.parametrize(
    "shape, projection",
    [((28, 28, 1), (7, 7, 128)), ((32, 32, 3), (4, 4, 256)), ((64, 64, 3), (4, 4, 1024))],
)
def test_dcgan_presets(shape, projection):
    g = networks.dcgan_generator(shape, latent_dim=100, seed=0)
    d = networks.dcgan_discriminator(shape, seed=0)
    assert tuple(g.output.shape) == (None,) + shape
    assert tuple(d.output.shape) == (None, 1)
    assert tuple(g.get_layer("reshape").output.shape) == (None,) + projection
    out = g(np.zeros((2, 100), np.float32))
    assert out.shape == (2,) + shape
    assert tuple(d(out).shape) == (2, 1)


@pytest.mark.parametrize("shape", [(8, 8, 1), (16, 16, 3), (56, 56, 1), (128, 128, 3)])
def test_dcgan_other_square_sides(shape):
    g = networks.dcgan_generator(shape, latent_dim=4, width=2)
    assert tuple(g.output.shape) == (None,) + shape


@pytest.mark.parametrize("bad", [(30, 30, 1), (28, 32, 1), (28, 28), (4, 4, 1), (0, 0, 1)])
def test_dcgan_rejects_unsupported_shapes(bad):
    with pytest.raises(ValueError, match=r"Received: sample_shape=\(" + ", ".join(map(str, bad))):
        networks.dcgan_generator(bad)


def _layers(model, kinds):
    return [layer for layer in model.layers if isinstance(layer, kinds)]


def _next_layer(model, layer):
    """The layer fed by `layer` (the networks are chains)."""
    users = [
        other
        for other in model.layers
        for node in other._inbound_nodes
        for parent in node.parent_nodes
        if parent.operation is layer
    ]
    assert len(users) == 1, f"{layer.name} feeds {[u.name for u in users]}"
    return users[0]


def _prev_layer(model, layer):
    parents = [p.operation for node in layer._inbound_nodes for p in node.parent_nodes]
    assert len(parents) == 1
    return parents[0]


@pytest.mark.parametrize("num_classes", [None, 10])
@pytest.mark.parametrize("shape", [(28, 28, 1), (64, 64, 3)])
def test_dcgan_generator_rules(shape, num_classes):
    g = networks.dcgan_generator(shape, latent_dim=16, width=8, num_classes=num_classes)
    # Transposed convolutions, all strided; no plain conv or pooling.
    deconvs = _layers(g, L.Conv2DTranspose)
    assert deconvs and all(tuple(d.strides) == (2, 2) for d in deconvs)
    assert not _layers(g, (L.Conv2D, L.MaxPooling2D, L.AveragePooling2D, L.UpSampling2D))
    # One Dense: the projection of z, reshaped at once to a 4-D tensor.
    dense = _layers(g, L.Dense)
    assert len(dense) == 1
    assert isinstance(_next_layer(g, dense[0]), L.Reshape)
    # Batch norm after every layer but the output; ReLU after each BN.
    for d in deconvs[:-1]:
        bn = _next_layer(g, d)
        assert isinstance(bn, L.BatchNormalization)
        assert isinstance(_next_layer(g, bn), L.ReLU)
    reshape_bn = _next_layer(g, _next_layer(g, dense[0]))
    assert isinstance(reshape_bn, L.BatchNormalization)
    out = _next_layer(g, deconvs[-1])
    assert isinstance(out, L.Activation) and out.get_config()["activation"] == "tanh"
    assert not _layers(g, L.LeakyReLU)
    # Weights from N(0, 0.02).
    for layer in deconvs + dense:
        init = layer.kernel_initializer
        assert isinstance(init, keras.initializers.RandomNormal) and init.stddev == 0.02


@pytest.mark.parametrize("num_classes", [None, 10])
@pytest.mark.parametrize("shape", [(28, 28, 1), (64, 64, 3)])
def test_dcgan_discriminator_rules(shape, num_classes):
    d = networks.dcgan_discriminator(shape, width=8, num_classes=num_classes)
    convs = _layers(d, L.Conv2D)
    assert len(convs) >= 2 and all(tuple(c.strides) == (2, 2) for c in convs)
    assert not _layers(d, (L.Conv2DTranspose, L.MaxPooling2D, L.AveragePooling2D))
    # No batch norm on the input layer; batch norm after every later conv.
    assert isinstance(_next_layer(d, convs[0]), L.LeakyReLU)
    for c in convs[1:]:
        assert isinstance(_next_layer(d, c), L.BatchNormalization)
    for act in _layers(d, L.LeakyReLU):
        assert act.negative_slope == pytest.approx(0.2)
    assert not _layers(d, L.ReLU)
    # No hidden fully connected layer: the only Dense is the 1-unit output,
    # fed straight by the flattened conv features.
    dense = _layers(d, L.Dense)
    assert len(dense) == 1 and dense[0].units == 1
    assert isinstance(_prev_layer(d, dense[0]), L.Flatten)
    assert dense[0] is d.layers[-1]


def test_generator_and_discriminator_draw_different_seeded_weights():
    g = networks.dcgan_generator((28, 28, 1), 8, width=4, seed=3)
    g2 = networks.dcgan_generator((28, 28, 1), 8, width=4, seed=3)
    g3 = networks.dcgan_generator((28, 28, 1), 8, width=4, seed=4)
    for a, b in zip(g.get_weights(), g2.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(g.get_weights()[0], g3.get_weights()[0])


@pytest.mark.parametrize("network", networks.NETWORKS)
def test_build_pair_conditional_inputs(network):
    g, d = networks.build_pair(network, (8, 8, 1), latent_dim=4, num_classes=3, width=4)
    assert [t.name for t in g.inputs] == ["z", "labels"]
    assert [t.name for t in d.inputs] == ["x", "labels"]
    z = np.zeros((2, 4), np.float32)
    x = g([z, np.array([0, 2])])
    assert x.shape == (2, 8, 8, 1)
    assert d([x.numpy(), np.array([1, 1])]).shape == (2, 1)


def test_conditional_generator_depends_on_label():
    g, _ = networks.build_pair("mlp", (8, 8, 1), latent_dim=4, num_classes=3, width=4, seed=0)
    z = np.ones((1, 4), np.float32)
    a, b = g([z, np.array([0])]), g([z, np.array([2])])
    assert not np.allclose(a, b)


def test_mlp_vectors():
    g = networks.mlp_generator((2,), 3, hidden_units=(8,), output_activation="linear")
    d = networks.mlp_discriminator((2,), hidden_units=(8,))
    assert tuple(g.output.shape) == (None, 2)
    assert tuple(d.output.shape) == (None, 1)
    with pytest.raises(ValueError, match=r"Received: hidden_units=\(\)"):
        networks.mlp_generator((2,), 3, hidden_units=())


def test_unknown_network():
    with pytest.raises(ValueError, match=r"Unknown network 'resnet'.*\['dcgan', 'mlp'\]"):
        networks.build_pair("resnet", (8, 8, 1), 4)


def test_one_hot_rejects_out_of_range_labels():
    layer = networks.OneHot(3)
    np.testing.assert_array_equal(layer(tf.constant([2, 0])).numpy(), [[0, 0, 1], [1, 0, 0]])
    for bad in ([3], [-1]):
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"labels must be in \[0, 3\)"):
            layer(tf.constant(bad))
    fn = tf.function(lambda t: layer(t))
    with pytest.raises(tf.errors.InvalidArgumentError):
        fn(tf.constant([5]))
    with pytest.raises(ValueError, match="num_classes=1"):
        networks.OneHot(1)


def test_networks_round_trip_through_keras_serialization():
    g, d = networks.build_pair("dcgan", (8, 8, 1), latent_dim=4, num_classes=3, width=4, seed=0)
    g2 = keras.layers.deserialize(keras.layers.serialize(g))
    g2.set_weights(g.get_weights())
    z, labels = np.ones((2, 4), np.float32), np.array([0, 2])
    np.testing.assert_allclose(g([z, labels]), g2([z, labels]), atol=1e-6)
    assert dcgan_lib.spatial_plan((64, 64, 3)) == (4, 4)


@pytest.mark.parametrize("policy", ["float32", "mixed_bfloat16"])
def test_fused_batch_norm_is_keras_batch_norm(policy):
    from tfgan_zoo.networks.fused_batch_norm import FusedBatchNormalization

    x = tf.constant(np.random.default_rng(0).normal(size=(8, 5, 5, 3)).astype("float32") * 3 + 1)
    weights = tf.range(1.0, 4.0)
    layers = [cls(momentum=0.9, epsilon=1e-5, dtype=policy)
              for cls in (keras.layers.BatchNormalization, FusedBatchNormalization)]
    outputs, grads = [], []
    for layer in layers:
        layer.build(x.shape)
        layer.gamma.assign([1.0, 2.0, 3.0])
        layer.beta.assign([0.5, 0.0, -0.5])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, training=True)
            loss = tf.reduce_sum(tf.cast(y, tf.float32) ** 2 * weights)
        outputs.append(np.float32(y))
        grads.append([np.asarray(g) for g in tape.gradient(loss, [x, layer.gamma, layer.beta])])
    keras_bn, fused = layers
    assert fused.compute_dtype == keras_bn.compute_dtype and outputs[1].dtype == np.float32
    tol = 1e-5 if policy == "float32" else 1e-2  # bfloat16 keeps 8 bits of mantissa.
    np.testing.assert_allclose(outputs[1], outputs[0], atol=tol * 10)
    for a, b in zip(grads[0], grads[1]):
        np.testing.assert_allclose(b, a, rtol=tol * 10, atol=tol * 100)
    # The moving statistics follow Keras' rule (the biased batch variance).
    # (Under bfloat16 both take the statistics of the rounded activations, in their own order.)
    stat_tol = 1e-5 if policy == "float32" else 1e-3
    np.testing.assert_allclose(fused.moving_mean.numpy(), keras_bn.moving_mean.numpy(), atol=stat_tol)
    np.testing.assert_allclose(fused.moving_variance.numpy(), keras_bn.moving_variance.numpy(), rtol=stat_tol)
    batch_var = np.var(x.numpy(), axis=(0, 1, 2))
    np.testing.assert_allclose(fused.moving_variance.numpy(), 0.9 + 0.1 * batch_var, rtol=stat_tol * 10)
    # Inference uses the moving statistics, as Keras does.
    np.testing.assert_allclose(np.float32(fused(x, training=False)), np.float32(keras_bn(x, training=False)),
                               atol=tol * 10)


def test_fused_batch_norm_falls_back_where_the_kernel_does_not_apply():
    from tfgan_zoo.networks.fused_batch_norm import FusedBatchNormalization

    flat = FusedBatchNormalization()
    y = flat(np.arange(12, dtype="float32").reshape(4, 3), training=True)  # 2-D: Keras' own path.
    np.testing.assert_allclose(np.mean(np.asarray(y), axis=0), 0.0, atol=1e-5)
    assert not FusedBatchNormalization(axis=1)._fused(tf.zeros((1, 2, 2, 2)), None)
    assert not FusedBatchNormalization(synchronized=True)._fused(tf.zeros((1, 2, 2, 2)), None)
    assert FusedBatchNormalization()._fused(tf.zeros((1, 2, 2, 2)), None)
