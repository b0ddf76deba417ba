"""What the launchers print: a plain log when piped, TensorFlow's chatter only
with `--verbose`, `--help` that lists every model's hparams and exits 0.

Two subprocesses: the README's quick start (tiny) piped to a file, and
`launchers.train --help --verbose`. Neither gets `TF_CPP_MIN_LOG_LEVEL` from
the test: the launchers must quiet TensorFlow themselves.
"""

import io
import os
import re
import subprocess
import sys

import pytest
from helpers import REPO_ROOT

import tfgan_zoo
from launchers import cli
from launchers import hparam_flags

# A TensorFlow/absl C++ log line: `I0000 00:00:1796191209.460042    3375 cudart_stub.cc:31] ...`.
CPP_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\]", re.MULTILINE)
# Every line the piped quick start may print, and nothing else.
QUICK_START_LINES = [
    r"precision: (float32|bfloat16) \(.+; --precision= chooses\)",  # The launcher's choice, said once.
    r"Training dcgan on digits: 2 epochs of 2 generator steps, 1 replica\(s\) x batch 8 x 1 d_steps\.",
    r"Epoch [12]/2",
    r"2/2 - [\dm ]+s - \d+(us|ms|s)/step - d_loss: \S+ - g_loss: \S+",  # Keras verbose=2: one line per epoch.
    r"generator_sha256: [0-9a-f]{64}",
    r"(keras|samples|export): \S+",
]


def _env():
    env = dict(os.environ, PYTHONPATH=REPO_ROOT)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # conftest sets it; the launchers must not need it.
    return env


def _run(module, *args, cwd):
    """`python -m module args` with stdout and stderr in ONE pipe, as `> log.txt 2>&1`."""
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=600)


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """The quick start's log (tiny flags) and `--help --verbose`'s, run two at a time."""
    import concurrent.futures

    root = tmp_path_factory.mktemp("output")
    quick = ["--epochs=2", "--steps_per_epoch=2", "--batch_size=8", "--latent_dim=8", "--width=4",
             f"--workdir={root}/run", f"--export_dir={root}/sm"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        quick_start = pool.submit(_run, "launchers.train", *quick, cwd=str(root))
        help_verbose = pool.submit(_run, "launchers.train", "--help", "--verbose", cwd=str(root))
        return {"quick_start": quick_start.result(), "help_verbose": help_verbose.result()}


def test_piped_quick_start_log_is_plain(logs):
    proc = logs["quick_start"]
    log = proc.stdout.decode()
    assert proc.returncode == 0, log
    # No progress-bar escapes or carriage returns, no C++ start-up lines.
    for bad in ("\x1b", "\x08", "\r", "absl::InitializeLog", "cuInit", "cuda", "oneDNN", "cpu_feature_guard",
                "INFO:tensorflow", "shuffle=True"):
        assert bad not in log, f"{bad!r} in the log:\n{log}"
    assert not CPP_LINE.search(log), log
    # Only the launcher's own lines: one per epoch, then the outputs.
    lines = log.splitlines()
    unexpected = [line for line in lines if not any(re.fullmatch(p, line) for p in QUICK_START_LINES)]
    assert not unexpected, f"unexpected lines {unexpected} in:\n{log}"
    assert sum(bool(re.fullmatch(QUICK_START_LINES[2], line)) for line in lines) == 2, log
    assert [line.split(":")[0] for line in lines[-4:]] == ["generator_sha256", "keras", "samples", "export"]


def test_help_exits_0_and_lists_every_models_hparams(logs):
    proc = logs["help_verbose"]
    text = proc.stdout.decode()
    assert proc.returncode == 0, text
    assert "Trains a GAN" in text and "--epochs" in text
    for name in tfgan_zoo.available_models():
        section = text.split(f"\n  {name}:\n", 1)
        assert len(section) == 2, f"no section for {name}"
        body = section[1].split("\n\n", 1)[0]
        for hp, default in tfgan_zoo.model_hparams(name).items():
            line = re.search(rf"^    --{hp}={re.escape(hparam_flags.flag_text(default))}: (.+)$", body, re.MULTILINE)
            assert line and len(line.group(1)) > 5, f"{name}: no description of --{hp} in:\n{body}"


def test_verbose_shows_tensorflows_start_up_logs(logs):
    # The same import that the quick start keeps quiet, with --verbose.
    text = logs["help_verbose"].stdout.decode()
    assert CPP_LINE.search(text) or "absl::InitializeLog" in text, text[:3000]


@pytest.mark.parametrize("module", ["launchers.generate", "launchers.export", "launchers.evaluate"])
def test_other_launchers_help_exits_0(module, tmp_path):
    proc = _run(module, "--help", cwd=str(tmp_path))
    text = proc.stdout.decode()
    assert proc.returncode == 0, text
    assert "--model_path" in text and "--[no]verbose" in text, text
    assert "Try --helpfull" not in text  # absl's own --help (exit 1) did not run.


# ----------------------------------------------------------------------------
# In-process: the pieces.


def test_every_registered_hparam_has_a_description():
    missing = {name: [hp for hp, text in hparam_flags.hparam_descriptions(name).items() if not text.strip()]
               for name in tfgan_zoo.available_models()}
    assert not any(missing.values()), f"hparams with no `Args:` entry along the model's MRO: {missing}"
    assert set(hparam_flags.hparam_descriptions("dcgan")) == set(tfgan_zoo.model_hparams("dcgan"))


def test_descriptions_come_from_the_mro_subclass_first():
    class Parent:
        """Parent.

        Args:
            width: the parent's width. More text.
            depth: layers,
                counted from the input.
            **kwargs: more.

        Example:
            not: an arg.
        """

    class Child(Parent):
        """Child.

        Args:
            width (int): the child's own width, e.g. 4. Not this.
        """

    assert hparam_flags.docstring_args(Parent.__doc__) == {
        "width": "the parent's width. More text.",
        "depth": "layers, counted from the input.",
        "**kwargs": "more.",
    }
    merged = {}
    for klass in Child.__mro__:
        for name, text in hparam_flags.docstring_args(klass.__doc__).items():
            merged.setdefault(name, hparam_flags._first_sentence(text))
    assert merged["width"] == "the child's own width, e.g. 4."
    assert merged["depth"] == "layers, counted from the input."
    assert hparam_flags.docstring_args("No args here.") == {}


@pytest.mark.parametrize(
    "argv, verbose",
    [
        (["x"], False),
        (["x", "--verbose"], True),
        (["x", "--verbose=true"], True),
        (["x", "--verbose=3"], True),
        (["x", "--verbose=2"], False),
        (["x", "--verbose=0"], False),
        (["x", "--noverbose"], False),
        (["x", "--", "--verbose"], False),
        (["x", "--verbose_other"], False),
    ],
)
def test_verbose_requested(argv, verbose):
    assert cli.verbose_requested(argv) is verbose


def test_verbose_levels_and_progress_by_terminal(monkeypatch):
    parser = cli._VerboseParser()
    assert [parser.parse(v) for v in ("0", "1", "2", "3", "true", "false")] == [0, 1, 2, 3, 3, 0]
    with pytest.raises(ValueError, match="Received: '7'"):
        parser.parse("7")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    assert cli.keras_verbose(None) == 1 and cli.keras_verbose(cli.TF_LOGS) == 1  # A progress bar.
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert cli.keras_verbose(None) == 2 and cli.keras_verbose(cli.TF_LOGS) == 2  # One line per epoch.
    assert [cli.keras_verbose(v) for v in (0, 1, 2)] == [0, 1, 2]  # As asked.


def test_check_output_path(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    cli.check_output_path("workdir", str(tmp_path / "new" / "deeper"))
    cli.check_output_path("output", str(tmp_path / "new.png"), is_dir=False)
    with pytest.raises(ValueError, match=re.escape(f"--workdir={a_file}/run: {a_file} is a file")):
        cli.check_output_path("workdir", f"{a_file}/run")
    with pytest.raises(ValueError, match=re.escape(f"--output={a_file}/x/g.png: {a_file} is a file")):
        cli.check_output_path("output", f"{a_file}/x/g.png", is_dir=False)
    with pytest.raises(ValueError, match=re.escape(f"--output={tmp_path}: is a directory")):
        cli.check_output_path("output", str(tmp_path), is_dir=False)


def test_quiet_tensorflow_is_a_no_op_once_tensorflow_is_imported():
    assert "tensorflow" in sys.modules  # conftest imported it.
    assert cli.quiet_tensorflow(verbose=False) is False
