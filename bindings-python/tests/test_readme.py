"""The README's Python example runs as written (from the repository root)."""

from __future__ import annotations

import re

import pytest
from conftest import REPO


def test_readme_example(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (REPO / "bindings-python" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks
    monkeypatch.chdir(REPO)
    exec(compile(blocks[0], "README.md", "exec"), {})
    assert capsys.readouterr().out == "pass None\n"
