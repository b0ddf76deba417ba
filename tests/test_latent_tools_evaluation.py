"""Inpainting measures and baselines (tfgan_zoo.latent_tools.evaluation)."""

import numpy as np
import pytest

from tfgan_zoo.latent_tools import evaluation


def test_hole_psnr_hand_checked():
    images = np.zeros((2, 2, 2, 1))
    masks = np.ones_like(images)
    masks[:, 0, 0] = 0  # Two missing pixels in all.
    completed = images.copy()
    completed[0, 0, 0], completed[1, 0, 0] = 0.1, 0.3  # MSE (0.01 + 0.09) / 2 = 0.05
    completed[0, 1, 1] = 1.0  # A known pixel: not counted.
    assert evaluation.hole_psnr(images, completed, masks) == pytest.approx(10 * np.log10(4 / 0.05))
    with pytest.raises(ValueError, match="Received: masks of all ones"):
        evaluation.hole_psnr(images, completed, np.ones_like(images))


def test_baseline_fills():
    train = np.stack([np.full((2, 2, 1), v, np.float32) for v in (-1.0, 0.0, 1.0)])
    images = np.array([[[[0.9], [0.9]], [[0.9], [-0.5]]]], np.float32)  # Known pixels near 1.
    masks = np.ones_like(images)
    masks[0, 1, 1] = 0
    np.testing.assert_allclose(evaluation.mean_fill(images, masks, train)[0, 1, 1], 0.0)
    filled = evaluation.nearest_neighbour_fill(images, masks, train, batch_size=1)
    np.testing.assert_allclose(filled[0, 1, 1], 1.0)  # From the all-ones image.
    np.testing.assert_allclose(filled[0, 0], images[0, 0])


# -- the inpaint signature through keras.export and saved_model_cli -----------------


def _saved_model_cli(*args):
    import os
    import shutil
    import subprocess
    import sys

    exe = shutil.which("saved_model_cli") or os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.Popen([exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_inpaint_signature_runs_in_saved_model_cli_and_rejects_a_bad_mask(tmp_path):
    from helpers import tiny_model
    from tfgan_zoo import export as export_lib
    from tfgan_zoo.latent_tools import masks as masks_lib
    from tfgan_zoo.latent_tools import serving

    model = tiny_model("cgan", compile=False)
    inpaint = serving.inpaint_endpoint(model, steps=3, restarts=2)
    path = export_lib.export(model, str(tmp_path / "cgan"), signatures={"inpaint": inpaint})
    assert export_lib.read_metadata(path)["signatures"] == ["serving_default", "sample", "inpaint"]
    with pytest.raises(ValueError, match=r"the export's own: \['sample'\]"):
        export_lib.export(model, str(tmp_path / "other"), signatures={"sample": inpaint})
    assert not (tmp_path / "other").exists()
    images = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)).astype(np.float32)
    masks = masks_lib.center_mask(2, (8, 8, 1))
    literal = lambda a: repr(np.asarray(a).tolist()).replace(" ", "")  # noqa: E731
    common = ["run", "--dir", path, "--tag_set", "serve", "--signature_def", "inpaint"]
    good = _saved_model_cli(*common, "--input_exprs",
                            f"images={literal(images)};masks={literal(masks)};seed=3;labels=[1,2]",
                            "--outdir", str(tmp_path / "out"))
    bad = _saved_model_cli(*common, "--input_exprs",
                           f"images={literal(images)};masks={literal(masks * 0.5)};seed=3;labels=[1,2]")
    _, err = good.communicate(timeout=600)
    assert good.returncode == 0, err[-3000:]
    completed = np.load(tmp_path / "out" / "images.npy")
    assert completed.shape == (2, 8, 8, 1) and np.load(tmp_path / "out" / "images_uint8.npy").dtype == np.uint8
    np.testing.assert_array_equal(completed[masks[..., 0] == 1], images[masks[..., 0] == 1])
    _, err = bad.communicate(timeout=600)
    assert bad.returncode != 0
    assert "InvalidArgument" in err and "masks must be 0 (missing) or 1 (known). Received: mask values" in err, err[-3000:]
