"""`python -m intoto_verify`: the Rust command line through the native module."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import List

import pytest
from conftest import DEMO, rust_cli

import intoto_verify
from intoto_verify.__main__ import main

DEMO_ARGS = ["-l", "root.layout", "--verification-keys", "keys/owner.pub", "--link-dir", "links"]


def py_cli(args: List[str], cwd: Path) -> "subprocess.CompletedProcess[bytes]":
    return subprocess.run(
        [sys.executable, "-m", "intoto_verify", *args], cwd=cwd, capture_output=True, timeout=120
    )


def tamper(demo: Path) -> None:
    """Replaces the package with a valid tarball holding a different foo.py."""
    data = b'VERSION = "evil"\n'
    info = tarfile.TarInfo("demo-project/foo.py")
    info.size = len(data)
    with tarfile.open(demo / "demo-project.tar.gz", "w:gz") as tar:
        tar.addfile(info, io.BytesIO(data))


def test_demo_passes(demo: Path) -> None:
    proc = py_cli(DEMO_ARGS, demo)
    assert proc.returncode == 0, proc.stderr
    assert (demo / "demo-project" / "foo.py").is_file()  # the untar inspection really ran


def test_demo_json_report(demo: Path) -> None:
    proc = py_cli([*DEMO_ARGS, "--format", "json"], demo)
    assert proc.returncode == 0, proc.stderr
    report = intoto_verify.Report.from_json(proc.stdout.decode())
    assert report.passed
    assert [s.name for s in report.steps] == ["clone", "update-version", "package"]
    assert [i.name for i in report.inspections] == ["untar"]
    assert report.inspections[0].return_value == 0


def test_tampered_demo_fails(demo: Path) -> None:
    tamper(demo)
    proc = py_cli([*DEMO_ARGS, "--format", "json"], demo)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["verdict"] == "fail"
    assert report["failure"]["code"] == "rule-disallowed"
    assert report["failure"]["inspection"] == "untar"
    assert "demo-project.tar.gz" in report["failure"]["artifacts"]


@pytest.mark.parametrize(
    "args",
    [[], ["--bogus"], ["-l"], ["-l", "root.layout"], ["-l", "root.layout", "--now", "tomorrow",
     "--verification-keys", "keys/owner.pub"]],
    ids=["no-args", "unknown-flag", "missing-value", "no-keys", "bad-now"],
)
def test_usage_errors_exit_2(demo: Path, args: List[str]) -> None:
    proc = py_cli(args, demo)
    assert proc.returncode == 2
    assert proc.stderr  # the reason is on stderr
    assert not proc.stdout


def test_help_and_version(demo: Path) -> None:
    proc = py_cli(["--help"], demo)
    assert proc.returncode == 0
    assert b"python -m intoto_verify" in proc.stdout
    assert b"--verification-keys" in proc.stdout
    proc = py_cli(["--version"], demo)
    assert proc.returncode == 0
    assert intoto_verify.__version__.encode() in proc.stdout


def test_main_in_process(demo: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(demo)
    assert main([*DEMO_ARGS, "-q"]) == 0
    assert main([*DEMO_ARGS, "--format", "json", "--skip-inspections"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["warnings"][0]["code"] == "inspections-skipped"
    assert main(["--bogus"], prog="mytool") == 2
    assert "mytool" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kind,args,tampered",
    [("pass", DEMO_ARGS, False), ("fail", DEMO_ARGS, True), ("usage", ["--bogus"], False),
     ("json", [*DEMO_ARGS, "--format", "json"], True), ("quiet", [*DEMO_ARGS, "-q"], True)],
)
def test_same_as_rust_binary(tmp_path: Path, kind: str, args: List[str], tampered: bool) -> None:
    binary = rust_cli()
    if binary is None:
        pytest.skip("no Rust release binary (cargo build --release -p intoto-verify-cli)")
    # Each in its own copy: the untar inspection writes into the working directory.
    ours_dir, theirs_dir = tmp_path / "py", tmp_path / "rust"
    for d in (ours_dir, theirs_dir):
        shutil.copytree(DEMO, d)
        if tampered:
            tamper(d)
    ours = py_cli(args, ours_dir)
    theirs = subprocess.run([str(binary), *args], cwd=theirs_dir, capture_output=True, timeout=120)
    assert ours.returncode == theirs.returncode
    assert ours.stdout == theirs.stdout
    if kind == "usage":  # the same message, under another program name
        assert ours.stderr.replace(b"python -m intoto_verify", b"intoto-verify") == theirs.stderr
    else:
        assert ours.stderr == theirs.stderr


def test_attestation_subcommand(tmp_path: Path) -> None:
    """`python -m intoto_verify attestation`: the VSA of tests/conformance-attest, and the
    same answers as the library."""
    import signer

    corpus = Path(__file__).resolve().parents[2] / "tests" / "conformance-attest"
    vsa = corpus / "cases" / "vsa-bcid-gke-pass" / "vsa.intoto.jsonl"
    key = corpus / "trust" / "google-bcid-vsa-signing.pub.pem"
    base = ["attestation", "--envelope", str(vsa), "--verification-keys", str(key),
            "--digest", "gce_image_id:8970095005306000053", "--format", "json"]
    for extra, code in (([], 0), (["--verified-level", "SLSA_BUILD_LEVEL_3"], 1)):
        proc = py_cli([*base, *extra], tmp_path)
        assert proc.returncode == code, proc.stderr
        report = intoto_verify.AttestationReport.from_json(proc.stdout.decode())
        assert report == intoto_verify.verify_attestation(
            vsa, key, artifact_digest="gce_image_id:8970095005306000053",
            verified_levels=extra[1:])
    # An artifact file, streamed by the CLI: subject-mismatch for the VSA's gce image.
    art = tmp_path / "a.bin"
    art.write_bytes(b"x" * 3_000_000)
    env = tmp_path / "env.json"
    env.write_bytes(signer.envelope("application/vnd.in-toto+json", json.dumps({
        "_type": "https://in-toto.io/Statement/v1", "predicateType": "https://example.com/p",
        "subject": [{"digest": {"sha256": intoto_verify.digest_artifact(art).sha256}}]}).encode()))
    (tmp_path / "k.pem").write_text(signer.PEM)
    proc = py_cli(["attestation", "--envelope", "env.json", "--verification-keys", "k.pem",
                   "--artifact", "a.bin"], tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith(b"PASS"), proc.stderr
    assert py_cli(["attestation", "--envelope", "env.json"], tmp_path).returncode == 2
