"""Runs the `Example:` blocks of every docstring in the package."""

import doctest
import importlib
import pkgutil

import numpy
import pytest

import tfgan_zoo

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(tfgan_zoo.__path__, prefix="tfgan_zoo.")
)


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # Examples that write files write here.
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    # NumPy as `np`, the doctest convention, for modules that do not import it.
    for test in finder.find(module, module_name, globs={"np": numpy, **vars(module)}):
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} docstring example(s) failed in {module_name}"
