#!/usr/bin/env python3
"""Regenerate the in-toto demo supply chain in this directory.

Runs with the reference implementation (PyPI in-toto==3.1.0), e.g.

    VENV=$(scripts/setup-reference.sh)
    "$VENV/bin/python" examples/demo/make-demo.py [--key-dir DIR] [--no-check]

Modelled on the classic in-toto demo (github.com/in-toto/demo). The steps are
really carried out in a scratch directory, with the reference API recording the
artifacts (so every hash in the links is the hash of a real file):

  clone           alice (ed25519)     git clone ../upstream/demo-project.git
                                      (a local bare repo made here; no network)
  update-version  alice (ed25519)     in_toto_record_start / edit foo.py /
                                      in_toto_record_stop
  package         bob (ecdsa P-256)   tar ... -czvf demo-project.tar.gz demo-project
  untar           inspection, run by the verifier: tar xzf demo-project.tar.gz

The layout is signed by the project owner (RSA 3072, rsassa-pss-sha256).

Output (next to this script):
  root.layout                        owner-signed layout (Metablock)
  keys/{owner,alice,bob}.pub         PEM SubjectPublicKeyInfo
  links/<step>.<keyid8>.link         signed links (Metablock)
  demo-project.tar.gz                the final product

Everything is rewritten deterministically except keys and signatures: without
--key-dir, fresh keys are generated in a temporary directory and thrown away
(so keyids, link file names and signatures change on every run). With
--key-dir DIR, private keys are loaded from DIR (PKCS#8 PEM, created there on
first use), which keeps keyids stable. Never put DIR inside examples/demo: the
untar inspection records every file in this directory and its layout rules end
in DISALLOW *. A good place is target/demo-keys.

Unless --no-check is given, the result is verified with the reference
in-toto-verify API in a scratch copy of this directory (expects success).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from securesystemslib.signer import CryptoSigner, SSlibKey

from in_toto import __version__ as IN_TOTO_VERSION
from in_toto.models.layout import Inspection, Layout, Step
from in_toto.models.metadata import Metablock
from in_toto.runlib import in_toto_record_start, in_toto_record_stop, in_toto_run

HERE = Path(__file__).resolve().parent
EXPIRES = "2036-01-01T00:00:00Z"
FIXED_MTIME = 1704067200  # 2024-01-01T00:00:00Z, mtime of the files in the tarball

# Fixed identity and dates for the upstream git repository (its .git directory
# is excluded from the recorded artifacts anyway, see ARTIFACT_EXCLUDE_PATTERNS).
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Demo Upstream",
    "GIT_AUTHOR_EMAIL": "upstream@example.org",
    "GIT_COMMITTER_NAME": "Demo Upstream",
    "GIT_COMMITTER_EMAIL": "upstream@example.org",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}

FOO_PY_V1 = '''\
# -*- coding: utf-8 -*-
"""demo-project: the file the in-toto demo supply chain is about."""

VERSION = "foo-v1"


def hello():
    return "Hello from " + VERSION
'''
FOO_PY_V2 = FOO_PY_V1.replace('VERSION = "foo-v1"', 'VERSION = "foo-v2"')

CLONE_CMD = ["git", "clone", "../upstream/demo-project.git"]
PACKAGE_CMD = [
    "tar", "--exclude", ".git", "--sort=name", "--owner=0", "--group=0",
    "--numeric-owner", "-czvf", "demo-project.tar.gz",
    "demo-project",
]
UNTAR_CMD = ["tar", "xzf", "demo-project.tar.gz"]

# Files that live in the verification directory (examples/demo) besides the
# chain's own artifacts. The untar inspection records the whole directory (the
# reference records "." for inspections), so they must be allowed explicitly.
# links/*.link and untar.link are never recorded: the reference's default
# exclude patterns contain "*.link*".
DIR_FILES = [".gitignore", "README.md", "make-demo.py", "root.layout", "keys/*.pub"]


def layout_for(alice_id, bob_id, keys):
    """The demo layout. Every rule list ends in DISALLOW *."""
    clone = Step(
        name="clone",
        expected_materials=[["DISALLOW", "*"]],
        expected_products=[["CREATE", "demo-project/foo.py"], ["DISALLOW", "*"]],
        pubkeys=[alice_id],
        expected_command=CLONE_CMD,
        threshold=1,
    )
    update = Step(
        name="update-version",
        expected_materials=[
            ["MATCH", "demo-project/*", "WITH", "PRODUCTS", "FROM", "clone"],
            ["DISALLOW", "*"],
        ],
        expected_products=[["MODIFY", "demo-project/foo.py"], ["DISALLOW", "*"]],
        pubkeys=[alice_id],
        expected_command=[],
        threshold=1,
    )
    package = Step(
        name="package",
        expected_materials=[
            ["MATCH", "demo-project/*", "WITH", "PRODUCTS", "FROM", "update-version"],
            ["DISALLOW", "*"],
        ],
        expected_products=[
            ["CREATE", "demo-project.tar.gz"],
            ["MATCH", "demo-project/*", "WITH", "PRODUCTS", "FROM", "update-version"],
            ["DISALLOW", "*"],
        ],
        pubkeys=[bob_id],
        expected_command=PACKAGE_CMD,
        threshold=1,
    )
    allow_dir_files = [["ALLOW", p] for p in DIR_FILES]
    untar = Inspection(
        name="untar",
        expected_materials=[
            ["MATCH", "demo-project.tar.gz", "WITH", "PRODUCTS", "FROM", "package"],
            # Left over from an earlier verification run in the same directory
            # (tar overwrites it); must still be the file alice produced.
            ["MATCH", "demo-project/foo.py", "WITH", "PRODUCTS", "FROM", "update-version"],
            *allow_dir_files,
            ["DISALLOW", "*"],
        ],
        expected_products=[
            ["MATCH", "demo-project/foo.py", "WITH", "PRODUCTS", "FROM", "update-version"],
            ["MATCH", "demo-project.tar.gz", "WITH", "PRODUCTS", "FROM", "package"],
            *allow_dir_files,
            ["DISALLOW", "*"],
        ],
        run=UNTAR_CMD,
    )
    return Layout(
        steps=[clone, update, package],
        inspect=[untar],
        keys=keys,
        expires=EXPIRES,
        readme=(
            "in-toto demo supply chain (intoto-verify examples/demo): alice "
            "clones demo-project and bumps its version, bob packages it, the "
            "verifier untars the package and checks foo.py."
        ),
    )


# --------------------------------------------------------------------------
# keys


def _generate(kind):
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


def load_or_make_key(key_dir, name, kind):
    """Return a CryptoSigner with the default scheme for the key type
    (rsassa-pss-sha256, ed25519, ecdsa-sha2-nistp256); these are the schemes
    in-toto-verify derives from a PEM, so keyids agree."""
    path = Path(key_dir) / f"{name}.pem"
    if path.exists():
        priv = serialization.load_pem_private_key(path.read_bytes(), password=None)
    else:
        priv = _generate(kind)
        path.write_bytes(priv.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ))
        path.chmod(0o600)
    return CryptoSigner(priv, SSlibKey.from_crypto(priv.public_key()))


def public_pem(signer):
    return signer._private_key.public_key().public_bytes(  # noqa: SLF001
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_dict(signer):
    d = signer.public_key.to_dict()
    d["keyid"] = signer.public_key.keyid
    return d


# --------------------------------------------------------------------------
# the supply chain


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def make_upstream(tmp):
    """A local bare git repo standing in for github.com/in-toto/demo-project."""
    src = tmp / "src" / "demo-project"
    src.mkdir(parents=True)
    (src / "foo.py").write_text(FOO_PY_V1)
    run(["git", "-c", "init.defaultBranch=main", "init", "-q"], src)
    run(["git", "add", "foo.py"], src)
    run(["git", "commit", "-q", "-m", "demo-project: initial commit"], src)
    (tmp / "upstream").mkdir()
    run(["git", "clone", "-q", "--bare", str(src), "demo-project.git"], tmp / "upstream")


def perform_chain(work, links_dir, alice, bob):
    """Carry out the three steps in `work`, writing signed links to links_dir.
    Returns the path of the final product."""
    os.chdir(work)

    # clone (alice): no materials, products = the cloned tree (.git excluded).
    in_toto_run(
        "clone", [], ["demo-project"], CLONE_CMD,
        record_streams=True, signer=alice, metadata_directory=str(links_dir),
    )
    foo = work / "demo-project" / "foo.py"
    foo.chmod(0o644)

    # update-version (alice): recorded with start/stop around a manual edit,
    # like the classic demo (there it is done in vi). The link has no command.
    in_toto_record_start("update-version", ["demo-project"], signer=alice)
    text = foo.read_text()
    assert 'VERSION = "foo-v1"' in text
    foo.write_text(text.replace('VERSION = "foo-v1"', 'VERSION = "foo-v2"'))
    in_toto_record_stop(
        "update-version", ["demo-project"], signer=alice,
        metadata_directory=str(links_dir),
    )

    # package (bob): really runs tar. Deterministic: sorted, fixed owner,
    # fixed modes and mtimes (set here rather than with --mtime, which makes
    # tar print a warning into the recorded stderr); gzip reading from tar's
    # pipe stores no file name and mtime 0.
    (work / "demo-project").chmod(0o755)
    for p in (foo, work / "demo-project"):
        os.utime(p, (FIXED_MTIME, FIXED_MTIME))
    in_toto_run(
        "package", ["demo-project"], ["demo-project", "demo-project.tar.gz"],
        PACKAGE_CMD, record_streams=True, signer=bob,
        metadata_directory=str(links_dir),
    )
    return work / "demo-project.tar.gz"


def check(outdir):
    """Verify the generated demo with the reference API in a scratch copy."""
    from in_toto.models._signer import load_public_key_from_file
    from in_toto.models.metadata import Metadata
    from in_toto.verifylib import in_toto_verify

    with tempfile.TemporaryDirectory(prefix="intoto-demo-check-") as tmp:
        copy = Path(tmp) / "demo"
        shutil.copytree(outdir, copy, ignore=shutil.ignore_patterns(
            "demo-project", "untar.link"))
        cwd = os.getcwd()
        os.chdir(copy)
        try:
            key = load_public_key_from_file("keys/owner.pub")
            in_toto_verify(Metadata.load("root.layout"), {key["keyid"]: key}, "links")
        finally:
            os.chdir(cwd)
    print("make-demo: reference in_toto_verify passed on a scratch copy", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--key-dir", help="load/keep private keys here (outside examples/demo)")
    ap.add_argument("--out", default=str(HERE), help="output directory (default: %(default)s)")
    ap.add_argument("--no-check", action="store_true", help="skip the verification")
    a = ap.parse_args()

    if IN_TOTO_VERSION != "3.1.0":
        sys.exit(f"make-demo: needs in-toto 3.1.0, found {IN_TOTO_VERSION}")
    for tool in ("git", "tar", "gzip"):
        if shutil.which(tool) is None:
            sys.exit(f"make-demo: '{tool}' not found on PATH")

    out = Path(a.out).resolve()
    if a.key_dir and Path(a.key_dir).resolve().is_relative_to(out):
        sys.exit("make-demo: --key-dir must not be inside the output directory")

    os.environ.update(GIT_ENV)
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="intoto-demo-") as tmp:
        tmp = Path(tmp)
        os.environ["HOME"] = str(tmp)  # no user git config
        key_dir = Path(a.key_dir) if a.key_dir else tmp / "keys"
        key_dir.mkdir(parents=True, exist_ok=True)
        owner = load_or_make_key(key_dir, "owner", "rsa")
        alice = load_or_make_key(key_dir, "alice", "ed25519")
        bob = load_or_make_key(key_dir, "bob", "ecdsa")

        # Fresh output tree (keeps README.md, make-demo.py, .gitignore).
        links_dir = out / "links"
        shutil.rmtree(links_dir, ignore_errors=True)
        links_dir.mkdir(parents=True)
        (out / "keys").mkdir(exist_ok=True)
        for stale in ("demo-project", "untar.link"):
            p = out / stale
            shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)
        for name, signer in (("owner", owner), ("alice", alice), ("bob", bob)):
            (out / "keys" / f"{name}.pub").write_bytes(public_pem(signer))

        make_upstream(tmp)
        work = tmp / "work"
        work.mkdir()
        try:
            product = perform_chain(work, links_dir, alice, bob)
        finally:
            os.chdir(cwd)
        shutil.copyfile(product, out / "demo-project.tar.gz")

        keys = {s.public_key.keyid: key_dict(s) for s in (alice, bob)}
        layout = layout_for(alice.public_key.keyid, bob.public_key.keyid, keys)
        metablock = Metablock(signed=layout)
        metablock.create_signature(owner)
        metablock.dump(str(out / "root.layout"))

    for name, s in (("owner", owner), ("alice", alice), ("bob", bob)):
        print(f"{name:6} {s.public_key.keytype:8} {s.public_key.scheme:20} {s.public_key.keyid}")
    print(f"wrote {out}: root.layout, keys/, links/ ({len(list(links_dir.iterdir()))} links), "
          "demo-project.tar.gz")
    if not a.no_check:
        check(out)


if __name__ == "__main__":
    main()
