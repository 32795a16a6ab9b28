#!/usr/bin/env python3
"""Build the regression vectors of tests/regression with in-toto 3.1.0.

    "$(scripts/setup-reference.sh)/bin/python" tests/regression/make_vectors.py

Every vector is a small signed supply chain (layout, public keys, links) built with the
in-toto 3.1.0 API (Layout/Step/Inspection/Link, Metablock/Envelope, securesystemslib
CryptoSigner) and written to cases/<id>/. Some are then altered on purpose (a junk
signature put first, a duplicate JSON key, a garbage link file); the notes say how.

Private keys are generated afresh on every run, in memory, and never written: only the
public keys (keys/*.pub, SubjectPublicKeyInfo PEM) and the signed files are kept, so a
run rewrites every case (new keys, new signatures) with the same meaning.

After writing a case, the script runs the reference (`in-toto-verify` 3.1.0 from the same
venv) on a temporary copy of it and records its exit code and error in the manifest:
`method: cli` with the real clock (every layout expires in 2099, so the clock does not
matter), or `method: api-clock` (the CLI's own `main()` with in_toto.verifylib's clock
fixed to the case's verification_time) where the verdict depends on the time.

manifest.json has the format of tests/conformance/manifest.json (kind layout-verify) plus:
  expected.code       our exact failure code (core/src/report.rs), null for pass
  reference           what in-toto-verify 3.1.0 does on the case (run, not assumed)
  advisory            the advisory or semantics note the vector pins
  cli_only            true: only the CLI runner can run it (inspections, ambient config)
  ambient             files to write into the working directory and environment variables
                      to set for a second run, whose verdict must equal the first
  known_failure       set by hand when our verifier disagrees with `expected`; the runners
                      skip the case with that reason until core is fixed
"""

import argparse
import base64
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from securesystemslib.formats import encode_canonical
from securesystemslib.signer import CryptoSigner, SSlibKey

import in_toto
from in_toto.models.layout import Inspection, Layout, Step
from in_toto.models.link import Link
from in_toto.models.metadata import Envelope, Metablock

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
REPO = HERE.parent.parent
BIN = Path(sys.executable).parent
EXPIRES = "2099-01-01T00:00:00Z"
NOW = "2030-01-01T00:00:00Z"
ERROR_KINDS = json.loads((REPO / "tests/suite/error-kinds.json").read_text())["codes"]


# ----------------------------------------------------------------------------- keys

class Key:
    """A signer with a name; `pem` is its public key as SubjectPublicKeyInfo PEM."""

    def __init__(self, name, priv, public_key=None):
        self.name = name
        self.priv = priv
        self.signer = CryptoSigner(priv, public_key)
        self.pub = self.signer.public_key
        self.keyid = self.pub.keyid
        self.pem = priv.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def short(self):
        return self.keyid[:8]

    def dict(self):
        """in-toto's layout `keys` entry."""
        d = self.pub.to_dict()
        d["keyid"] = self.keyid
        return d

    def alias(self, keyid, public=None, scheme=None):
        """The same private key, presented under another key id (None: the sslib id of the
        key dict with the given `public` value and `scheme`)."""
        keyval = {"public": public or self.pub.keyval["public"]}
        scheme = scheme or self.pub.scheme
        if keyid is None:
            keyid = hashlib.sha256(encode_canonical(
                {"keytype": self.pub.keytype, "scheme": scheme, "keyval": keyval}
            ).encode()).hexdigest()
        return Key(self.name, self.priv, SSlibKey(keyid, self.pub.keytype, scheme, keyval))

    def layout_key(self, path):
        return {"path": path, "format": "spki-pem", "keytype": self.pub.keytype,
                "scheme": self.pub.scheme, "keyid": self.keyid, "keyid_rule": "sslib-1.x"}


def fresh_keys():
    return {
        "owner": Key("owner", ed25519.Ed25519PrivateKey.generate()),
        "alice": Key("alice", ed25519.Ed25519PrivateKey.generate()),
        "bob": Key("bob", ec.generate_private_key(ec.SECP256R1())),
        "carol": Key("carol", rsa.generate_private_key(public_exponent=65537, key_size=3072)),
        "rsaowner": Key("rsaowner", rsa.generate_private_key(public_exponent=65537, key_size=3072)),
    }


# ----------------------------------------------------------------------------- metadata

def digest(*parts):
    return {"sha256": hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()}


def link(name, materials=None, products=None, command=None, byproducts=None, environment=None):
    return Link(name=name, materials=materials or {}, products=products or {},
                command=command or [], environment=environment or {},
                byproducts=byproducts if byproducts is not None
                else {"stdout": "", "stderr": "", "return-value": 0})


def step(name, keys, materials=None, products=None, threshold=1, command=None):
    return Step(name=name, pubkeys=[k.keyid for k in keys], threshold=threshold,
                expected_materials=materials or [], expected_products=products or [],
                expected_command=command or [])


def layout(steps, keys, inspect=None, expires=EXPIRES, readme="regression vector"):
    return Layout(steps=steps, inspect=inspect or [], expires=expires, readme=readme,
                  keys={k.keyid: k.dict() for k in keys})


def metablock(signable, *signers):
    md = Metablock(signed=signable)
    for k in signers:
        md.create_signature(k.signer)
    return json.loads(repr(md))


def envelope(signable, *signers):
    env = Envelope.from_signable(signable)
    for k in signers:
        env.create_signature(k.signer)
    return env.to_dict()


def sign_raw(signed, *signers):
    """A Metablock over a `signed` dict as given (canonical JSON of exactly that dict)."""
    data = encode_canonical(signed).encode("utf-8")
    return {"signatures": [k.signer.sign(data).to_dict() for k in signers], "signed": signed}


def dumps(doc):
    """The reference's file format (Metablock.__repr__): indent 1, sorted keys."""
    return json.dumps(doc, indent=1, separators=(",", ": "), sort_keys=True)


def link_file(step_name, key):
    return f"{step_name}.{key.short}.link"


# ----------------------------------------------------------------------------- cases

MANIFEST = []


def case(cid, *, advisory, description, files, expected_code, notes="", layout_keys=("owner",),
         now=NOW, clock=False, cli_only=False, ambient=None, inspections=None, cause_code=None,
         link_dir="."):
    """Writes cases/<cid>/, runs the reference on it, records the manifest entry."""
    d = CASES / cid
    if d.exists():
        shutil.rmtree(d)
    (d / "keys").mkdir(parents=True)
    used_keys = sorted(set(files.pop("_keys", [])) | set(layout_keys))
    for name in used_keys:
        (d / "keys" / f"{name}.pub").write_bytes(K[name].pem)
    for rel, content in files.items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, (dict, list)):
            content = dumps(content)
        if isinstance(content, str):
            content = content.encode("utf-8")
        p.write_bytes(content)

    if expected_code is None:
        expected = {"verdict": "pass", "error_kind": None, "code": None}
    else:
        kind_code = cause_code if expected_code == "sublayout-failed" else expected_code
        expected = {"verdict": "fail", "error_kind": ERROR_KINDS.get(kind_code, kind_code),
                    "code": expected_code}
        if cause_code:
            expected["cause_code"] = cause_code
    ref = run_reference(d, [f"keys/{n}.pub" for n in layout_keys], now if clock else None, ambient,
                        link_dir)
    ref["agrees_with_expected"] = ref["verdict"] == expected["verdict"]
    entry = {
        "id": cid,
        "kind": "layout-verify",
        "description": description,
        "advisory": advisory,
        "inputs": {
            "layout": "root.layout",
            "layout_keys": [K[n].layout_key(f"keys/{n}.pub") for n in layout_keys],
            "link_dir": link_dir,
            "verification_time": now,
        },
        "expected": expected,
        "reference": ref,
        "reference_differs": not ref["agrees_with_expected"],
        "inspections": inspections or {"needed": False, "commands": []},
        "notes": notes,
    }
    if cli_only:
        entry["cli_only"] = True
    if ambient:
        entry["ambient"] = ambient
    old = PREVIOUS.get(cid, {})
    if "known_failure" in old:
        entry["known_failure"] = old["known_failure"]
    MANIFEST.append(entry)
    print(f"{cid:42s} expected {expected['verdict']:4s} {str(expected_code):26s} "
          f"reference exit {ref['exit_code']} {ref['error'] or ''}"[:200])


CLOCK_SHIM = """
import datetime, sys
import in_toto.verifylib as v
from in_toto.in_toto_verify import main
fixed = datetime.datetime.fromisoformat(sys.argv.pop(1).replace("Z", "+00:00"))
class FixedClock(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return fixed
class Shim:
    datetime = FixedClock
v.datetime = Shim
sys.argv[0] = "in-toto-verify"
main()
"""


def run_reference(case_dir, key_paths, clock, ambient, link_dir):
    """Runs in-toto-verify 3.1.0 on a copy of case_dir; with `ambient`, twice."""
    args = ["-l", "root.layout", "--verification-keys", *key_paths, "--link-dir", link_dir]
    if clock:
        cmd = [sys.executable, "-c", CLOCK_SHIM, clock, *args]
        method = "api-clock"
        tool = (f"in-toto-verify 3.1.0 main() with in_toto.verifylib's clock fixed at {clock}")
    else:
        cmd = [str(BIN / "in-toto-verify"), *args]
        method = "cli"
        tool = "in-toto-verify 3.1.0"
    runs = []
    for hostile in ([False, True] if ambient else [False]):
        with tempfile.TemporaryDirectory() as t:
            work = Path(t) / "case"
            shutil.copytree(case_dir, work)
            env = dict(os.environ)
            if hostile:
                for rel, text in ambient["files"].items():
                    (work / rel).write_text(text)
                env.update(ambient["env"])
            p = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=120)
        err = [ln.split("(in-toto-verify) ", 1)[1] for ln in p.stderr.splitlines()
               if "(in-toto-verify) " in ln]
        runs.append({
            "exit_code": p.returncode,
            "verdict": "pass" if p.returncode == 0 else "fail",
            "error": err[-1] if err else (None if p.returncode == 0 else p.stderr.strip()[-300:]),
        })
    out = {"method": method, "tool": tool,
           "command": "in-toto-verify " + " ".join(args), **runs[0]}
    if ambient:
        out["with_ambient"] = runs[1]
    return out


# ----------------------------------------------------------------------------- helpers

def one_step(products=None, product_rules=None, materials=None, material_rules=None,
             signer="alice", name="build"):
    """Layout with one step `name` by `signer`, and its link."""
    k = K[signer]
    lay = layout([step(name, [k], material_rules, product_rules)], [k])
    lnk = link(name, materials, products)
    return {"root.layout": metablock(lay, K["owner"]), link_file(name, k): metablock(lnk, k),
            "_keys": [signer]}


def two_steps(build_products, package_materials, package_material_rules, package_products=None,
              package_product_rules=None):
    """build (alice) -> package (bob): package's material rules check build's products."""
    a, b = K["alice"], K["bob"]
    lay = layout([step("build", [a], [], [["ALLOW", "*"]]),
                  step("package", [b], package_material_rules, package_product_rules)], [a, b])
    return {
        "root.layout": metablock(lay, K["owner"]),
        link_file("build", a): metablock(link("build", {}, build_products), a),
        link_file("package", b): metablock(link("package", package_materials,
                                                package_products or {}), b),
        "_keys": ["alice", "bob"],
    }


def build_cases():
    a, b, c, owner = K["alice"], K["bob"], K["carol"], K["owner"]
    foo = digest("foo")

    # d.1 GHSA-vrxp-mg9f-hwf3 / CVE-2021-41087: names that are not clean paths
    for cid, name in [("traversal-dotdot", "dir/../foo"), ("traversal-dot", "./foo"),
                      ("traversal-double-slash", "a//foo"),
                      ("traversal-backslash", "a\\..\\foo"),
                      ("traversal-trailing-slash", "foo/")]:
        case(cid, advisory="GHSA-vrxp-mg9f-hwf3 (CVE-2021-41087); semantics d.1",
             description=f"link product {name!r} with product rules DISALLOW foo, ALLOW *",
             files=one_step({name: foo, "bar": digest("bar")}, [["DISALLOW", "foo"], ["ALLOW", "*"]]),
             expected_code="artifact-name-unsafe",
             notes=f"{name!r} names foo (or a path next to it) but is not the string 'foo', so "
                   "the reference's fnmatch-based DISALLOW foo does not see it and the chain "
                   "passes. We reject any artifact name that is not a clean path "
                   "(docs/differences.md #8).")
    case("traversal-dotdot-materials", advisory="GHSA-vrxp-mg9f-hwf3 (CVE-2021-41087); semantics d.1",
         description="link material 'dir/../foo' with material rule DISALLOW foo",
         files=one_step(materials={"dir/../foo": foo}, material_rules=[["DISALLOW", "foo"]]),
         expected_code="artifact-name-unsafe",
         notes="Same as traversal-dotdot on the materials side.")
    case("clean-names-with-dots", advisory="semantics d.1 (no false positives)",
         description="names with dots that are clean paths ('.hidden', '..foo', 'foo..bar', "
                     "'...', 'a/.b', 'a.', '/abs') pass DISALLOW foo",
         files=one_step({n: digest(n) for n in [".hidden", "..foo", "foo..bar", "...", "a/.b",
                                                "a.", "dir/foo.txt", "/abs"]},
                        [["DISALLOW", "foo"]]),
         expected_code=None,
         notes="Control case for the name check: only '.', '..' and empty segments are unsafe; "
               "a single leading '/' is allowed.")

    # d.2 GHSA-pmwq-pjrm-6p5r: pattern syntax
    case("pattern-caret-literal", advisory="GHSA-pmwq-pjrm-6p5r; semantics d.2, c.4",
         description="product 'b' with DISALLOW [^a]*: '^' is a literal, the rule matches nothing",
         files=one_step({"b": digest("b")}, [["DISALLOW", "[^a]*"]]), expected_code=None,
         notes="in-toto-golang before 36d782f read '[^a]' as a negated class and failed.")
    case("pattern-bang-negates", advisory="GHSA-pmwq-pjrm-6p5r; semantics d.2, c.4",
         description="product 'b' with DISALLOW [!a]*: '!' negates the class, the rule matches",
         files=one_step({"b": digest("b")}, [["DISALLOW", "[!a]*"]]),
         expected_code="rule-disallowed")
    case("pattern-backslash-literal", advisory="semantics c.4 (GHSA-pmwq-pjrm-6p5r family)",
         description="product 'foo*' with DISALLOW foo\\*: backslash is a literal character",
         files=one_step({"foo*": digest("f")}, [["DISALLOW", "foo\\*"]]), expected_code=None,
         notes="fnmatch has no escape character: the pattern means 'foo\\' then anything. "
               "in-toto-golang reads '\\*' as an escaped '*' and fails.")
    case("pattern-star-crosses-slash", advisory="semantics c.4",
         description="product 'sub/dir/x.o' with DISALLOW *.o: '*' matches '/'",
         files=one_step({"sub/dir/x.o": digest("o")}, [["DISALLOW", "*.o"]]),
         expected_code="rule-disallowed")

    # d.4 GHSA-wc64-c5rv-32pf / CVE-2023-32076: no ambient configuration
    lay = layout([], [], inspect=[Inspection(name="look", run=["true"],
                                             expected_materials=[["DISALLOW", "evil*"]],
                                             expected_products=[["ALLOW", "*"]])])
    case("no-ambient-config", advisory="GHSA-wc64-c5rv-32pf (CVE-2023-32076); semantics d.4",
         description="inspection DISALLOWs evil* and the working directory holds evil.txt; a "
                     "second run adds a hostile .in_totorc and IN_TOTO_* variables that would "
                     "exclude it: same verdict",
         files={"root.layout": metablock(lay, owner), "evil.txt": "evil\n"},
         expected_code="rule-disallowed", cli_only=True,
         inspections={"needed": True, "commands": [["true"]]},
         ambient={
             "files": {".in_totorc": "[in-toto]\nartifact_exclude_patterns=evil*:*.txt\n"
                                     "artifact_base_path=/nonexistent\n"},
             "env": {"IN_TOTO_ARTIFACT_EXCLUDE_PATTERNS": "evil*:*.txt",
                     "IN_TOTO_ARTIFACT_BASE_PATH": "/nonexistent",
                     "IN_TOTO_LINK_CMD_EXEC_TIMEOUT": "0"},
         },
         notes="in-toto < 2.0.0 read exclude patterns and a base path from .in_totorc and "
               "IN_TOTO_* variables, which could hide artifacts from an inspection. The runner "
               "runs the CLI in a fresh copy of the case, then again with `ambient.files` written "
               "into the working directory and `ambient.env` set; both runs must give the "
               "expected verdict and code.")

    # d.7 / d.14 GHSA-6q78-j78h-pqm2: link name
    lay = layout([step("build", [a], [], [["ALLOW", "*"]])], [a])
    case("link-name-mismatch", advisory="GHSA-6q78-j78h-pqm2; semantics d.7, d.14",
         description="build.<alice>.link is validly signed by alice but its name is 'package'",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link("package", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         expected_code="threshold-unmet",
         notes="The reference never compares link.name with the step name and passes "
               "(docs/differences.md #3).")
    lay = layout([step("build", [a], [], [["CREATE", "app"], ["DISALLOW", "*"]]),
                  step("test", [a], [["MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"],
                                     ["DISALLOW", "*"]],
                       [["MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"], ["DISALLOW", "*"]])],
                 [a])
    build_link = metablock(link("build", {}, {"app": digest("app")}), a)
    case("link-replay-other-step", advisory="GHSA-6q78-j78h-pqm2; semantics d.7, d.14",
         description="alice is authorised for build and test; test.<alice>.link is a copy of "
                     "build's link (name 'build'): the test never ran",
         files={"root.layout": metablock(lay, owner), link_file("build", a): build_link,
                link_file("test", a): build_link, "_keys": ["alice"]},
         expected_code="threshold-unmet",
         notes="Replayed into test, build's link (no materials, product 'app' as built) "
               "satisfies test's rules, so the reference passes a chain whose test step never "
               "ran. We do not accept a link named for another step.")

    # d.9 threshold double counting
    a2 = a.alias(hashlib.sha256(b"alice, once more").hexdigest())
    lay = Layout(steps=[Step(name="build", pubkeys=[a.keyid, a2.keyid], threshold=2,
                             expected_products=[["ALLOW", "*"]])],
                 inspect=[], expires=EXPIRES, readme="regression vector",
                 keys={a.keyid: a.dict(), a2.keyid: a2.dict()})
    lnk = link("build", {}, {"foo": foo})
    case("threshold-same-key-two-ids", advisory="semantics d.9",
         description="alice's key is listed under two key ids (both in layout.keys and pubkeys), "
                     "threshold 2, two link files both signed by alice",
         files={"root.layout": metablock(lay, owner), link_file("build", a): metablock(lnk, a),
                link_file("build", a2): metablock(lnk, a2), "_keys": ["alice"]},
         expected_code="threshold-unmet",
         notes="The reference counts distinct key ids (which it never recomputes), so one key "
               "holder meets threshold 2 alone. We count distinct key material "
               "(docs/differences.md #5).")

    b2 = b.alias(None, public=b.pem.decode().rstrip("\n"))
    lay = Layout(steps=[Step(name="build", pubkeys=[b.keyid, b2.keyid], threshold=2,
                             expected_products=[["ALLOW", "*"]])],
                 inspect=[], expires=EXPIRES, readme="regression vector",
                 keys={b.keyid: b.dict(), b2.keyid: b2.dict()})
    case("threshold-same-key-two-pems", advisory="semantics d.9",
         description="bob's ECDSA key is listed twice, its PEM with and without the final "
                     "newline (two honest key ids), threshold 2, two links signed by bob",
         files={"root.layout": metablock(lay, owner), link_file("build", b): metablock(lnk, b),
                link_file("build", b2): metablock(lnk, b2), "_keys": ["bob"]},
         expected_code="threshold-unmet",
         notes="Each key id is the correct sslib id of its key dict, yet both are one key.")
    c2 = c.alias(None, scheme="rsa-pkcs1v15-sha256")
    lay = Layout(steps=[Step(name="build", pubkeys=[c.keyid, c2.keyid], threshold=2,
                             expected_products=[["ALLOW", "*"]])],
                 inspect=[], expires=EXPIRES, readme="regression vector",
                 keys={c.keyid: c.dict(), c2.keyid: c2.dict()})
    case("threshold-same-key-two-schemes", advisory="semantics d.9",
         description="carol's RSA key is listed under rsassa-pss-sha256 and under "
                     "rsa-pkcs1v15-sha256 (two honest key ids), threshold 2, two links signed "
                     "by carol, one per scheme",
         files={"root.layout": metablock(lay, owner), link_file("build", c): metablock(lnk, c),
                link_file("build", c2): metablock(lnk, c2), "_keys": ["carol"]},
         expected_code="threshold-unmet",
         notes="Distinct key material means the key, not the key and its scheme.")
    lay = Layout(steps=[Step(name="build", pubkeys=[a.keyid, a.keyid], threshold=2,
                             expected_products=[["ALLOW", "*"]])],
                 inspect=[], expires=EXPIRES, readme="regression vector", keys={a.keyid: a.dict()})
    case("threshold-duplicate-pubkey", advisory="semantics d.9",
         description="step pubkeys lists alice twice, threshold 2, alice's one link",
         files={"root.layout": metablock(lay, owner), link_file("build", a): metablock(lnk, a),
                "_keys": ["alice"]},
         expected_code="threshold-unmet",
         notes="The reference finds one link file for two entries (LinkNotFoundError); we look "
               "the file up twice and count alice once.")

    # d.10 junk signature first
    lay = layout([step("build", [a], [], [["ALLOW", "*"]])], [a])
    good = metablock(link("build", {}, {"foo": foo}), a)
    junk = {"keyid": a.keyid, "sig": a.signer.sign(b"junk").signature}
    good["signatures"].insert(0, junk)
    case("junk-signature-first", advisory="semantics d.10",
         description="link Metablock with signatures [bad (keyid alice), good (keyid alice)]",
         files={"root.layout": metablock(lay, owner), link_file("build", a): good,
                "_keys": ["alice"]},
         expected_code=None,
         notes="The bad signature is alice's signature over other bytes. The reference checks "
               "only the first signature with the key's id, rejects the link and fails the "
               "threshold; we try every signature (docs/differences.md #6).")
    lay_md = metablock(layout([step("build", [a], [], [["ALLOW", "*"]])], [a]), owner)
    lay_md["signatures"].insert(0, {"keyid": owner.keyid, "sig": owner.signer.sign(b"junk").signature})
    case("junk-signature-first-layout", advisory="semantics d.10",
         description="layout Metablock with signatures [bad (keyid owner), good (keyid owner)]",
         files={"root.layout": lay_md,
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         expected_code=None,
         notes="As junk-signature-first, for the layout signature.")

    # d.11 unparseable link
    lay = layout([step("build", [a, b], [], [["ALLOW", "*"]])], [a, b])
    case("unparseable-link-other-valid", advisory="semantics d.11",
         description="threshold 1, functionaries alice and bob; alice's link is valid, bob's "
                     "link file is not JSON",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                link_file("build", b): b"this is not a link file\n",
                "_keys": ["alice", "bob"]},
         expected_code=None,
         notes="The reference aborts the whole verification on the unparseable file (any "
               "authorised functionary, or anyone who can write to the link directory, can "
               "block it); we report the file as unparseable and count alice's link "
               "(docs/differences.md #7).")
    lay = layout([step("build", [a], [], [["ALLOW", "*"]])], [a])
    case("unparseable-link-only", advisory="semantics d.11",
         description="threshold 1, alice's only link file is JSON but not in-toto metadata",
         files={"root.layout": metablock(lay, owner), link_file("build", a): {"signed": 1},
                "_keys": ["alice"]},
         expected_code="threshold-unmet",
         notes="With no other link the threshold is not met: both fail.")

    # d.12 MATCH prefixes
    h_a, h_evil, h_abs = digest("a"), digest("evil"), digest("abs")
    case("match-prefix-absolute", advisory="semantics d.12, c.3",
         description="package materials 'sub/a' and 'sub//evil' with MATCH * IN sub WITH "
                     "PRODUCTS IN sub FROM build, DISALLOW *",
         files=two_steps({"sub/a": h_a, "sub//evil": h_evil}, {"sub/a": h_a, "sub//evil": h_evil},
                         [["MATCH", "*", "IN", "sub", "WITH", "PRODUCTS", "IN", "sub", "FROM", "build"],
                          ["DISALLOW", "*"]]),
         expected_code="artifact-name-unsafe",
         notes="In the reference, 'sub//evil' below the prefix is '/evil', and "
               "os.path.join('sub', '/evil') is '/evil', which is not a material: KeyError, the "
               "verification aborts. We reject the name 'sub//evil' before any rule runs.")
    case("match-prefix-absolute-consume", advisory="semantics d.12, c.3",
         description="package materials 'sub//evil' and '/evil' with MATCH * IN sub WITH "
                     "PRODUCTS FROM build, DISALLOW /evil; build's product '/evil' has the same "
                     "digest",
         files=two_steps({"/evil": h_abs}, {"sub//evil": h_evil, "/evil": h_abs},
                         [["MATCH", "*", "IN", "sub", "WITH", "PRODUCTS", "FROM", "build"],
                          ["DISALLOW", "/evil"]]),
         expected_code="artifact-name-unsafe",
         notes="In the reference the rule consumes '/evil', which is outside the IN prefix "
               "(os.path.join resets on the absolute remainder of 'sub//evil'), so DISALLOW "
               "/evil sees nothing and the chain passes.")
    case("match-dest-prefix-absolute", advisory="semantics d.12, c.3",
         description="package material '/evil' with MATCH * WITH PRODUCTS IN lib FROM build, "
                     "DISALLOW *; build's product is '/evil' (not 'lib//evil')",
         files=two_steps({"/evil": h_abs}, {"/evil": h_abs},
                         [["MATCH", "*", "WITH", "PRODUCTS", "IN", "lib", "FROM", "build"],
                          ["DISALLOW", "*"]]),
         expected_code="rule-disallowed",
         notes="The reference looks up os.path.join('lib', '/evil') = '/evil' (the destination "
               "prefix is dropped) and consumes the material; we look up 'lib//evil', which "
               "build did not produce, so DISALLOW * fails (IN prefixes are joined with exactly "
               "one '/', docs/differences.md #8).")

    # d.13 threshold 1, disagreeing links
    def disagree(order):
        lay = layout([step("build", order, [], [["DISALLOW", "evil"], ["ALLOW", "*"]])], [a, b])
        return {"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                link_file("build", b): metablock(link("build", {}, {"foo": foo, "evil": h_evil}), b),
                "_keys": ["alice", "bob"]}
    case("threshold1-links-disagree", advisory="semantics d.13",
         description="threshold 1, pubkeys [alice, bob]; both links are valid, bob's also has "
                     "product 'evil', which the rules DISALLOW",
         files=disagree([a, b]), expected_code="threshold-links-disagree",
         notes="The reference checks agreement only for threshold > 1 and uses the first link "
               "in pubkeys order (alice's, clean): it passes. threshold1-links-disagree-reordered "
               "is the same chain with pubkeys [bob, alice], where the reference fails. We "
               "require verified links to agree whatever the threshold (docs/differences.md #4).")
    case("threshold1-links-disagree-reordered", advisory="semantics d.13",
         description="as threshold1-links-disagree with pubkeys [bob, alice]",
         files=disagree([b, a]), expected_code="threshold-links-disagree",
         notes="The reference now uses bob's link first and fails on DISALLOW evil.")
    lay = layout([step("build", [a, b, c], [], [["ALLOW", "*"]], threshold=2)], [a, b, c])
    case("threshold2-three-links-one-disagrees", advisory="semantics d.13",
         description="threshold 2, three valid links; alice's and bob's agree, carol's has an "
                     "extra product",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                link_file("build", b): metablock(link("build", {}, {"foo": foo}), b),
                link_file("build", c): metablock(link("build", {}, {"foo": foo, "evil": h_evil}), c),
                "_keys": ["alice", "bob", "carol"]},
         expected_code="threshold-links-disagree",
         notes="Every validly signed link must agree, not only `threshold` of them; the "
               "reference compares all of them too.")
    lay = layout([step("build", [a, b], [], [["DISALLOW", "evil"], ["ALLOW", "*"]])], [a, b])
    case("threshold1-links-agree", advisory="semantics d.13 (control)",
         description="threshold 1, two valid links that record the same artifacts",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo}, ["make"]), a),
                link_file("build", b): metablock(link("build", {}, {"foo": foo}, ["make", "-j"]), b),
                "_keys": ["alice", "bob"]},
         expected_code=None,
         notes="Links that differ only in command (a warning) still agree.")

    # d.15 unknown field added after signing
    md = metablock(link("build", {}, {"foo": foo}), a)
    md["signed"]["unsigned_extra"] = {"evil": True}
    lay = layout([step("build", [a], [], [["ALLOW", "*"]])], [a])
    case("unknown-field-after-signing", advisory="semantics d.15",
         description="a field is added to the link's `signed` object after alice signed it",
         files={"root.layout": metablock(lay, owner), link_file("build", a): md,
                "_keys": ["alice"]},
         expected_code="threshold-unmet",
         notes="We check Metablock signatures over the canonical JSON as received, so the "
               "addition breaks the signature (docs/differences.md #1); the reference rebuilds "
               "its model, drops the field and verifies the original bytes.")

    # d.16 duplicate JSON keys
    lay = layout([step("build", [a], [], [["DISALLOW", "evil"], ["ALLOW", "*"]])], [a])
    text = dumps(metablock(link("build", {}, {"foo": foo}), a))
    dup = text.replace('\n  "products": {', '\n  "products": {"evil": ' +
                       json.dumps(h_evil) + '},\n  "products": {', 1)
    assert dup != text
    case("duplicate-json-key-link", advisory="semantics d.16",
         description="alice's link has `products` twice: first with 'evil', then the signed value",
         files={"root.layout": metablock(lay, owner), link_file("build", a): dup,
                "_keys": ["alice"]},
         expected_code="threshold-unmet",
         notes="Python's json keeps the last duplicate (the signed one) and passes; Go matches "
               "keys case-insensitively, last wins. We reject duplicate keys "
               "(docs/differences.md #2): the link is unparseable, the threshold unmet.")
    text = dumps(metablock(layout([step("build", [a], [], [["ALLOW", "*"]])], [a]), owner))
    dup = text.replace('\n  "readme": ', '\n  "readme": "first",\n  "readme": ', 1)
    assert dup != text
    case("duplicate-json-key-layout", advisory="semantics d.16",
         description="the layout has `readme` twice",
         files={"root.layout": dup,
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         expected_code="layout-malformed",
         notes="The reference keeps the last value (the signed one) and passes.")

    # d.17 duplicate step names
    lay_dict = json.loads(repr(Metablock(signed=layout([step("build", [a], [], [["ALLOW", "*"]])], [a]))))["signed"]
    lay_dict["steps"].append(copy.deepcopy(lay_dict["steps"][0]))
    case("duplicate-step-name", advisory="semantics d.17",
         description="two steps named 'build'",
         files={"root.layout": sign_raw(lay_dict, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         expected_code="layout-malformed",
         notes="in-toto-golang never validates the layout and accepts it; the reference rejects it.")

    # d.19 link signed by a key authorised for another step
    lay = layout([step("build", [a], [], [["ALLOW", "*"]]),
                  step("test", [b], [], [["ALLOW", "*"]])], [a, b])
    lnk = link("build", {}, {"foo": foo})
    case("link-for-other-step-key", advisory="semantics d.19",
         description="bob (authorised only for step test) signs a link for step build; it is "
                     "at both build.<bob>.link and alice's build.<alice>.link",
         files={"root.layout": metablock(lay, owner),
                link_file("build", b): metablock(lnk, b),
                link_file("build", a): metablock(lnk, b),
                link_file("test", b): metablock(link("test", {"foo": foo}, {}), b),
                "_keys": ["alice", "bob"]},
         expected_code="threshold-unmet",
         notes="in-toto-rs accepts a link signed by any layout key for any step. Ours and the "
               "reference look only at build's functionaries.")

    # d.20 MATCH pattern respected
    case("match-pattern-respected", advisory="semantics d.20",
         description="package materials foo and bar; MATCH foo WITH PRODUCTS FROM build, then "
                     "DISALLOW bar",
         files=two_steps({"foo": foo, "bar": digest("bar")}, {"foo": foo, "bar": digest("bar")},
                         [["MATCH", "foo", "WITH", "PRODUCTS", "FROM", "build"],
                          ["DISALLOW", "bar"]]),
         expected_code="rule-disallowed",
         notes="in-toto-rs ignores MATCH's pattern and would consume bar.")

    # d.21 canonical JSON
    weird = ("tab\there\r\nCR, \x00 NUL, \x01 SOH, \x1f US, \x7f DEL, backslash-n \\n, "
             "quote \" backslash \\, é ü ß, \u2028 LS, \ufeff BOM, 😀 𝄞 astral")
    lay = layout([step("build", [a], [], [["ALLOW", "*"]])], [a])
    case("canonical-control-chars", advisory="semantics d.21",
         description="alice's link holds control characters, a literal backslash-n, non-ASCII "
                     "and astral characters in byproducts, environment, command and an artifact "
                     "name",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link(
                    "build", {}, {"tab\tname é😀": foo}, ["echo", weird],
                    {"stdout": weird, "stderr": "\\n\n", "return-value": 0},
                    {"weird": weird}), a),
                "_keys": ["alice"]},
         expected_code=None,
         notes="Signed by the reference over OLPC canonical JSON: only '\\\\' and '\"' are "
               "escaped, every other character (NUL included) is written raw as UTF-8.")
    names = ["z", "Z", "a", "\x7f", "\x80", "é", "\uffff", "\ufb01", "😀", "𝄞", "\U0010ffff"]
    lay = layout([step("build", [a], [], [["ALLOW", "*"]])], [a])
    case("canonical-key-order", advisory="semantics d.21",
         description="a link whose products are keyed by names whose code-point order differs "
                     "from their UTF-16 order (U+FFFF, U+FB01 vs astral characters)",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link("build", {}, {n: digest(n) for n in names},
                                                      environment={n: n for n in names}), a),
                "_keys": ["alice"]},
         expected_code=None,
         notes="Canonical JSON sorts keys by code point (Python str order); a UTF-16 sort "
               "(JavaScript) puts the astral names before U+FFFF.")
    case("canonical-big-integers", advisory="semantics d.21",
         description="a link whose byproducts and environment hold integers beyond 2^53 and "
                     "2^64, negative too",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link(
                    "build", {}, {"foo": foo},
                    byproducts={"stdout": "", "stderr": "", "return-value": 2 ** 53 + 1},
                    environment={"big": 2 ** 64 + 1, "neg": -(2 ** 63) - 1, "zero": 0,
                                 "list": [10 ** 30, -1]}), a),
                "_keys": ["alice"]},
         expected_code=None,
         notes="Integers must keep every digit through parsing and canonicalisation.")

    lay = layout([step("build", [a], [], [["ALLOW", "*"]], command=["echo", weird])], [a],
                 readme=weird)
    case("canonical-control-chars-layout", advisory="semantics d.21",
         description="the layout's readme and a step's expected_command hold the same characters",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo},
                                                      ["echo", weird]), a),
                "_keys": ["alice"]},
         expected_code=None)

    # d.22 names that break naive cleaning
    case("names-like-dot-slash", advisory="semantics d.22",
         description="'./a' is both a material and a product (digests differ), rules MODIFY *",
         files=one_step(materials={"./a": digest(1)}, products={"./a": digest(2)},
                        material_rules=[["ALLOW", "*"]], product_rules=[["MODIFY", "*"],
                                                                        ["DISALLOW", "*"]]),
         expected_code="artifact-name-unsafe",
         notes="in-toto-rs panics on it (it indexes the original map with cleaned names). We "
               "must fail cleanly.")
    case("names-empty", advisory="semantics d.22",
         description="an artifact with the empty name",
         files=one_step({"": foo}, [["ALLOW", "*"]]), expected_code="artifact-name-unsafe")
    case("names-root-only", advisory="semantics d.22",
         description="an artifact named '/'",
         files=one_step({"/": foo}, [["ALLOW", "*"]]), expected_code="artifact-name-unsafe")

    # file system edge cases of the link directory
    lay = layout([step("build", [a, b], [], [["ALLOW", "*"]])], [a, b])
    case("link-path-is-directory", advisory="semantics d.11",
         description="threshold 1, alice's link is valid; bob's link path is a directory",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                link_file("build", b) + "/README": "a directory where a link file should be\n",
                "_keys": ["alice", "bob"]},
         expected_code=None,
         notes="The reference ignores the OSError (the link is missing); so must we.")
    lay = layout([step("../outside", [a], [], [["ALLOW", "*"]])], [a])
    case("step-name-traversal", advisory="semantics d.1 (link lookup)",
         description="a step named '../outside'; its link sits one level above the link "
                     "directory `links`",
         files={"root.layout": metablock(lay, owner),
                "links/README": "the link directory\n",
                link_file("../outside", a).replace("../", ""):
                    metablock(link("../outside", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         link_dir="links", expected_code="link-missing",
         notes="The reference opens links/../outside.<keyid>.link and passes. The CLI never "
               "opens a link path that leaves the link directory (cli/src/fs_links.rs) and "
               "the core runner's link map only holds files below it: the link is missing. "
               "This difference is not listed in docs/differences.md.")

    # docs/differences.md #11: thresholds
    for cid, t, with_link in [("threshold-zero", 0, True), ("threshold-zero-no-links", 0, False),
                              ("threshold-negative", -1, True), ("threshold-bool", True, True)]:
        lay = layout([step("build", [a], [], [["ALLOW", "*"]], threshold=t)], [a])
        files = {"root.layout": metablock(lay, owner), "_keys": ["alice"]}
        if with_link:
            files[link_file("build", a)] = metablock(link("build", {}, {"foo": foo}), a)
        case(cid, advisory="docs/differences.md #11",
             description=f"step threshold {json.dumps(t)}" + ("" if with_link else ", no link file"),
             files=files, expected_code="layout-malformed",
             notes="The reference accepts any int (bool included) as a threshold.")
    lay_dict = json.loads(repr(Metablock(signed=layout([step("build", [a], [], [["ALLOW", "*"]])], [a]))))["signed"]
    del lay_dict["expires"]
    case("layout-no-expires", advisory="docs/differences.md #11",
         description="the layout has no `expires` (signed as such)",
         files={"root.layout": sign_raw(lay_dict, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         expected_code="layout-malformed",
         notes="The reference fills in now + 1 month, then checks the signature over its "
               "rebuilt model, which now has `expires`: it fails with a signature error.")

    # expires must be the reference's format
    for cid, exp in [("expires-offset-format", "2099-01-01T00:00:00+00:00"),
                     ("expires-fraction-format", "2099-01-01T00:00:00.5Z"),
                     ("expires-invalid-date", "2099-02-30T00:00:00Z")]:
        lay_dict = json.loads(repr(Metablock(signed=layout(
            [step("build", [a], [], [["ALLOW", "*"]])], [a]))))["signed"]
        lay_dict["expires"] = exp
        case(cid, advisory="semantics b.1 step 2 (expires format)",
             description=f"expires {exp!r}",
             files={"root.layout": sign_raw(lay_dict, owner),
                    link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                    "_keys": ["alice"]},
             expected_code="layout-malformed",
             notes="The reference requires ^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$ and a "
                   "real date.")

    # sublayouts carry the name check
    sub = layout([step("build", [b], [], [["ALLOW", "*"]])], [b])
    lay = layout([step("sub", [a], [], [["DISALLOW", "foo"], ["ALLOW", "*"]])], [a])
    case("sublayout-traversal", advisory="GHSA-vrxp-mg9f-hwf3; semantics d.1",
         description="step sub is a sublayout (signed by alice) whose step build (bob) produces "
                     "'dir/../foo'; the root layout DISALLOWs foo in sub's products",
         files={"root.layout": metablock(lay, owner),
                link_file("sub", a): metablock(sub, a),
                f"sub.{a.short}/" + link_file("build", b):
                    metablock(link("build", {}, {"dir/../foo": foo}), b),
                "_keys": ["alice", "bob"]},
         expected_code="sublayout-failed", cause_code="artifact-name-unsafe",
         notes="The sublayout's summary link would carry the name into the root layout's "
               "rules; we reject it inside the sublayout (expected.cause_code is the "
               "sublayout's own failure).")

    # DSSE (semantics a-6, docs/differences.md #10)
    lay = layout([step("build", [a], [], [["ALLOW", "*"]])], [a])
    case("dsse-layout-metablock-links", advisory="semantics a-6 (mixed formats)",
         description="DSSE layout, Metablock link",
         files={"root.layout": envelope(lay, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         expected_code=None)
    case("metablock-layout-dsse-links", advisory="semantics a-6 (mixed formats)",
         description="Metablock layout, DSSE link",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): envelope(link("build", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         expected_code=None)
    env = envelope(link("build", {}, {"foo": foo}), a)
    del env["signatures"][0]["keyid"]
    case("dsse-link-no-keyid", advisory="semantics a-6; docs/differences.md #10",
         description="DSSE link whose only signature (alice's, valid) has no keyid",
         files={"root.layout": metablock(lay, owner), link_file("build", a): env,
                "_keys": ["alice"]},
         expected_code=None,
         notes="The DSSE spec makes keyid optional; securesystemslib requires it and the "
               "reference aborts while loading the link.")
    env = envelope(lay, owner)
    del env["signatures"][0]["keyid"]
    case("dsse-layout-no-keyid", advisory="semantics a-6; docs/differences.md #10",
         description="DSSE layout whose only signature (owner's, valid) has no keyid",
         files={"root.layout": env,
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         expected_code=None)
    env = envelope(link("build", {}, {"foo": foo}), a)
    env["signatures"][0]["keyid"] = b.keyid
    case("dsse-link-keyid-hint-wrong", advisory="semantics a-6; docs/differences.md #10",
         description="DSSE link validly signed by alice, its signature's keyid says bob",
         files={"root.layout": metablock(lay, owner), link_file("build", a): env,
                "_keys": ["alice", "bob"]},
         expected_code=None,
         notes="DSSE key ids are hints that 'MUST NOT be used for security decisions'; the "
               "reference only tries signatures whose keyid equals the key's.")
    env = envelope(link("build", {}, {"foo": foo}), a)
    pae = b"DSSEv1 %d %b %d %b" % (len(env["payloadType"]), env["payloadType"].encode(),
                                   len(base64.b64decode(env["payload"])), b"junk")
    env["signatures"].insert(0, {"keyid": a.keyid,
                                 "sig": base64.b64encode(a.priv.sign(pae)).decode()})
    case("dsse-duplicate-keyid-sigs", advisory="semantics a-6, d.10",
         description="DSSE link with two signatures under alice's keyid, the first bad",
         files={"root.layout": metablock(lay, owner), link_file("build", a): env,
                "_keys": ["alice"]},
         expected_code=None,
         notes="securesystemslib refuses an envelope with two signatures under one keyid "
               "(ValueError) and the reference aborts.")

    # d.25 RSA-PSS salt lengths
    lay = layout([step("build", [c], [], [["ALLOW", "*"]])], [c])
    lay_md = Metablock(signed=lay)
    lay_sig = K["rsaowner"].priv.sign(
        lay.signable_bytes, padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.MAX_LENGTH),
        hashes.SHA256())
    lay_md.signatures.append({"keyid": K["rsaowner"].keyid, "sig": lay_sig.hex()})
    lnk = link("build", {}, {"foo": foo})
    lnk_sig = c.priv.sign(lnk.signable_bytes, padding.PSS(padding.MGF1(hashes.SHA256()), 0),
                          hashes.SHA256())
    case("rsa-pss-salt-lengths", advisory="semantics d.25",
         description="RSA-PSS layout signature with the maximum salt length, link signature "
                     "with an empty salt",
         files={"root.layout": json.loads(repr(lay_md)),
                link_file("build", c): {"signatures": [{"keyid": c.keyid, "sig": lnk_sig.hex()}],
                                        "signed": json.loads(repr(Metablock(signed=lnk)))["signed"]},
                "_keys": ["carol"]},
         layout_keys=("rsaowner",), expected_code=None,
         notes="securesystemslib signs with salt length = digest length but verifies with "
               "PSS.AUTO (any salt length); so do we. in-toto-golang requires 32.")

    # expiry at the exact second
    lay = layout([step("build", [a], [], [["ALLOW", "*"]])], [a], expires="2030-01-01T00:00:00Z")
    case("expired-exact-second", advisory="semantics b.2 step 3 (expires <= now)",
         description="expires 2030-01-01T00:00:00Z, verification time the same second",
         files={"root.layout": metablock(lay, owner),
                link_file("build", a): metablock(link("build", {}, {"foo": foo}), a),
                "_keys": ["alice"]},
         now="2030-01-01T00:00:00Z", clock=True, expected_code="layout-expired",
         notes="Like the reference since in-toto 2.1.0 (#616): expired when expires <= now.")


def main():
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    assert in_toto.__version__ == "3.1.0", in_toto.__version__
    global K, PREVIOUS
    K = fresh_keys()
    mpath = HERE / "manifest.json"
    old = json.loads(mpath.read_text()) if mpath.exists() else {"cases": []}
    PREVIOUS = {c["id"]: c for c in old["cases"]}
    build_cases()
    ids = [c["id"] for c in MANIFEST]
    assert len(ids) == len(set(ids)), "duplicate case id"
    for stale in sorted(p.name for p in CASES.iterdir() if p.name not in set(ids)):
        shutil.rmtree(CASES / stale)
    doc = {
        "schema_version": 1,
        "description": "Regression vectors of intoto-verify (tests/regression/README.md), built "
                       "by make_vectors.py with in-toto 3.1.0; `reference` is what in-toto-verify "
                       "3.1.0 does on each case.",
        "cases": MANIFEST,
    }
    mpath.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(MANIFEST)} cases; reference disagrees with expected on "
          f"{sum(c['reference_differs'] for c in MANIFEST)}")


K = {}
PREVIOUS = {}

if __name__ == "__main__":
    main()
