"""The README's Python examples run as written (from the repository root) and print what
their comments say. Blocks marked ```py are sketches with file names of the reader's and
are not run."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

OUTPUTS = [
    "pass None\n",
    "pass https://slsa.dev/verification_summary/v1\n",
    "274 9540262b8b09c653\n",
]


def test_readme_examples(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (REPO / "bindings-python" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) == len(OUTPUTS)
    monkeypatch.chdir(REPO)
    for i, (block, output) in enumerate(zip(blocks, OUTPUTS)):
        exec(compile(block, f"README.md block {i}", "exec"), {})
        assert capsys.readouterr().out == output
    sketches = re.findall(r"```py\n(.*?)```", readme, re.S)
    assert sketches and all(compile(s, "README.md sketch", "exec") for s in sketches)
