#!/usr/bin/env python3
"""Differential test: reference `in-toto-verify` (PyPI in-toto 3.1.0) vs `intoto-verify`.

Generates random signed in-toto supply chains with the reference implementation's own
models and signers, applies one mutation per case, runs both verifiers side by side on
fresh copies of the same files and compares their exit codes (0 pass / 1 fail / 2 usage).

    python3 tests/differential/differential.py --cases 40 --seed 1

The script needs the reference venv (in-toto 3.1.0). It is found, in this order, from
--ref-venv, $REF_VENV, or `scripts/setup-reference.sh` (which creates
<repo>/target/refvenv if needed); when the running python is not that venv's python,
the script re-executes itself with it. Our binary: --ours, $OURS_BIN, or
<repo>/target/release/intoto-verify (build it with
`cargo build --release -p intoto-verify-cli`).

See tests/differential/README.md for what is generated, mutated and compared.
"""

import argparse
import base64
import copy
import hashlib
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
REEXEC_MARK = "INTOTO_DIFFERENTIAL_REEXEC"


# --------------------------------------------------------------------------------------
# Bootstrap: find the reference venv and run under its python.
# --------------------------------------------------------------------------------------

def _argv_value(flag):
    """Value of `--flag X` / `--flag=X` in sys.argv (before argparse runs)."""
    for i, a in enumerate(sys.argv[1:], 1):
        if a == flag and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if a.startswith(flag + "="):
            return a.split("=", 1)[1]
    return None


def resolve_ref_venv():
    """--ref-venv, $REF_VENV, else scripts/setup-reference.sh (prints the venv path).
    A path to a python or to in-toto-verify inside <venv>/bin is accepted too."""
    venv = _argv_value("--ref-venv") or os.environ.get("REF_VENV")
    if venv:
        venv = os.path.abspath(venv)
        if os.path.isfile(venv):  # <venv>/bin/python or <venv>/bin/in-toto-verify
            venv = os.path.dirname(os.path.dirname(venv))
    else:
        if "-h" in sys.argv or "--help" in sys.argv:
            return None
        setup = os.path.join(REPO, "scripts", "setup-reference.sh")
        try:
            out = subprocess.run([setup], check=True, stdout=subprocess.PIPE, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as exc:
            sys.exit(f"differential: {setup} failed ({exc}); pass --ref-venv or set REF_VENV")
        venv = out.strip().splitlines()[-1]
    if not os.path.exists(os.path.join(venv, "bin", "in-toto-verify")):
        sys.exit(f"differential: {venv}/bin/in-toto-verify not found (not an in-toto venv?)")
    return venv


def bootstrap():
    venv = resolve_ref_venv()
    if venv is None:
        return None
    py = os.path.join(venv, "bin", "python")
    same = os.path.realpath(sys.prefix) == os.path.realpath(venv)
    if not same and not os.environ.get(REEXEC_MARK):
        env = dict(os.environ, **{REEXEC_MARK: "1", "REF_VENV": venv})
        os.execve(py, [py, os.path.abspath(__file__)] + sys.argv[1:], env)
    return venv


REF_VENV = bootstrap()

# Imports that need the reference venv.
try:
    import attr
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from securesystemslib.dsse import Envelope as DsseEnvelope
    from securesystemslib.formats import encode_canonical
    from securesystemslib.signer import CryptoSigner, SSlibKey

    import in_toto
    from in_toto.models.layout import Layout
    from in_toto.models.link import FILENAME_FORMAT, Link
except ImportError as _exc:  # pragma: no cover
    if REF_VENV is None:  # --help without a venv
        attr = None
    else:
        sys.exit(f"differential: cannot import the reference implementation: {_exc}")

PAYLOAD_TYPE = "application/vnd.in-toto+json"


# --------------------------------------------------------------------------------------
# Keys: a deterministic pool per --seed (RSA included, via a seeded prime search).
# --------------------------------------------------------------------------------------

_SMALL_PRIMES = [p for p in range(3, 3000) if all(p % q for q in range(2, int(p ** 0.5) + 1))]


def _probable_prime(n, rng, rounds=24):
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits, rng, e=65537):
    while True:
        c = rng.getrandbits(bits) | (3 << (bits - 2)) | 1  # top two bits: |p*q| == 2*bits
        if (c - 1) % e and _probable_prime(c, rng):
            return c


def seeded_rsa(rng, bits=2048):
    e = 65537
    while True:
        p, q = _prime(bits // 2, rng), _prime(bits // 2, rng)
        if p == q:
            continue
        d = pow(e, -1, (p - 1) * (q - 1))
        nums = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                     rsa.RSAPublicNumbers(e, p * q))
        return nums.private_key()


class PoolKey:
    """One signing key: CryptoSigner plus its in-toto dict form and PEM files."""

    def __init__(self, name, ktype, priv):
        self.name, self.ktype, self.priv = name, ktype, priv
        # Default schemes: ed25519, ecdsa-sha2-nistp256, rsassa-pss-sha256 (what
        # in-toto-verify derives from a PEM, so keyids agree).
        self.signer = CryptoSigner(priv, SSlibKey.from_crypto(priv.public_key()))
        self.keyid = self.signer.public_key.keyid
        self.pub_pem = priv.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.priv_pem = priv.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())

    def key_dict(self):
        d = self.signer.public_key.to_dict()
        d["keyid"] = self.keyid
        return d

    def sign(self, data):
        return self.signer.sign(data).to_dict()


def key_pool(seed):
    rng = random.Random(f"keys:{seed}")
    pool = []
    for i in range(4):
        pool.append(PoolKey(f"ed25519-{i}", "ed25519",
                            ed25519.Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))))
    for i in range(3):
        pool.append(PoolKey(f"ecdsa-{i}", "ecdsa",
                            ec.derive_private_key(rng.getrandbits(255) + 1, ec.SECP256R1())))
    for i in range(3):
        pool.append(PoolKey(f"rsa-{i}", "rsa", seeded_rsa(rng)))
    return pool


# --------------------------------------------------------------------------------------
# Signing and serialisation (dict level, so mutations can sign anything).
# --------------------------------------------------------------------------------------

def sign_metablock(signed, keys):
    data = encode_canonical(signed).encode("utf-8")
    return {"signatures": [k.sign(data) for k in keys], "signed": signed}


def sign_dsse(payload_bytes, keys):
    env = DsseEnvelope(payload=payload_bytes, payload_type=PAYLOAD_TYPE, signatures={})
    for k in keys:
        env.sign(k.signer)
    return env.to_dict()


def dsse_payload(signed):
    # What in_toto.models.metadata.Envelope.from_signable does.
    return json.dumps(signed, sort_keys=True).encode("utf-8")


def dump_default(obj):
    return json.dumps(obj, indent=1, sort_keys=True)


def shuffle_keys(obj, rng):
    """Same JSON value, object members in random order (recursively)."""
    if isinstance(obj, dict):
        items = list(obj.items())
        rng.shuffle(items)
        return {k: shuffle_keys(v, rng) for k, v in items}
    if isinstance(obj, list):
        return [shuffle_keys(v, rng) for v in obj]
    return obj


def canonical_link(d):
    """attr.asdict of the reference model = exactly what in-toto signs for a Metablock."""
    return attr.asdict(Link.read(copy.deepcopy(d)))


def canonical_layout(d):
    return attr.asdict(Layout.read(copy.deepcopy(d)))


# --------------------------------------------------------------------------------------
# Mutations and the expected differences.
# --------------------------------------------------------------------------------------

# name -> weight. Each case gets exactly one (or "none").
MUTATIONS = {
    "none": 6,
    "link-digest-tamper": 2,          # change a digest in a link, keep the old signature
    "link-digest-tamper-resign": 2,   # change a digest, re-sign with the right key
    "link-drop": 2,                   # delete one link file
    "link-duplicate-other-functionary": 2,  # copy a link to another authorised keyid's name
    "link-unauthorised-key": 2,       # link signed by a key the step does not authorise
    "layout-rule-change-resign": 4,   # edit one rule, re-sign the layout
    "layout-expired": 1,              # expiry in the past, re-signed
    "layout-wrong-key": 1,            # layout signed by another key than the one given
    "layout-tamper-unsigned": 1,      # layout edited after signing (signature kept)
    "reformat-json": 3,               # key order / whitespace / escapes: semantically equal
    "unknown-field-unsigned": 2,      # Metablock link: extra field in `signed` after signing
    "dsse-payload-edit-unsigned": 1,  # DSSE link: extra field in the payload, old signature
    "unknown-field-resign-metablock": 2,  # extra field in a Metablock's `signed`, re-signed
    "unknown-field-resign-dsse": 1,   # extra field in a DSSE payload, re-signed
    "artifact-remove": 2,             # drop an artifact (REQUIRE / MATCH target), re-sign
    "product-add": 2,                 # add an unexpected product (DISALLOW), re-sign
    "link-name-mismatch": 1,          # link `name` != step name, re-signed
    "threshold1-disagree": 1,         # threshold 1, two authorised links that differ
    "threshold2-disagree": 1,         # threshold 2, the two links differ
    "inspection-exit-nonzero": 1,     # an inspection runs `sh -c "exit 3"`
    "workdir-file-tamper": 1,         # the inspection's recorded tree no longer matches
    "artifact-name-backslash": 1,     # an artifact name holding a backslash, under MATCH ... IN dir
}

# Deliberate differences: mutation -> {(reference exit code, our exit code)} that are
# by design (we are stricter / follow the spec and DSSE). Anything else is unexpected.
EXPECTED_DIFFERENCES = {
    # The reference rebuilds the link object (dropping unknown fields) before checking a
    # Metablock signature; we check the signature over the JSON as received.
    "unknown-field-unsigned": {(0, 1)},
    # The reference never compares link.name with the step name; we reject a mismatch.
    "link-name-mismatch": {(0, 1)},
    # threshold 1 with two authorised links that disagree: the reference takes the first
    # (pubkeys order) and ignores the other; we fail.
    "threshold1-disagree": {(0, 1)},
    # A field added to a Metablock's `signed` and signed over: the reference checks the
    # signature against its rebuilt model (field dropped) and fails; we check the JSON as
    # signed and pass (docs/differences.md #1).
    "unknown-field-resign-metablock": {(1, 0)},
    # A backslash in an artifact name under `MATCH ... IN prefix`: the reference rewrites
    # `\` to `/` when it rebuilds the prefixed path and crashes (KeyError); names are
    # opaque to us (docs/differences.md #8).
    "artifact-name-backslash": {(1, 0)},
}


# --------------------------------------------------------------------------------------
# Chain generation.
# --------------------------------------------------------------------------------------

STEP_NAMES = ["clone", "fetch", "vendor", "build", "compile", "test", "lint", "package",
              "docs", "sign-off"]
TOP_DIRS = ["src", "lib", "docs", "tests", "vendor", "assets", "config", "include"]
NEW_DIRS = ["build", "dist", "out", "gen", "pkg", "obj", "reports"]
SUB_DIRS = ["a", "b", "core", "v1", "internal", "x86_64"]
FILE_WORDS = ["main", "util", "index", "core", "api", "data", "mod", "x-1", "naïve file",
              "ünï cödé", "space name"]
ODD_WORDS = ["br[a]ck", "q?mark", "star*", "dollar$", "-dash", "x,y"]  # rare (glob characters)
EXTS = ["c", "h", "py", "md", "txt", "json", "o", "bin", "tar.gz", ""]
ROOT_FILES = ["README.md", "Makefile", "LICENSE", "setup.cfg"]
STDOUTS = ["", "ok\n", "built 3 targets\n", "naïve ✓ \"quoted\" back\\slash\ttab\n",
           "line1\r\nline2\n", "\u00e9\u4e2d\U0001F600\n", "<&> 'single' /slash/"]


class LinkFile:
    def __init__(self, step, key, signed, fmt):
        self.step, self.key, self.signed, self.fmt = step, key, signed, fmt
        self.filename = FILENAME_FORMAT.format(step_name=step, keyid=key.keyid)
        self.signers = [key]   # keys that sign it
        self.payload = None    # DSSE: explicit payload bytes (else from `signed`)
        self.post = None       # callable(envelope dict) -> envelope dict, after signing
        self.dump = dump_default
        self.canonical = True  # `signed` is attr.asdict(Link.read(signed))

    def envelope(self):
        if self.fmt == "metablock":
            signed = canonical_link(self.signed) if self.canonical else self.signed
            env = sign_metablock(signed, self.signers)
        else:
            env = sign_dsse(self.payload or dsse_payload(self.signed), self.signers)
        return self.post(env) if self.post else env


class Case:
    """One generated supply chain (in memory) plus the mutation applied to it."""

    def __init__(self, idx, seed, pool, mutation):
        self.idx, self.seed = idx, seed
        self.rng = random.Random(f"case:{seed}:{idx}")
        self.pool, self.mutation = pool, mutation
        self.notes = []            # human-readable description of the mutation
        self.links = []            # [LinkFile]
        self.workfiles = {}        # relative path -> bytes (files in the verifier cwd)
        self.layout_post = None
        self.layout_dump = dump_default
        self.layout_canonical = True
        self.layout_payload = None

    # -- artifacts --------------------------------------------------------------------

    # A state maps artifact name -> content token; copies and renames keep the token
    # (same bytes, same digest), modifications get a new one.
    def content(self, token):
        return f"{self.seed}:{self.idx}:{token}\n".encode("utf-8")

    def digest(self, token):
        data = self.content(token)
        return {alg: hashlib.new(alg, data).hexdigest() for alg in self.hash_algs}

    def artifacts(self, state):
        return {p: self.digest(t) for p, t in state.items()}

    def make_files(self, top, n, state):
        made = []
        for _ in range(n * 3):
            if len(made) >= n:
                break
            depth = self.rng.choice([0, 0, 1, 1, 2])
            sub = [self.rng.choice(SUB_DIRS) for _ in range(depth)]
            ext = self.rng.choice(EXTS)
            word = self.rng.choice(ODD_WORDS if self.rng.random() < 0.01 else FILE_WORDS)
            name = word + (f"{self.rng.randrange(10)}" if self.rng.random() < .5 else "")
            name = f"{name}.{ext}" if ext else name
            p = "/".join([top] + sub + [name])
            if p not in state and not any(q.startswith(p + "/") or p.startswith(q + "/") for q in state):
                state[p] = f"{p}@v0"
                made.append(p)
        return made

    # -- generation ---------------------------------------------------------------------

    def generate(self, needs):
        r = self.rng
        self.hash_algs = ["sha256"]
        n_steps = r.choice([1, 2, 2, 3, 3, 4])
        want_insp = "inspection" in needs or ("no-inspection" not in needs and r.random() < 0.3)
        if not want_insp and r.random() < 0.2:
            self.hash_algs = r.choice([["sha256", "sha512"], ["sha512"], ["sha384", "sha256"]])
        # Keys: owner(s), functionaries, and one spare (never authorised).
        keys = r.sample(self.pool, len(self.pool))
        n_owner = 2 if r.random() < 0.15 else 1
        self.owners, keys = keys[:n_owner], keys[n_owner:]
        n_func = r.choice([1, 2, 2, 3, 3, 4])
        if needs & {"two-pubkeys", "threshold1-multi", "threshold2"}:
            n_func = max(n_func, 2)
        self.functionaries, keys = keys[:n_func], keys[n_func:]
        self.spare = keys[0]
        self.fmt_mode = r.choice(["metablock", "dsse", "mixed", "mixed"])
        pick_fmt = lambda: (self.fmt_mode if self.fmt_mode != "mixed"  # noqa: E731
                            else r.choice(["metablock", "dsse"]))
        self.layout_fmt = pick_fmt()

        names = sorted(r.sample(STEP_NAMES, n_steps), key=STEP_NAMES.index)
        # Initial state.
        state = {}
        for top in r.sample(TOP_DIRS, r.randint(1, 4)):
            self.make_files(top, r.randint(1, 7), state)
        for f in r.sample(ROOT_FILES, r.randint(0, 2)):
            state[f] = f"{f}@v0"
        self.force_prefix_dir = None
        if "backslash-name" in needs:
            # A name a POSIX recorder could produce only by hand (in-toto-run turns "\"
            # into "/"); step 0 keeps its directory with `MATCH * IN dir ... FROM itself`.
            d = (sorted({p.split("/")[0] for p in state if "/" in p}) or ["src"])[0]
            bs = f"{d}/{r.choice(SUB_DIRS)}/back\\slash{r.randrange(10)}.{r.choice(EXTS[:6])}"
            state[bs] = f"{bs}@v0"
            self.force_prefix_dir = d
            self.notes.append(f"artifact {bs!r} in the initial state; step 0 keeps {d}/ with "
                              f"MATCH * IN {d} WITH MATERIALS IN {d} FROM <step 0>")

        steps, copied_prev = [], {}
        special_step = r.randrange(n_steps)  # where a needed property is forced
        for i, name in enumerate(names):
            prev = names[i - 1] if i else None
            mats_state = dict(state)
            if i == 0 and r.random() < 0.15 and not self.force_prefix_dir:
                # First step starts from nothing (e.g. a clone): empty materials.
                mats_state, prod_state, copied = {}, dict(state), {}
                tops = sorted({p.split("/")[0] + ("/*" if "/" in p else "") for p in state})
                m_rules = r.choice([[["DISALLOW", "*"]], [], [["ALLOW", "*"]]])
                p_rules = [[r.choice(["CREATE", "CREATE", "ALLOW"]), t] for t in tops] + [["DISALLOW", "*"]]
            else:
                prod_state, copied, m_rules, p_rules = self.transform(i, name, prev, state, copied_prev)
            # Functionaries / threshold.
            k = r.randint(1, min(3, n_func))
            threshold = 2 if (k >= 2 and r.random() < 0.4) else 1
            if i == special_step:
                if needs & {"two-pubkeys", "threshold1-multi", "threshold2"}:
                    k = max(k, 2)
                if "threshold1-multi" in needs:
                    threshold = 1
                if "threshold2" in needs:
                    threshold = 2
            pub = r.sample(self.functionaries, k)
            if threshold == 1:
                signers = [pub[0]] if r.random() < 0.75 else list(pub)
            else:
                signers = list(pub) if r.random() < 0.5 else pub[:2]
            if i == special_step and "threshold1-multi" in needs:
                signers = [pub[0]]
            cmd = ["make", name] if r.random() < 0.5 else ["sh", "-c", f"./{name}.sh --fast"]
            link_cmd = cmd if r.random() < 0.9 else cmd + ["--extra"]  # mismatch = warning only
            if r.random() < 0.05:
                self.noise(m_rules, names, state)
            if r.random() < 0.05:
                self.noise(p_rules, names, prod_state)
            steps.append({"_type": "step", "name": name, "threshold": threshold,
                          "expected_materials": self.kwcase(m_rules),
                          "expected_products": self.kwcase(p_rules),
                          "pubkeys": [f.keyid for f in pub], "expected_command": cmd})
            link = {"_type": "link", "name": name, "command": link_cmd,
                    "materials": self.artifacts(mats_state), "products": self.artifacts(prod_state),
                    "byproducts": {"stdout": r.choice(STDOUTS), "stderr": r.choice(["", "warn\n"]),
                                   "return-value": 0},
                    "environment": r.choice([{}, {"workdir": "/build"},
                                             {"variables": {"CC": "gcc"}, "filesystem": ""}])}
            for f in signers:
                fmt = pick_fmt()
                if i == special_step and "metablock-link" in needs:
                    fmt = "metablock"
                if i == special_step and "dsse-link" in needs:
                    fmt = "dsse"
                lf = LinkFile(name, f, copy.deepcopy(link), fmt)
                if r.random() < 0.1:  # an extra signature by a key nobody asked for
                    lf.signers = r.choice([[f, self.spare], [self.spare, f]])
                self.links.append(lf)
            state, copied_prev = prod_state, copied
        self.final_state = state
        self.step_names = names
        self.special_step = names[special_step]

        inspect = []
        if want_insp:
            inspect = self.inspections(names[-1], state)
        extra = {}
        if r.random() < 0.2:  # an unused key in the layout
            extra = {self.spare.keyid: self.spare.key_dict()} if r.random() < 0.5 else {}
        if r.random() < 0.1:  # the layout carries an extra signature
            self.layout_signers = r.choice([self.owners + [self.spare], [self.spare] + self.owners])
        year = r.randint(2040, 2099)
        self.layout = {
            "_type": "layout",
            "expires": f"{year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:00:00Z",
            "readme": r.choice(["", "differential test chain", "ünïcödé readme ✓"]),
            "keys": dict({f.keyid: f.key_dict() for f in self.functionaries}, **extra),
            "steps": steps,
            "inspect": inspect,
        }
        # Validate with the reference model; the dicts must be exactly what it signs.
        assert canonical_layout(self.layout) == self.layout, "layout dict not canonical"
        for lf in self.links:
            assert canonical_link(lf.signed) == lf.signed, "link dict not canonical"

    def kwcase(self, rules):
        """Rule keywords are case-insensitive: occasionally write them in lower/mixed case."""
        kws = {"MATCH", "WITH", "FROM", "IN", "MATERIALS", "PRODUCTS", "CREATE", "DELETE",
               "MODIFY", "ALLOW", "DISALLOW", "REQUIRE"}
        out = []
        for rule in rules:
            if self.rng.random() < 0.06:
                style = self.rng.choice([str.lower, str.capitalize])
                rule = [style(w) if (j == 0 or (rule[0] == "MATCH" and j >= 2)) and w in kws else w
                        for j, w in enumerate(rule)]
            out.append(rule)
        return out

    def transform(self, i, name, prev, state, copied_prev):
        """Compute step i's products from its materials (= state) and matching rules."""
        r = self.rng
        dirs = sorted({p.split("/")[0] for p in state if "/" in p})
        roots = sorted(p for p in state if "/" not in p)
        prod = dict(state)
        copied = {}
        m_mid, p_mid, m_req, p_req = [], [], [], []
        v = f"s{i}"

        def keep_rule_mat(d):
            opts = [["ALLOW", f"{d}/*"]]
            if prev:
                opts += [["MATCH", f"{d}/*", "WITH", "PRODUCTS", "FROM", prev]] * 2
                opts += [["MATCH", "*", "IN", d, "WITH", "PRODUCTS", "IN", d, "FROM", prev]] * 2
                if d in copied_prev:
                    opts += [["MATCH", f"{d}/*", "WITH", "PRODUCTS", "IN", copied_prev[d], "FROM", prev]] * 2
            return r.choice(opts)

        def keep_rule_prod(d):
            if i == 0 and d == self.force_prefix_dir:
                return ["MATCH", "*", "IN", d, "WITH", "MATERIALS", "IN", d, "FROM", name]
            return r.choice([["MATCH", f"{d}/*", "WITH", "MATERIALS", "FROM", name],
                             ["MATCH", f"{d}/*", "WITH", "MATERIALS", "FROM", name],
                             ["MATCH", "*", "IN", d, "WITH", "MATERIALS", "IN", d, "FROM", name],
                             ["ALLOW", f"{d}/*"]])

        stage_busy = False
        actions = {}
        for d in dirs:
            a = r.choices(["keep", "modify", "delete", "touch", "copy", "rename"],
                          [50, 15, 10, 10, 8, 7])[0]
            if a == "delete" and len(dirs) - sum(x == "delete" for x in actions.values()) <= 1:
                a = "keep"
            if a == "copy" and (d == "stage" or "stage" in dirs):
                a = "keep"
            if a == "rename" and d == "stage":
                a = "keep"
            if i == 0 and d == self.force_prefix_dir:
                a = "keep"
            actions[d] = a
        for d in dirs:
            a = actions[d]
            files = [p for p in state if p.startswith(d + "/")]
            if a in ("keep", "copy"):
                m_mid.append(keep_rule_mat(d))
                p_mid.append(keep_rule_prod(d))
                if a == "copy" and not stage_busy:
                    stage_busy = True
                    for p in files:
                        prod["stage/" + p] = state[p]
                    copied[d] = "stage"
                    p_mid.append(["MATCH", "*", "IN", "stage", "WITH", "MATERIALS", "FROM", name])
            elif a == "touch":
                f = r.choice(files)
                prod[f] = f"{f}@{v}"
                m_mid.append(keep_rule_mat(d))
                p_mid.append(["MODIFY", f])
                p_mid.append(keep_rule_prod(d))
            elif a == "modify":
                for p in files:
                    prod[p] = f"{p}@{v}"
                m_mid.append(r.choice([keep_rule_mat(d), ["MODIFY", f"{d}/*"]]))
                p_mid.append(r.choice([["MODIFY", f"{d}/*"], ["MODIFY", f"{d}/*"], ["ALLOW", f"{d}/*"]]))
            elif a == "delete":
                for p in files:
                    del prod[p]
                m_mid.append(r.choice([["DELETE", f"{d}/*"], ["DELETE", f"{d}/*"], keep_rule_mat(d)]))
                if r.random() < 0.5:
                    p_mid.append(["DISALLOW", f"{d}/*"])
            elif a == "rename":
                n = r.choice([x for x in NEW_DIRS if x not in dirs and not any(
                    q.startswith(x + "/") for q in prod)] or ["renamed"])
                for p in files:
                    del prod[p]
                    prod[n + p[len(d):]] = state[p]
                m_mid.append(r.choice([["DELETE", f"{d}/*"], keep_rule_mat(d)]))
                p_mid.append(["MATCH", "*", "IN", n, "WITH", "MATERIALS", "IN", d, "FROM", name])
        for f in roots:
            m_mid.append(r.choice([["ALLOW", f]] + ([["MATCH", f, "WITH", "PRODUCTS", "FROM", prev]] * 2 if prev else [])))
            p_mid.append(r.choice([["ALLOW", f], ["MATCH", f, "WITH", "MATERIALS", "FROM", name]]))
        # New output directory.
        if r.random() < 0.45 or not prod:
            free = [x for x in NEW_DIRS if not any(q.startswith(x + "/") for q in prod)]
            if free:
                n = r.choice(free)
                tmp = dict(prod)
                for p in self.make_files(n, r.randint(1, 6), tmp):
                    prod[p] = f"{p}@{v}"
                p_mid.append(r.choice([["CREATE", f"{n}/*"], ["CREATE", f"{n}/*"], ["ALLOW", f"{n}/*"]]))
        # REQUIRE (before anything consumes the name).
        if state and r.random() < 0.35:
            m_req.append(["REQUIRE", r.choice(sorted(state))])
        if prod and r.random() < 0.35:
            p_req.append(["REQUIRE", r.choice(sorted(prod))])
        r.shuffle(m_mid)
        r.shuffle(p_mid)
        tail = lambda: r.choices([[["DISALLOW", "*"]], [["ALLOW", "*"]], [], [["DISALLOW", "*.tmp"]]],  # noqa: E731
                                 [80, 5, 10, 5])[0]
        return prod, copied, m_req + m_mid + tail(), p_req + p_mid + tail()

    def noise(self, rules, names, state):
        """Insert one random rule anywhere (may change the verdict of an unmutated case)."""
        r = self.rng
        pats = ["*", "*.c", "nonexistent/*", "*/a/*", "[!s]*", "src/?ain*"] + sorted(state)[:5] + \
            [p.split("/")[0] + "/*" for p in sorted(state)[:5]]
        kind = r.choice(["MATCH", "CREATE", "DELETE", "MODIFY", "ALLOW", "DISALLOW", "REQUIRE"])
        if kind == "MATCH":
            rule = ["MATCH", r.choice(pats)]
            if r.random() < 0.3:
                rule += ["IN", r.choice(["src", "lib", "build", "stage", "nope"])]
            rule += ["WITH", r.choice(["MATERIALS", "PRODUCTS"])]
            if r.random() < 0.3:
                rule += ["IN", r.choice(["src", "stage", "dist"])]
            rule += ["FROM", r.choice(names + ["no-such-step"])]
        else:
            rule = [kind, r.choice(pats)]
        rules.insert(r.randint(0, len(rules)), rule)

    def inspections(self, last, final_state):
        r = self.rng
        # The final products become real files in the verifier's cwd; the inspection
        # records the cwd (minus *.link*) and matches it against the last step.
        for p, t in final_state.items():
            self.workfiles[p] = self.content(t)
        own = ["ALLOW", "root.layout"], ["ALLOW", "*.pub"]
        if r.random() < 0.5:
            m = [["MATCH", "*", "WITH", "PRODUCTS", "FROM", last]]
        else:
            tops = sorted({p.split("/")[0] if "/" in p else p for p in final_state})
            m = [["MATCH", f"{t}/*", "WITH", "PRODUCTS", "FROM", last] if any(
                q.startswith(t + "/") for q in final_state) else
                ["MATCH", t, "WITH", "PRODUCTS", "FROM", last] for t in tops]
        run = r.choice([["true"], ["sh", "-c", "exit 0"], ["sh", "-c", "test -f root.layout"]])
        insp = [{"_type": "inspection", "name": "check-tree", "run": run,
                 "expected_materials": m + [list(x) for x in own] + [["DISALLOW", "*"]],
                 "expected_products": r.choice([
                     [["MATCH", "*", "WITH", "MATERIALS", "FROM", "check-tree"], ["DISALLOW", "*"]],
                     [["ALLOW", "*"]],
                     m + [list(x) for x in own] + [["DISALLOW", "*"]]])}]
        if r.random() < 0.3:
            insp.append({"_type": "inspection", "name": "second-look", "run": ["true"],
                         "expected_materials": [["MATCH", "*", "WITH", "PRODUCTS", "FROM", "check-tree"],
                                                ["DISALLOW", "*"]],
                         "expected_products": [["ALLOW", "*"]]})
        return insp

    # -- mutations ------------------------------------------------------------------------

    def pick_link(self, r, cands=None):
        """A link to mutate; mostly one the step cannot do without (links == threshold),
        so the mutation decides the verdict rather than being absorbed by a spare link."""
        cands = list(self.links if cands is None else cands)
        crit = [lf for lf in cands
                if len(self.links_of(lf.step)) <= self.step_dict(lf.step)["threshold"]]
        return r.choice(crit if crit and r.random() < 0.75 else cands)

    def links_of(self, step):
        return [lf for lf in self.links if lf.step == step]

    def step_dict(self, name):
        return next(s for s in self.layout["steps"] if s["name"] == name)

    def pick_artifact(self, lf, prefer_required=True):
        """(side, name) to tamper with or remove, preferring REQUIRE / MATCH targets."""
        r = self.rng
        st = self.step_dict(lf.step)
        cands = []
        for side, rules in (("materials", st["expected_materials"]), ("products", st["expected_products"])):
            for rule in rules:
                if rule[0].upper() == "REQUIRE" and rule[1] in lf.signed[side]:
                    cands.append((side, rule[1]))
        if prefer_required and cands and r.random() < 0.7:
            return r.choice(cands)
        sides = [s for s in ("materials", "products") if lf.signed[s]]
        if not sides:
            return None
        side = r.choice(sides)
        return side, r.choice(sorted(lf.signed[side]))

    def mutate(self):
        m, r = self.mutation, self.rng
        fn = getattr(self, "mut_" + m.replace("-", "_"))
        fn(r)

    def mut_none(self, r):
        pass

    def mut_link_digest_tamper(self, r, resign=False):
        lf = self.pick_link(r)
        pick = self.pick_artifact(lf, prefer_required=False)
        if not pick:
            self.notes.append("no artifact to tamper with")
            return
        side, name = pick
        alg = sorted(lf.signed[side][name])[0]
        new = hashlib.new(alg, b"tampered" + name.encode()).hexdigest()
        self.notes.append(f"{lf.filename}: {side}[{name!r}][{alg}] -> {new[:12]}..."
                          + (" (re-signed)" if resign else " (old signature kept)"))
        if resign:
            # A threshold-1 step whose other links still hold the old digest would be the
            # threshold1-disagree case (a deliberate difference): tamper them all alike.
            same = [lf]
            if self.step_dict(lf.step)["threshold"] == 1:
                same = [x for x in self.links_of(lf.step) if name in x.signed[side]]
                if len(same) > 1:
                    self.notes.append(f"(same change in all {len(same)} links of threshold-1 step {lf.step})")
            for x in same:
                x.signed[side][name][alg] = new
        else:
            lf.post = self._post_edit(lf, lambda s: s[side][name].__setitem__(alg, new))

    def mut_link_digest_tamper_resign(self, r):
        self.mut_link_digest_tamper(r, resign=True)

    def _post_edit(self, lf, edit):
        """Apply `edit(signed)` after signing (Metablock `signed` or the DSSE payload)."""
        def post(env):
            if "signed" in env:
                edit(env["signed"])
            else:
                payload = json.loads(base64.b64decode(env["payload"]))
                edit(payload)
                env["payload"] = base64.b64encode(json.dumps(payload, sort_keys=True).encode()).decode()
            return env
        return post

    def mut_link_drop(self, r):
        lf = self.pick_link(r)
        self.links.remove(lf)
        self.notes.append(f"dropped {lf.filename}")

    def mut_link_duplicate_other_functionary(self, r):
        cands = []
        for lf in self.links:
            others = [k for k in self.step_dict(lf.step)["pubkeys"] if k != lf.key.keyid]
            for o in others:
                cands.append((lf, o))
        if not cands:
            self.notes.append("no step with a second functionary")
            return
        lf, other = r.choice(cands)
        other_key = next(k for k in self.pool if k.keyid == other)
        dup = LinkFile(lf.step, other_key, copy.deepcopy(lf.signed), lf.fmt)
        dup.signers = [lf.key]  # still signed by the original functionary
        replaced = [x for x in self.links if x.filename == dup.filename]
        for x in replaced:
            self.links.remove(x)
        self.links.append(dup)
        self.notes.append(f"copied {lf.filename} to {dup.filename} (signed by {lf.key.name})"
                          + (" replacing that functionary's own link" if replaced else ""))

    def mut_link_unauthorised_key(self, r):
        lf = self.pick_link(r)
        pub = self.step_dict(lf.step)["pubkeys"]
        cands = [k for k in self.pool if k.keyid not in pub and k not in self.owners]
        bad = r.choice(cands)
        authorised_elsewhere = bad.keyid in self.layout["keys"]
        if r.random() < 0.5:
            lf.signers = [bad]
            self.notes.append(f"{lf.filename} re-signed by unauthorised {bad.name}"
                              f" (layout key: {authorised_elsewhere}), file name kept")
        else:
            self.links.remove(lf)
            nl = LinkFile(lf.step, bad, lf.signed, lf.fmt)
            self.links.append(nl)
            self.notes.append(f"{lf.filename} replaced by {nl.filename} signed by unauthorised"
                              f" {bad.name} (layout key: {authorised_elsewhere})")

    def mut_layout_rule_change_resign(self, r):
        items = [(s, side) for s in self.layout["steps"] + self.layout["inspect"]
                 for side in ("expected_materials", "expected_products")]
        s, side = r.choice(items)
        rules = s[side]
        op = r.choice(["delete", "retype", "repattern", "disallow-front", "swap", "from",
                       "with", "require"])
        if not rules and op in ("delete", "retype", "repattern", "swap", "from", "with"):
            op = "disallow-front"
        before = json.dumps(rules)
        if op == "delete":
            rules.pop(r.randrange(len(rules)))
        elif op == "retype":
            j = r.randrange(len(rules))
            pat = rules[j][1]
            rules[j] = [r.choice(["CREATE", "DELETE", "MODIFY", "ALLOW", "DISALLOW", "REQUIRE"]), pat]
        elif op == "repattern":
            j = r.randrange(len(rules))
            rules[j][1] = r.choice(["*", "*.c", "src/*", "nonexistent", "*/*", "?*", "[a-m]*"])
        elif op == "disallow-front":
            rules.insert(0, ["DISALLOW", r.choice(["*", "*.md", "src/*", "stage/*"])])
        elif op == "swap" and len(rules) >= 2:
            a, b = r.sample(range(len(rules)), 2)
            rules[a], rules[b] = rules[b], rules[a]
        elif op == "from":
            ms = [x for x in rules if x[0].upper() == "MATCH"]
            if ms:
                x = r.choice(ms)
                x[-1] = r.choice(self.step_names + ["check-tree", "nowhere"])
            else:
                rules.append(["DISALLOW", "*"])
        elif op == "with":
            ms = [x for x in rules if x[0].upper() == "MATCH"]
            if ms:
                x = r.choice(ms)
                j = [k for k, w in enumerate(x) if w.upper() == "WITH"][0] + 1
                x[j] = "PRODUCTS" if x[j].upper() == "MATERIALS" else "MATERIALS"
            else:
                rules.insert(0, ["REQUIRE", "missing-file"])
        elif op == "require":
            rules.insert(r.randint(0, len(rules)), ["REQUIRE", r.choice(
                sorted(self.final_state) + ["missing-file"])])
        self.notes.append(f"{s['_type']} {s['name']} {side} ({op}): {before} -> {json.dumps(rules)}")

    def mut_layout_expired(self, r):
        past = f"{r.randint(2001, 2024)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00Z"
        self.layout["expires"] = past
        self.notes.append(f"layout expires {past} (re-signed)")

    def mut_layout_tamper_unsigned(self, r):
        st = r.choice(self.layout["steps"])
        how = r.choice(["threshold", "rule", "expires"])

        def edit(signed):
            s = next(x for x in signed["steps"] if x["name"] == st["name"])
            if how == "threshold":
                s["threshold"] = s["threshold"] + 1
            elif how == "rule":
                s["expected_products"].insert(0, ["ALLOW", "*"])
            else:
                signed["expires"] = "2100-01-01T00:00:00Z"
        self.layout_post = self._post_edit(None, edit)
        self.notes.append(f"root.layout ({self.layout_fmt}) edited after signing: "
                          + {"threshold": f"step {st['name']} threshold + 1",
                             "rule": f"step {st['name']} products start with ALLOW *",
                             "expires": "expires 2100-01-01"}[how])

    def mut_layout_wrong_key(self, r):
        others = [k for k in self.pool if k not in self.owners]
        bad = r.choice(others)
        j = r.randrange(len(self.owners))
        signers = [k for k in getattr(self, "layout_signers", self.owners) if k is not self.spare]
        signers[j] = bad
        self.layout_signers = signers
        self.notes.append(f"layout signed by {bad.name} instead of {self.owners[j].name}")

    def mut_reformat_json(self, r):
        targets = ["layout"] + self.links
        t = r.choice(targets)
        rng = random.Random(r.random())
        opts = {"indent": r.choice([None, 0, 2, 4, "\t"]), "ensure_ascii": r.random() < 0.5,
                "separators": r.choice([None, (",", ":"), (" , ", " : ")])}

        def dump(obj):
            return json.dumps(shuffle_keys(obj, rng), **opts) + r.choice(["", "\n", "\n\n  "])
        if t == "layout":
            self.layout_dump = dump
            self.notes.append(f"root.layout re-serialised {opts}")
        else:
            t.dump = dump
            self.notes.append(f"{t.filename} re-serialised {opts}")
        if r.random() < 0.3:
            # DSSE payload re-serialised too (then re-signed: the payload is what is signed).
            dl = [lf for lf in self.links if lf.fmt == "dsse"]
            if dl:
                lf = r.choice(dl)
                lf.payload = json.dumps(shuffle_keys(lf.signed, rng), indent=2, ensure_ascii=False).encode()
                self.notes.append(f"{lf.filename} DSSE payload re-serialised (shuffled, indent 2, raw UTF-8) and re-signed")

    def mut_unknown_field_unsigned(self, r):
        lf = self.pick_link(r, [lf for lf in self.links if lf.fmt == "metablock"])
        field, val = r.choice([("x-note", "added after signing"), ("extra", {"a": 1}), ("signer", None)])
        lf.post = self._post_edit(lf, lambda s: s.__setitem__(field, val))
        self.notes.append(f"{lf.filename} (metablock): signed[{field!r}] = {val!r} after signing")

    def mut_dsse_payload_edit_unsigned(self, r):
        lf = self.pick_link(r, [lf for lf in self.links if lf.fmt == "dsse"])
        lf.post = self._post_edit(lf, lambda s: s.__setitem__("x-note", "added after signing"))
        self.notes.append(f"{lf.filename} (dsse): payload gains 'x-note' after signing")

    def mut_unknown_field_resign_metablock(self, r):
        self._unknown_field_resign(r, "metablock")

    def mut_unknown_field_resign_dsse(self, r):
        self._unknown_field_resign(r, "dsse")

    def _unknown_field_resign(self, r, fmt):
        """Extra field inside what is signed; the signature covers it (Metablock: canonical
        JSON of the dict as written, DSSE: the payload bytes)."""
        field, val = r.choice([("x-note", "signed extra"), ("extra", {"a": [1, 2]})])
        links = [lf for lf in self.links if lf.fmt == fmt]
        if self.layout_fmt == fmt and (not links or r.random() < 0.3):
            self.layout[field] = val
            self.layout_canonical = False
            self.notes.append(f"root.layout ({self.layout_fmt}): signed[{field!r}] = {val!r}, re-signed over it")
        else:
            lf = self.pick_link(r, links)
            lf.signed[field] = val
            lf.canonical = False
            self.notes.append(f"{lf.filename} ({lf.fmt}): signed[{field!r}] = {val!r}, re-signed over it")

    def mut_artifact_remove(self, r):
        lf = r.choice(self.links)
        pick = self.pick_artifact(lf)
        if not pick:
            self.notes.append("no artifact to remove")
            return
        side, name = pick
        for x in self.links_of(lf.step):  # all links of the step, so they still agree
            x.signed[side].pop(name, None)
        self.notes.append(f"step {lf.step}: removed {side}[{name!r}] from all its links (re-signed)")

    def mut_product_add(self, r):
        lf = r.choice(self.links)
        dirs = sorted({p.split("/")[0] for p in lf.signed["products"] if "/" in p}) or ["x"]
        name = r.choice([f"{r.choice(dirs)}/unexpected{r.randrange(100)}.bin", "evil.sh",
                         f"{r.choice(dirs)}/a/b/c/injected.py"])
        for x in self.links_of(lf.step):
            x.signed["products"][name] = {a: hashlib.new(a, b"evil").hexdigest() for a in self.hash_algs}
        self.notes.append(f"step {lf.step}: product {name!r} added to all its links (re-signed)")

    def mut_link_name_mismatch(self, r):
        lf = r.choice(self.links)
        new = r.choice([lf.step + "-old", "other", lf.step.upper()])
        for x in self.links_of(lf.step):
            x.signed["name"] = new
        self.notes.append(f"step {lf.step}: link name set to {new!r} in all its links (re-signed)")

    def mut_threshold1_disagree(self, r):
        st = self.step_dict(self.special_step)
        assert st["threshold"] == 1 and len(st["pubkeys"]) >= 2
        have = {lf.key.keyid for lf in self.links_of(st["name"])}
        base = self.links_of(st["name"])[0]
        other = next(k for k in self.pool if k.keyid in st["pubkeys"] and k.keyid not in have)
        signed = copy.deepcopy(base.signed)
        how = self._diverge(signed, r)
        nl = LinkFile(st["name"], other, signed, base.fmt if r.random() < 0.5 else r.choice(["metablock", "dsse"]))
        self.links.append(nl)
        order = [k[:8] for k in st["pubkeys"]]
        self.notes.append(f"step {st['name']} (threshold 1, pubkeys {order}): extra valid link "
                          f"{nl.filename} signed by {other.name} that differs: {how}")

    def _diverge(self, signed, r):
        side = "products" if signed["products"] or not signed["materials"] else "materials"
        if signed[side] and r.random() < 0.6:
            name = r.choice(sorted(signed[side]))
            alg = sorted(signed[side][name])[0]
            signed[side][name][alg] = hashlib.new(alg, b"other").hexdigest()
            return f"{side}[{name!r}] digest changed"
        signed["products"]["extra/also-built.o"] = {a: hashlib.new(a, b"x").hexdigest() for a in self.hash_algs}
        return "extra product 'extra/also-built.o'"

    def mut_threshold2_disagree(self, r):
        st = self.step_dict(self.special_step)
        ls = self.links_of(st["name"])
        lf = r.choice(ls)
        how = self._diverge(lf.signed, r)
        self.notes.append(f"step {st['name']} (threshold 2): {lf.filename} {how} (re-signed)")

    def mut_inspection_exit_nonzero(self, r):
        insp = r.choice(self.layout["inspect"])
        insp["run"] = r.choice([["sh", "-c", "exit 3"], ["sh", "-c", "exit 3"], ["false"],
                                ["no-such-command-xyz", "--flag"]])
        self.notes.append(f"inspection {insp['name']} runs {insp['run']} (layout re-signed)")

    def mut_artifact_name_backslash(self, r):
        pass  # done at generation time (NEEDS["artifact-name-backslash"])

    def mut_workdir_file_tamper(self, r):
        if self.workfiles and r.random() < 0.6:
            p = r.choice(sorted(self.workfiles))
            self.workfiles[p] = b"tampered\n"
            self.notes.append(f"work dir file {p!r} content changed")
        else:
            p = r.choice(["stray.txt", "src/stray.c", ".hidden"])
            self.workfiles[p] = b"stray\n"
            self.notes.append(f"work dir gains unexpected file {p!r}")

    # -- output -----------------------------------------------------------------------------

    def write(self, case_dir):
        work = os.path.join(case_dir, "work")
        keys_dir = os.path.join(case_dir, "keys")
        os.makedirs(os.path.join(work, "links"))
        os.makedirs(keys_dir)
        for k in self.pool:  # every pool key, so any file can be re-signed by hand
            with open(os.path.join(keys_dir, k.name + ".pem"), "wb") as f:
                f.write(k.priv_pem)
            with open(os.path.join(keys_dir, k.name + ".pub"), "wb") as f:
                f.write(k.pub_pem)
        self.pub_files = []
        for j, o in enumerate(self.owners):
            fn = "owner.pub" if j == 0 else f"owner{j + 1}.pub"
            with open(os.path.join(work, fn), "wb") as f:
                f.write(o.pub_pem)
            self.pub_files.append(fn)
        signers = getattr(self, "layout_signers", self.owners)
        if self.layout_fmt == "metablock":
            signed = canonical_layout(self.layout) if self.layout_canonical else self.layout
            env = sign_metablock(signed, signers)
        else:
            env = sign_dsse(self.layout_payload or dsse_payload(self.layout), signers)
        if self.layout_post:
            env = self.layout_post(env)
        with open(os.path.join(work, "root.layout"), "w", encoding="utf-8") as f:
            f.write(self.layout_dump(env))
        for lf in self.links:
            with open(os.path.join(work, "links", lf.filename), "w", encoding="utf-8") as f:
                f.write(lf.dump(lf.envelope()))
        for p, data in self.workfiles.items():
            full = os.path.join(work, p)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)
        info = {
            "case": self.idx, "seed": self.seed, "mutation": self.mutation, "notes": self.notes,
            "steps": [{"name": s["name"], "threshold": s["threshold"],
                       "pubkeys": [k[:8] for k in s["pubkeys"]]} for s in self.layout["steps"]],
            "inspections": [i["name"] for i in self.layout["inspect"]],
            "owners": [o.name for o in self.owners],
            "layout_signers": [k.name for k in signers],
            "functionaries": {k.keyid[:8]: k.name for k in self.functionaries},
            "formats": {"root.layout": self.layout_fmt,
                        **{lf.filename: lf.fmt for lf in self.links}},
            "hash_algs": self.hash_algs,
        }
        with open(os.path.join(case_dir, "case.json"), "w", encoding="utf-8") as f:
            json.dump(info, f, indent=1, ensure_ascii=False)
        return info


NEEDS = {
    "unknown-field-unsigned": {"metablock-link"},
    "unknown-field-resign-metablock": {"metablock-link"},
    "unknown-field-resign-dsse": {"dsse-link"},
    "dsse-payload-edit-unsigned": {"dsse-link"},
    "link-duplicate-other-functionary": {"two-pubkeys"},
    "threshold1-disagree": {"threshold1-multi"},
    "threshold2-disagree": {"threshold2"},
    "inspection-exit-nonzero": {"inspection"},
    "workdir-file-tamper": {"inspection"},
    "artifact-name-backslash": {"backslash-name", "no-inspection"},
}


def pick_mutation(idx, seed, only):
    rng = random.Random(f"mutation:{seed}:{idx}")
    names = [m for m in MUTATIONS if not only or m in only]
    return rng.choices(names, [MUTATIONS[m] for m in names])[0]


def build_case(idx, seed, pool, only, case_dir):
    mutation = pick_mutation(idx, seed, only)
    case = Case(idx, seed, pool, mutation)
    case.generate(NEEDS.get(mutation, set()))
    case.mutate()
    info = case.write(case_dir)
    return case, info


# --------------------------------------------------------------------------------------
# Running the verifiers.
# --------------------------------------------------------------------------------------

def run_in_copy(cmd, work, run_dir, timeout):
    shutil.copytree(work, run_dir, symlinks=True)
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=run_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = "timeout", exc.stdout or b"", exc.stderr or b""
    return {"rc": rc, "stdout": out.decode("utf-8", "replace"), "stderr": err.decode("utf-8", "replace"),
            "seconds": round(time.monotonic() - t0, 3), "cmd": cmd, "cwd": run_dir}


def ref_failure(res):
    """The reference's one-line error: `(in-toto-verify) <Exception>: <message>`."""
    lines = [l for l in (res["stderr"] + res["stdout"]).splitlines() if "(in-toto-verify)" in l]
    return lines[-1].strip() if lines else (res["stderr"].strip().splitlines() or [""])[-1]


def our_failure(res):
    try:
        rep = json.loads(res["stdout"])
    except (ValueError, TypeError):
        return None, None
    f = rep.get("failure") if isinstance(rep, dict) else None
    return f, (rep.get("verdict") if isinstance(rep, dict) else None)


def process_case(idx, opts, pool, root, now):
    case_dir = os.path.join(root, f"case-{idx:05d}")
    os.makedirs(case_dir)
    t0 = time.monotonic()
    try:
        case, info = build_case(idx, opts.seed, pool, opts.mutation, case_dir)
    except Exception as exc:  # a harness bug: report, don't hide
        import traceback
        return {"case": idx, "mutation": pick_mutation(idx, opts.seed, opts.mutation),
                "status": "harness-error", "error": traceback.format_exc(), "case_dir": case_dir}
    gen_s = time.monotonic() - t0
    work = os.path.join(case_dir, "work")
    args = ["-l", "root.layout", "--verification-keys", *case.pub_files, "--link-dir", "links"]
    ref_cmd = [os.path.join(REF_VENV, "bin", "in-toto-verify"), *args]
    res = {"case": idx, "mutation": case.mutation, "notes": info["notes"], "case_dir": case_dir,
           "gen_seconds": round(gen_s, 3)}
    res["ref"] = run_in_copy(ref_cmd, work, os.path.join(case_dir, "run-ref"), opts.timeout)
    res["ref"]["failure"] = ref_failure(res["ref"]) if res["ref"]["rc"] != 0 else None
    if opts.ref_only:
        res["status"] = "ref-only"
        if not opts.keep:
            shutil.rmtree(case_dir, ignore_errors=True)
        return res
    our_cmd = [opts.ours, *args, "--now", now]
    res["ours"] = run_in_copy(our_cmd, work, os.path.join(case_dir, "run-ours"), opts.timeout)
    res["ours_json"] = run_in_copy(our_cmd + ["--format", "json"], work,
                                   os.path.join(case_dir, "run-ours-json"), opts.timeout)
    res["our_failure"], res["our_verdict"] = our_failure(res["ours_json"])
    rr, orc = res["ref"]["rc"], res["ours"]["rc"]
    if rr == orc:
        res["status"] = "agree"
    elif (rr, orc) in EXPECTED_DIFFERENCES.get(case.mutation, ()):
        res["status"] = "expected"
    else:
        res["status"] = "unexpected"
    if res["ours_json"]["rc"] != orc:
        res.setdefault("warnings", []).append(
            f"--format json changed our exit code: {orc} vs {res['ours_json']['rc']}")
    if not opts.keep and res["status"] == "agree" and not res.get("warnings"):
        shutil.rmtree(case_dir, ignore_errors=True)  # nothing to look at; free the disk early
    return res


# --------------------------------------------------------------------------------------
# Reporting.
# --------------------------------------------------------------------------------------

def short(s, n=300):
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[:n] + "..."


def keep_details(res, out_dir, kind):
    """Copy the case (keys, work dir, verifier runs) under OUT/<kind>/ and write details."""
    dest = os.path.join(out_dir, kind, os.path.basename(res["case_dir"]))
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(res["case_dir"], dest, symlinks=True)
    details = {k: v for k, v in res.items() if k not in ("ref", "ours", "ours_json")}
    for k in ("ref", "ours", "ours_json"):
        if k in res:
            details[k] = dict(res[k], cwd=res[k]["cwd"].replace(res["case_dir"], dest))
    details["case_dir"] = dest
    with open(os.path.join(dest, "details.json"), "w", encoding="utf-8") as f:
        json.dump(details, f, indent=1, ensure_ascii=False)
    with open(os.path.join(dest, "repro.sh"), "w") as f:
        f.write("#!/bin/sh\n# Re-run both verifiers on fresh copies of work/.\nset -u\n"
                'D="$(cd "$(dirname "$0")" && pwd)"\n'
                'for who in ref ours; do rm -rf "$D/repro-$who"; cp -r "$D/work" "$D/repro-$who"; done\n'
                f'(cd "$D/repro-ref" && {shlex.join(res["ref"]["cmd"])}); echo "reference exit $?"\n'
                f'(cd "$D/repro-ours" && {shlex.join(res["ours_json"]["cmd"])}); echo "ours exit $?"\n')
    os.chmod(os.path.join(dest, "repro.sh"), 0o755)
    return dest


def summarise(results, opts, out_dir, elapsed):
    by_mut = {}
    for r in results:
        by_mut.setdefault(r["mutation"], []).append(r)
    lines = []
    hdr = f"{'mutation':34} {'cases':>5} {'agreed':>6} {'expected':>8} {'unexpected':>10}  {'ref 0/1/other':>13}"
    lines.append(hdr)
    lines.append("-" * len(hdr))
    tot = {"cases": 0, "agree": 0, "expected": 0, "unexpected": 0, "harness-error": 0}
    for m in list(MUTATIONS):
        rs = by_mut.get(m, [])
        if not rs:
            continue
        c = {s: sum(r["status"] == s for r in rs) for s in ("agree", "expected", "unexpected", "harness-error")}
        refc = [sum(r.get("ref", {}).get("rc") == v for r in rs) for v in (0, 1)]
        refc.append(len(rs) - sum(refc))
        tot["cases"] += len(rs)
        for s in c:
            tot[s] += c[s]
        lines.append(f"{m:34} {len(rs):5} {c['agree']:6} {c['expected']:8} "
                     f"{c['unexpected'] + c['harness-error']:10}  {'/'.join(map(str, refc)):>13}")
    lines.append("-" * len(hdr))
    lines.append(f"{'total':34} {tot['cases']:5} {tot['agree']:6} {tot['expected']:8} "
                 f"{tot['unexpected'] + tot['harness-error']:10}")
    return lines, tot


def main():
    ap = argparse.ArgumentParser(
        description="Differential test of intoto-verify against the reference in-toto-verify 3.1.0.",
        epilog="See tests/differential/README.md.")
    ap.add_argument("--cases", type=int, default=40, help="number of random cases (default 40)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--ref-venv", help="reference venv (default: $REF_VENV, else scripts/setup-reference.sh)")
    ap.add_argument("--ours", default=os.environ.get("OURS_BIN", os.path.join(REPO, "target", "release", "intoto-verify")),
                    help="our binary (default: $OURS_BIN, else <repo>/target/release/intoto-verify)")
    ap.add_argument("--keep", metavar="DIR", help="generate the cases in DIR and keep them")
    ap.add_argument("--out", metavar="DIR", default=os.path.join(REPO, "target", "differential"),
                    help="where disagreement details go (default <repo>/target/differential)")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 2, help="parallel cases")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per verifier run")
    ap.add_argument("--mutation", action="append", choices=list(MUTATIONS),
                    help="only these mutations (repeatable)")
    ap.add_argument("--only-case", type=int, action="append", metavar="I",
                    help="run only case number I of this seed (repeatable)")
    ap.add_argument("--ref-only", action="store_true",
                    help="run only the reference (checks the generator; no comparison)")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    opts = ap.parse_args()
    global REF_VENV
    if opts.ref_venv:
        REF_VENV = os.path.abspath(opts.ref_venv)
        if os.path.isfile(REF_VENV):
            REF_VENV = os.path.dirname(os.path.dirname(REF_VENV))
    if in_toto.__version__ != "3.1.0":
        print(f"differential: warning: reference is in-toto {in_toto.__version__}, not 3.1.0", file=sys.stderr)
    if not opts.ref_only:
        opts.ours = os.path.abspath(opts.ours)
        if not os.access(opts.ours, os.X_OK):
            sys.exit(f"differential: our binary {opts.ours} not found; build it with "
                     "`cargo build --release -p intoto-verify-cli` or pass --ours")

    t_start = time.monotonic()
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if opts.keep:
        root = os.path.abspath(opts.keep)
        os.makedirs(root, exist_ok=True)
        stale = [d for d in os.listdir(root) if d.startswith("case-")]
        if stale:
            sys.exit(f"differential: {root} already holds case-* directories; use an empty --keep DIR")
    else:
        root = tempfile.mkdtemp(prefix="intoto-differential-")
    out_dir = os.path.abspath(opts.out)
    for sub in ("unexpected", "expected"):
        shutil.rmtree(os.path.join(out_dir, sub), ignore_errors=True)
    os.makedirs(out_dir, exist_ok=True)

    t_pool = time.monotonic()
    pool = key_pool(opts.seed)
    pool_s = time.monotonic() - t_pool
    indices = opts.only_case or list(range(opts.cases))
    print(f"differential: {len(indices)} cases, seed {opts.seed}, {opts.jobs} jobs; reference "
          f"{REF_VENV}; ours {'(skipped)' if opts.ref_only else opts.ours}; --now {now}; "
          f"cases in {root}", flush=True)

    results, lock = [], threading.Lock()

    def one(i):
        r = process_case(i, opts, pool, root, now)
        with lock:
            results.append(r)
            if opts.verbose or r["status"] in ("unexpected", "harness-error"):
                ref = r.get("ref", {}).get("rc")
                ours = r.get("ours", {}).get("rc")
                code = (r.get("our_failure") or {}).get("code")
                print(f"  case {i:5} {r['mutation']:32} ref={ref} ours={ours} {r['status']:10}"
                      f" {code or ''}", flush=True)
        return r

    try:
        with ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
            list(ex.map(one, indices))
        results.sort(key=lambda r: r["case"])
        elapsed = time.monotonic() - t_start

        if opts.ref_only:
            print(f"\n{'mutation':34} {'cases':>5} {'ref pass':>8} {'ref fail':>8} {'other':>6}")
            for m in MUTATIONS:
                rs = [r for r in results if r["mutation"] == m]
                if rs:
                    p = sum(r.get("ref", {}).get("rc") == 0 for r in rs)
                    f = sum(r.get("ref", {}).get("rc") == 1 for r in rs)
                    print(f"{m:34} {len(rs):5} {p:8} {f:8} {len(rs) - p - f:6}")
            errs = [r for r in results if r["status"] == "harness-error"]
            for r in errs:
                print(f"harness error in case {r['case']}:\n{r['error']}")
            odd = [r for r in results if r["mutation"] == "none" and r.get("ref", {}).get("rc") != 0]
            print(f"\nunmutated cases the reference rejects: {len(odd)} (noise rules, odd names)")
            for r in odd:
                print(f"  case {r['case']}: {short(r['ref']['failure'], 200)}")
            print(f"{elapsed:.1f}s")
            return 1 if errs else 0

        lines, tot = summarise(results, opts, out_dir, elapsed)
        unexpected = [r for r in results if r["status"] in ("unexpected", "harness-error")]
        expected = [r for r in results if r["status"] == "expected"]
        detail = []
        for kind, rs in (("unexpected", unexpected), ("expected", expected)):
            if not rs:
                continue
            detail.append(f"\n{kind} disagreements ({len(rs)}):")
            for r in rs:
                if r["status"] == "harness-error":
                    detail.append(f"- case {r['case']} [{r['mutation']}]: HARNESS ERROR\n{r['error']}")
                    continue
                dest = keep_details(r, out_dir, kind)
                f = r.get("our_failure") or {}
                detail.append(
                    f"- case {r['case']} [{r['mutation']}] reference exit {r['ref']['rc']}, ours exit {r['ours']['rc']}\n"
                    f"    mutation: {'; '.join(r['notes']) or '(none)'}\n"
                    f"    reference: {short(r['ref']['failure'] or 'verified', 400)}\n"
                    f"    ours: {(f.get('code') + ': ' + short(f.get('message', ''), 400)) if f.get('code') else 'verified (verdict ' + str(r.get('our_verdict')) + ')'}\n"
                    f"    details: {dest}")
        warned = [r for r in results if r.get("warnings")]
        if warned:
            detail.append(f"\nwarnings ({len(warned)}):")
            detail += [f"- case {r['case']} [{r['mutation']}]: {'; '.join(r['warnings'])}" for r in warned]
        timing = (f"\ntime: {time.monotonic() - t_start:.1f}s total (key pool {pool_s:.1f}s, "
                  f"cases {elapsed - pool_s:.1f}s); reference runs "
                  f"{sum(r.get('ref', {}).get('seconds', 0) for r in results):.1f}s, our runs "
                  f"{sum(r.get('ours', {}).get('seconds', 0) + r.get('ours_json', {}).get('seconds', 0) for r in results):.1f}s "
                  f"(cpu-summed)")
        passed = tot["agree"] + tot["expected"]
        failed = tot["unexpected"] + tot["harness-error"]
        text = "\n".join([""] + lines + detail + [timing])
        print(text)
        with open(os.path.join(out_dir, "summary.txt"), "w", encoding="utf-8") as f:
            f.write(text + f"\n{passed} passed, {failed} failed\n")
        with open(os.path.join(out_dir, "results.jsonl"), "w", encoding="utf-8") as f:
            for r in results:
                slim = {k: r.get(k) for k in ("case", "mutation", "status", "notes", "our_failure")}
                slim["ref_rc"] = r.get("ref", {}).get("rc")
                slim["ours_rc"] = r.get("ours", {}).get("rc")
                slim["ref_failure"] = r.get("ref", {}).get("failure")
                f.write(json.dumps(slim, ensure_ascii=False) + "\n")
        print(f"details: {out_dir}")
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0
    finally:
        if not opts.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
