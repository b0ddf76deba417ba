"""`import tfgan_zoo` as a new user meets it."""

import subprocess
import sys
import textwrap

from helpers import REPO_ROOT

_SCRIPT = textwrap.dedent(
    """
    import sys
    import tfgan_zoo
    lazy = ("callbacks", "data", "distribute", "export", "metrics", "regularizers", "serving")
    # The core does not import data, metrics or serving code.
    print("eager", sorted(m for m in ("callbacks", "data", "export", "metrics", "serving") if f"tfgan_zoo.{m}" in sys.modules))
    for name in lazy:
        getattr(tfgan_zoo, name)
    images, labels = next(iter(tfgan_zoo.data.load("digits", batch_size=4, seed=0)))
    print("batch", tuple(images.shape), tuple(labels.shape))
    """
)


def test_public_submodules_are_attributes_after_a_plain_import():
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert "eager []" in lines, lines
    assert "batch (4, 8, 8, 1) (4,)" in lines, lines
