"""3D-GAN: volumetric networks, the adaptive discriminator rule, the voxel
data (procedural shapes, the tfds builder, user grids) and the views and
meshes of generated shapes."""

import os
import re
import socket

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_model

import tfgan_zoo
from tfgan_zoo import data
from tfgan_zoo import volumes
from tfgan_zoo.data import voxels as voxels_lib
from tfgan_zoo.models.gan3d import global_accuracy
from tfgan_zoo.networks import volumetric


def _count(model, kind):
    return sum(isinstance(layer, kind) for layer in model.layers)


@pytest.mark.parametrize("side", [8, 32])
def test_five_volumetric_layers_each_way(side):
    g = volumetric.voxel_generator((side,) * 3 + (1,), latent_dim=4, width=1)
    d = volumetric.voxel_discriminator((side,) * 3 + (1,), width=1)
    assert tuple(g.output.shape) == (None, side, side, side, 1)
    assert tuple(d.output.shape) == (None, 1)
    assert _count(g, keras.layers.Conv3DTranspose) == 5 and _count(d, keras.layers.Conv3D) == 5
    assert g.layers[-1].activation is keras.activations.sigmoid


@pytest.mark.parametrize("shape", [(8, 8, 1), (12, 12, 12, 1), (8, 8, 16, 1), (8, 8, 8, 3)])
def test_bad_voxel_shapes_are_refused(shape):
    with pytest.raises(ValueError, match=re.escape(f"Received: sample_shape={shape!r}")):
        tfgan_zoo.create("gan3d", sample_shape=shape, latent_dim=4, width=1)


def test_minibatch_stddev_is_one_more_channel_of_the_last_feature_maps():
    model = tiny_model("gan3d", minibatch_features="stddev")
    d = model.discriminator
    layer = d.get_layer("minibatch")
    assert layer.input.shape[-1] + 1 == layer.output.shape[-1] == d.get_layer("conv_out").input.shape[-1]
    features = keras.Model(d.input, layer.input)
    x, _ = _shapes(6)
    h = features(x).numpy()
    out = keras.Model(d.input, layer.output)(x).numpy()
    np.testing.assert_allclose(out[..., :-1], h)
    np.testing.assert_allclose(out[..., -1], np.sqrt(h.var(axis=0) + 1e-8).mean(), rtol=1e-5)
    # An example's logit now depends on the rest of its batch.
    assert not np.allclose(d(x[:2]).numpy()[0], d(x[:3]).numpy()[0])
    assert tiny_model("gan3d").discriminator.get_layer("conv_out").input.shape[-1] == layer.input.shape[-1]
    with pytest.raises(ValueError, match="Received: minibatch_features='discrimination'"):
        tiny_model("gan3d", minibatch_features="discrimination")


def test_packing_judges_consecutive_grids_together(tmp_path):
    model = tiny_model("gan3d", packing=2, r1_weight=1.0)
    d = model.discriminator
    assert d.get_layer("pack").output.shape[-1] == 2 == d.get_layer("conv_0").input.shape[-1]
    x, _ = _shapes(6)
    assert d(x).shape == (3, 1)
    # Pack i is grids 2i and 2i + 1: swapping grids within a pack changes its logit, not the others'.
    swapped = x[[1, 0, 2, 3, 4, 5]]
    out, out_swapped = d(x).numpy(), d(swapped).numpy()
    assert not np.allclose(out[0], out_swapped[0]) and np.allclose(out[1:], out_swapped[1:], atol=1e-6)
    history = model.fit(x[:4], batch_size=4, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"][0]) and np.isfinite(history["r1_penalty"][0])
    path = str(tmp_path / "packed.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.packing == 2
    np.testing.assert_allclose(loaded.discriminator(x).numpy(), model.discriminator(x).numpy(), rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiple of 2. Received: a batch of 3"):
        model.discriminator(x[:3])
    for bad in (0, 1.5, "2"):
        with pytest.raises(ValueError, match=re.escape(f"Received: packing={bad!r}")):
            tiny_model("gan3d", packing=bad)


def test_global_accuracy_by_hand():
    real = tf.constant([[1.0], [-1.0], [2.0]])  # 2 of 3 right.
    fake = tf.constant([[-1.0], [-0.5], [3.0]])  # 2 of 3 right.
    assert float(global_accuracy(real, fake)) == pytest.approx(4 / 6)


def _shapes(n=32, side=8):
    x, y = voxels_lib.voxel_shapes(n, side, seed=0)
    return x[..., None].astype(np.float32), y


@pytest.mark.parametrize("threshold, updated", [(0.0, 0.0), (1.5, 1.0)])
def test_adaptive_rule_skips_the_discriminator_update(threshold, updated):
    model = tiny_model("gan3d", d_accuracy_threshold=threshold)
    d0 = [w.numpy().copy() for w in model.discriminator.trainable_weights]
    x, _ = _shapes()
    history = model.fit(x, batch_size=16, epochs=1, verbose=0, shuffle=False).history
    assert history["d_updated"] == [updated]
    moved = any(not np.array_equal(a, b.numpy()) for a, b in zip(d0, model.discriminator.trainable_weights))
    assert moved == bool(updated)
    assert 0.0 <= history["d_accuracy"][0] <= 1.0


def test_samples_are_occupancy_and_outside_data_is_refused():
    model = tiny_model("gan3d")
    samples = model.generate(3, seed=0)
    assert samples.shape == (3, 8, 8, 8, 1) and samples.min() >= 0 and samples.max() <= 1
    with pytest.raises((ValueError, tf.errors.InvalidArgumentError), match=r"\(8, 8, 8\)|8, 8, 8\)"):
        model.fit(np.zeros((16, 8, 8, 8), np.float32), batch_size=8, epochs=1, verbose=0)


# ----------------------------------------------------------------------------
# Voxel data.


def test_voxel_shapes_are_deterministic_for_a_seed():
    a, la = voxels_lib.voxel_shapes(12, 16, seed=3)
    b, lb = voxels_lib.voxel_shapes(12, 16, seed=3)
    c, _ = voxels_lib.voxel_shapes(12, 16, seed=4)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    assert not np.array_equal(a, c)
    assert la.tolist() == [0, 1, 2, 3, 4, 5] * 2
    assert a.dtype == np.uint8 and set(np.unique(a)) == {0, 1}
    assert a.reshape(12, -1).sum(axis=1).min() > 0  # No empty shape.
    with pytest.raises(ValueError, match=r"Received: side=2"):
        voxels_lib.voxel_shapes(2, side=2)


@pytest.mark.parametrize(
    "values, message",
    [
        (np.zeros((4, 4, 4)), r"Received: voxels of shape \(4, 4, 4\)"),
        (np.zeros((2, 4, 4, 5)), r"Received: voxels of shape \(2, 4, 4, 5\)"),
        (np.full((2, 4, 4, 4), 0.5), r"Received: values outside \{0, 1\}: \[0.5\]"),
        (np.full((2, 4, 4, 4), -1.0), r"Received: values outside \{0, 1\}: \[-1.0\]"),
    ],
)
def test_bad_voxel_grids_are_refused(values, message, tmp_path):
    path = str(tmp_path / "grids.npz")
    np.savez(path, voxels=values)
    with pytest.raises(ValueError, match=message):
        data.load(f"voxels:{path}", batch_size=1)


def test_user_grids_from_npz_and_npy_folders(tmp_path):
    grids, labels = voxels_lib.voxel_shapes(6, 8, seed=1)
    np.savez(str(tmp_path / "grids.npz"), voxels=grids, labels=labels)
    got, got_labels = data.load_arrays(f"voxels:{tmp_path / 'grids.npz'}")
    np.testing.assert_array_equal(got[..., 0], grids)
    np.testing.assert_array_equal(got_labels, labels)
    assert got.dtype == np.float32 and got.shape == (6, 8, 8, 8, 1)
    for i, grid in enumerate(grids):
        os.makedirs(tmp_path / "dir" / voxels_lib.CLASSES[i % 2], exist_ok=True)
        np.save(str(tmp_path / "dir" / voxels_lib.CLASSES[i % 2] / f"{i}.npy"), grid)
    got, got_labels = data.load_arrays(f"voxels:{tmp_path / 'dir'}")
    assert got.shape == (6, 8, 8, 8, 1) and sorted(got_labels.tolist()) == [0, 0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match=r"Received: image_shape=\(16, 16, 16, 1\)"):
        data.load(f"voxels:{tmp_path / 'grids.npz'}", batch_size=2, image_shape=(16, 16, 16, 1))
    with pytest.raises(ValueError, match=r"Received: image_shape=\(8, 8, 1\)"):
        data.load("voxel_shapes", batch_size=2, image_shape=(8, 8, 1))


def test_gan3d_trains_on_the_voxel_source():
    model = tiny_model("gan3d")
    ds = data.load("voxel_shapes", batch_size=8, image_shape=(8, 8, 8, 1), split="train[:16]", seed=0)
    history = model.fit(ds, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"][0]) and int(model.g_optimizer.iterations.numpy()) == 2


def _no_network(*args, **kwargs):
    raise OSError("network disabled by the test")


def test_tfds_builder_prepares_offline_and_matches_the_source(tmp_path, monkeypatch):
    import tensorflow_datasets as tfds

    monkeypatch.setattr(socket, "create_connection", _no_network)
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)
    ds = tfds.load("voxel_shapes/d8", split="train[:12]", data_dir=str(tmp_path), shuffle_files=False)
    got = [(ex["voxels"].numpy(), int(ex["label"]), int(ex["index"])) for ex in ds]
    want, want_labels = voxels_lib.voxel_shapes(voxels_lib.VOXEL_EXAMPLES, 8, seed=0)
    index = [i for _, _, i in got]
    np.testing.assert_array_equal(np.stack([g for g, _, _ in got]), want[index])
    assert [label for _, label, _ in got] == want_labels[index].tolist()
    info = tfds.builder("voxel_shapes/d8", data_dir=str(tmp_path)).info
    assert info.splits["train"].num_examples == voxels_lib.VOXEL_EXAMPLES
    assert info.features["label"].names == list(voxels_lib.CLASSES)


# ----------------------------------------------------------------------------
# Views and meshes.


def test_render_is_the_three_maximum_projections():
    grid = np.zeros((1, 4, 4, 4), np.float32)
    grid[0, 1, 2, 3] = 1.0
    views = volumes.render(grid)
    assert views.shape == (1, 4, 12, 1) and set(np.unique(views)) == {-1.0, 1.0}
    lit = np.argwhere(views[0, :, :, 0] > 0).tolist()
    # Along depth: (2, 3); along height: (1, 3); along width: (1, 2), each view offset by 4.
    assert lit == [[1, 4 + 3], [1, 8 + 2], [2, 3]]
    with pytest.raises(ValueError, match=r"Received: voxels of shape \(4, 4\)"):
        volumes.render(np.zeros((4, 4)))


def test_mesh_export_writes_a_valid_obj(tmp_path):
    grid = np.zeros((8, 8, 8), np.float32)
    grid[2:6, 1:7, 3:5] = 1.0
    vertices, faces = volumes.mesh(grid)
    # The surface of the box lies half a voxel outside its occupied cells.
    np.testing.assert_allclose(vertices.min(axis=0), [1.5, 0.5, 2.5])
    np.testing.assert_allclose(vertices.max(axis=0), [5.5, 6.5, 4.5])
    path = volumes.write_obj(str(tmp_path / "box.obj"), vertices, faces)
    with open(path) as f:
        lines = f.read().splitlines()
    v = [line for line in lines if line.startswith("v ")]
    f_ = [list(map(int, line.split()[1:])) for line in lines if line.startswith("f ")]
    assert len(v) == len(vertices) and len(f_) == len(faces) and len(v) + len(f_) == len(lines)
    assert min(min(t) for t in f_) == 1 and max(max(t) for t in f_) == len(vertices)
    # Closed surface: every edge is shared by exactly two triangles.
    edges = {}
    for a, b, c in f_:
        for e in ((a, b), (b, c), (c, a)):
            key = tuple(sorted(e))
            edges[key] = edges.get(key, 0) + 1
    assert set(edges.values()) == {2}
    assert os.listdir(tmp_path) == ["box.obj"]  # Atomic: no temporary left.
    with pytest.raises(ValueError, match=r"Received: level=0.5"):
        volumes.mesh(np.zeros((8, 8, 8)))


def test_write_meshes_one_per_generated_shape(tmp_path):
    grids, _ = voxels_lib.voxel_shapes(3, 8, seed=0)
    paths = volumes.write_meshes(grids.astype(np.float32), str(tmp_path / "meshes"))
    assert [os.path.basename(p) for p in paths] == ["sample_000.obj", "sample_001.obj", "sample_002.obj"]
