"""`launchers.explore` end to end on a tiny saved model, in subprocesses.

One `python -m launchers.explore` run (inpaint, on real images), and one
subprocess that runs the launcher's flag parsing and `main` for every other
mode and the bad-input cases, so that TensorFlow starts twice rather than
eight times (the CPU is shared); both start together.
"""

import os
import subprocess
import sys

import pytest

from helpers import REPO_ROOT
from helpers import tiny_model

# Runs `launchers.explore` once per argv list in one process: absl flags
# re-parsed each time, `main` called as `app.run` would; prints a marker
# with the exit code after each to stdout and stderr.
DRIVER = """
import json, sys
from absl import flags
from launchers import cli, explore
for argv in json.loads(sys.argv[1]):
    flags.FLAGS.unparse_flags()
    code = 0
    try:
        explore.main(cli.parse_flags(["explore"] + argv))
    except SystemExit as e:
        code = e.code
    for stream in (sys.stdout, sys.stderr):
        print(f"@@ {argv[1]} exit {code}", file=stream, flush=True)
"""


def _env():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = REPO_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _start(*args):
    return subprocess.Popen([sys.executable, *args], cwd=REPO_ROOT, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _sections(text):
    """`{case: text printed before its marker}` of the driver's output."""
    out, lines = {}, []
    for line in text.splitlines():
        if line.startswith("@@ "):
            _, case, _, code = line.split(" ")
            out[case] = ("\n".join(lines), int(code))
            lines = []
        else:
            lines.append(line)
    return out


def _png_shape(path):
    import tensorflow as tf

    return tuple(tf.io.decode_png(tf.io.read_file(path)).shape)


def _grid(rows, cols, side=8):
    """The shape `images.make_grid` gives rows x cols tiles of side x side (padding 1)."""
    return (rows * side + rows + 1, cols * side + cols + 1, 1)


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("explore") / "model.keras")
    tiny_model("dcgan").save(path)
    return path


def test_explore_every_mode_and_bad_input(model_path, tmp_path):
    import json

    out = lambda name: str(tmp_path / f"{name}.png")  # noqa: E731
    model = f"--model_path={model_path}"
    inpaint = _start("-m", "launchers.explore", model, "--mode=inpaint", f"--output={out('i')}", "--data=digits",
                     "--split=train[:3]", "--num_images=3", "--mask=random", "--search_steps=3", "--restarts=1")
    cases = {
        "--mode=interpolate": ([f"--output={out('w')}", "--num_walks=2", "--steps=3", "--method=lerp"], _grid(2, 3)),
        "--mode=arithmetic": ([f"--output={out('a')}", "--grid_size=16", "--num_variants=5"], _grid(4, 5)),
        "--mode=ablate": ([f"--output={out('b')}", "--num_filters=2", "--num_samples=4"], _grid(2, 4)),
    }
    bad = {  # flag given -> the flag the error names
        "--steps=1": ("--mode=interpolate", "--steps=1"),
        "--mask=ring": ("--mode=inpaint", "--mask=ring"),
        "--layer=tanh": ("--mode=ablate", "--layer=tanh"),
        "--a=1,x": ("--mode=arithmetic", "--a=1,x"),
        "--blend=alpha": ("--mode=inpaint", "flag --blend=alpha"),  # absl's enum check.
    }
    runs = [[model, mode, *args] for mode, (args, _) in cases.items()]
    runs += [[model, flag, mode, f"--output={out('x')}"] for flag, (mode, _) in bad.items()]
    driver = _start("-c", DRIVER, json.dumps(runs))
    stdout, stderr = inpaint.communicate(timeout=600)
    assert inpaint.returncode == 0, stderr[-2000:]
    assert f"wrote {out('i')}: inpaint, 3 rows of 3 images" in stdout
    assert _png_shape(out("i")) == _grid(3, 3)
    stdout, stderr = driver.communicate(timeout=600)
    assert driver.returncode == 0, stderr[-3000:]
    printed, errors = _sections(stdout), _sections(stderr)
    for mode, (args, shape) in cases.items():
        assert printed[mode][1] == 0, (mode, errors[mode][0][-2000:])
        assert f"wrote {args[0][len('--output='):]}: {mode[len('--mode='):]}" in printed[mode][0]
        assert _png_shape(args[0][len("--output="):]) == shape, mode
    for flag, (mode, named) in bad.items():
        text, code = errors[flag]
        lines = [line for line in text.splitlines() if line.startswith("error:")]
        assert code == 2 and len(lines) == 1 and lines[0].startswith(f"error: {named}"), (flag, text[-2000:])
    assert not os.path.exists(out("x"))
