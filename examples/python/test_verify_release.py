"""Tests of verify_release.py on copies of examples/demo (needs intoto_verify installed:
examples/python/test.sh builds the wheel into target/pyvenv and runs these)."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Callable, Dict, List

import pytest

import intoto_verify  # noqa: F401  (fail here, not in every subprocess, when it is missing)

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "verify_release.py"
DEMO = HERE.parent / "demo"
DIGEST = "9540262b8b09c653f3df068eba377aafac791c99477094c3caa11165a7c07e14"


def make_release(dest: Path) -> Path:
    """The demo's chain and artifact, and nothing else (no README.md, make-demo.py, ...)."""
    dest.mkdir()
    shutil.copy2(DEMO / "root.layout", dest)
    shutil.copytree(DEMO / "keys", dest / "keys")
    shutil.copytree(DEMO / "links", dest / "links")
    shutil.copy2(DEMO / "demo-project.tar.gz", dest)
    return dest


def tamper_artifact(release: Path) -> None:
    """A valid tarball again, with a line appended to demo-project/foo.py."""
    path = release / "demo-project.tar.gz"
    with tarfile.open(path) as src:
        members = [(m, src.extractfile(m).read() if m.isfile() else None) for m in src.getmembers()]  # type: ignore[union-attr]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as dst:
        for member, data in members:
            if member.name == "demo-project/foo.py":
                assert data is not None
                data += b"# backdoor\n"
                member.size = len(data)
            dst.addfile(member, None if data is None else io.BytesIO(data))
    path.write_bytes(gzip.compress(out.getvalue()))


def tamper_link(release: Path) -> None:
    """Bob's package link says return value 1: its signature no longer verifies."""
    link = release / "links" / "package.27e5483c.link"
    text = link.read_text()
    assert '"return-value": 0' in text
    link.write_text(text.replace('"return-value": 0', '"return-value": 1'))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return make_release(tmp_path / "release")


def test_demo_verifies(release: Path) -> None:
    r = run(str(release), cwd=release.parent)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert out.startswith("PASS  "), out
    assert "layout key  " in out and "keys/owner.pub (288807ed): verified" in out
    assert f"artifact    demo-project.tar.gz sha256 {DIGEST}" in out
    assert "step clone: 1 of 1 required: 8c0b21d8 (clone.8c0b21d8.link)" in out
    assert "step update-version: 1 of 1 required: 8c0b21d8 (update-version.8c0b21d8.link)" in out
    assert "step package: 1 of 1 required: 27e5483c (package.27e5483c.link)" in out
    assert "inspection untar: not run; its rules were checked against the artifact's digest" in out
    assert r.stderr == ""


def test_demo_verifies_json(release: Path) -> None:
    r = run(str(release), "--json", cwd=release.parent)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["verdict"] == "pass"
    assert "failure" not in report
    assert [s["name"] for s in report["steps"]] == ["clone", "update-version", "package"]
    assert [i["name"] for i in report["inspections"]] == ["untar"]
    # The same JSON the Python binding's Report reads.
    assert intoto_verify.Report.from_json(r.stdout).passed


def test_tampered_artifact_fails(release: Path) -> None:
    tamper_artifact(release)
    r = run(str(release), cwd=release.parent)
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert out.startswith("FAIL  "), out
    assert "verdict fail, rule-disallowed" in out
    assert "code        rule-disallowed" in out
    assert "inspection  untar" in out
    assert "rule        materials rule 8: DISALLOW *" in out
    assert "artifacts   demo-project.tar.gz" in out
    assert DIGEST not in out  # the tampered artifact's digest is shown, not the signed one


def test_tampered_artifact_fails_json(release: Path) -> None:
    tamper_artifact(release)
    r = run(str(release), "--json", cwd=release.parent)
    assert r.returncode == 1
    failure = json.loads(r.stdout)["failure"]
    assert failure["code"] == "rule-disallowed"
    assert failure["inspection"] == "untar"
    assert failure["side"] == "materials"
    assert failure["rule"] == ["DISALLOW", "*"]
    assert failure["artifacts"] == ["demo-project.tar.gz"]


def test_tampered_link_fails(release: Path) -> None:
    tamper_link(release)
    r = run(str(release), cwd=release.parent)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "verdict fail, threshold-unmet" in r.stdout
    assert "step        package" in r.stdout
    assert "step package: 0 of 1 required: none" in r.stdout
    assert "package.27e5483c.link: bad-signature" in r.stdout


def test_wrong_layout_key_fails(release: Path) -> None:
    r = run(str(release), "--key", "alice.pub", cwd=release.parent)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "code        layout-signature-missing" in r.stdout
    assert "keys/alice.pub (8c0b21d8): no-signature" in r.stdout


def test_pinned_key_outside_the_release(release: Path) -> None:
    (release / "keys" / "owner.pub").unlink()
    r = run(str(release), "--key", str(DEMO / "keys" / "owner.pub"), cwd=release.parent)
    assert r.returncode == 0, r.stdout + r.stderr


def test_usage_errors(release: Path) -> None:
    r = run(str(release.parent / "missing"), cwd=release.parent)
    assert r.returncode == 2 and "root.layout not found" in r.stderr
    r = run(str(release), "--key", "nobody.pub", cwd=release.parent)
    assert r.returncode == 2 and "layout key 'nobody.pub' not found" in r.stderr
    r = run(str(release), "--bogus", cwd=release.parent)
    assert r.returncode == 2 and "unrecognized arguments" in r.stderr
    (release / "NOTES.txt").write_text("not the artifact\n")
    r = run(str(release), cwd=release.parent)
    assert r.returncode == 2
    assert "cannot tell which file" in r.stderr and "NOTES.txt, demo-project.tar.gz" in r.stderr
    r = run(str(release), "--artifact", "demo-project.tar.gz", cwd=release.parent)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run(str(release), "--artifact", "nope.tgz", cwd=release.parent)
    assert r.returncode == 2 and "artifact 'nope.tgz' is not a file" in r.stderr


SCENARIOS: Dict[str, Callable[[Path], None]] = {
    "untouched": lambda release: None,
    "tampered artifact": tamper_artifact,
    "tampered link": tamper_link,
}


@pytest.mark.skipif(shutil.which("tar") is None, reason="the untar inspection needs tar")
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_same_answer_as_running_the_inspection(tmp_path: Path, scenario: str) -> None:
    """Digest-as-result (this tool) and really running `tar xzf` (`python -m intoto_verify`
    in a scratch copy) give the demo the same verdict and failure."""
    release = make_release(tmp_path / "release")
    SCENARIOS[scenario](release)
    scratch = tmp_path / "scratch"
    shutil.copytree(release, scratch)

    ours = json.loads(run(str(release), "--json", cwd=tmp_path).stdout)
    cli: List[str] = [sys.executable, "-m", "intoto_verify", "-l", "root.layout",
                      "--verification-keys", "keys/owner.pub", "--link-dir", "links", "--format", "json"]
    r = subprocess.run(cli, cwd=scratch, capture_output=True, text=True, timeout=60)
    theirs = json.loads(r.stdout)
    assert r.returncode == (0 if theirs["verdict"] == "pass" else 1)
    assert (scratch / "demo-project").exists() == (scenario != "tampered link")  # tar really ran

    assert ours["verdict"] == theirs["verdict"]
    assert ours.get("failure") == theirs.get("failure")
    assert ours["steps"] == theirs["steps"]
    assert [i["name"] for i in ours["inspections"]] == [i["name"] for i in theirs["inspections"]]
