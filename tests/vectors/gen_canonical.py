#!/usr/bin/env python3
"""Generate tests/vectors/canonical_json.json: golden vectors for
securesystemslib.formats.encode_canonical (securesystemslib 1.6.0, as pulled
in by in-toto 3.1.0), which is what Metablock signatures are computed over:

    signable_bytes = encode_canonical(attr.asdict(signed)).encode("UTF-8")

Run with the reference venv (scripts/setup-reference.sh):

    "$VENV/bin/python" tests/vectors/gen_canonical.py           # writes the json
    "$VENV/bin/python" tests/vectors/gen_canonical.py --check   # exit 1 if it differs

Each case feeds ``input`` (JSON text) through ``json.loads`` (as
``Metadata.load`` does with ``json.load``) and then ``encode_canonical``:

  {"input": <JSON text>, "canonical": <str>, "canonical_utf8_hex": <hex of the
   UTF-8 bytes>, "note": ...}
  {"input": <JSON text>, "error": true, "stage": "parse" | "encode", "reason": ...}

stage "parse": Python's json module rejects the text (e.g. an integer literal
longer than 4300 digits, CPython's int/str conversion limit). stage "encode":
encode_canonical raises FormatError (floats: Python's json parses every number
with a fraction or an exponent, and NaN/Infinity, as float).

encode_canonical rules (securesystemslib/formats.py):
  * str: '"' + s.replace('\\\\', '\\\\\\\\').replace('"', '\\\\"') + '"' -- only
    backslash and double quote are escaped; control characters (U+0000..U+001F,
    U+007F), non-ASCII and astral characters are emitted raw (as UTF-8 once
    encoded).
  * True -> true, False -> false, None -> null (bool is checked before int).
  * int -> str(int): arbitrary size, no exponent; "-0" parses as int 0 -> "0".
  * list/tuple -> "[" + ",".join(items) + "]".
  * dict -> "{" + ",".join(key:value) + "}" with items sorted by
    sorted(dict.items()), i.e. by Python str comparison of the keys = code point
    order (NOT UTF-16 code unit order: U+FFFF sorts before U+10000).
  * anything else (float) -> FormatError("I cannot encode ...").
  * no whitespace anywhere.
"""

import argparse
import json
import sys
from pathlib import Path

from securesystemslib.exceptions import FormatError
from securesystemslib.formats import encode_canonical

OUT = Path(__file__).resolve().parent / "canonical_json.json"


def j(obj):
    """JSON text for a Python object (ASCII-escaped, like a typical producer)."""
    return json.dumps(obj)


def raw(text):
    return text


CASES = [
    # (JSON text, note)
    # --- scalars
    ('"abc"', "plain string"),
    ('""', "empty string"),
    ("true", "true"),
    ("false", "false"),
    ("null", "null"),
    ("0", "zero"),
    ("-0", "negative zero integer literal parses as int 0"),
    ("1", "small int"),
    ("-1", "negative int"),
    ("123456789", "int"),
    ("18446744073709551616", "2**64"),
    ("18446744073709551615", "2**64-1 (u64 max)"),
    ("9223372036854775808", "2**63 (i64 max + 1)"),
    ("-9223372036854775809", "-(2**63)-1 (i64 min - 1)"),
    ("-1180591620717411303424", "-(2**70)"),
    (str(2**200), "2**200"),
    ("1" * 4300, "4300-digit integer (CPython's limit, still accepted)"),
    ("  [ 1 , 2 ]  ", "insignificant whitespace is dropped"),
    # --- containers
    ("[]", "empty list"),
    ("{}", "empty object"),
    ("[[]]", "nested empty list"),
    ('[{}, [], "", 0]', "mixed empties"),
    ('[1, "a", true, false, null]', "list keeps order"),
    ('{"b": 1, "a": 2}', "keys sorted"),
    ('{"a": {"d": [3, {"f": 1, "e": 2}], "c": null}, "b": []}', "nested objects sorted recursively"),
    ('{"b": 1, "a": 2, "a": 3}', "duplicate key: json.loads keeps the last value"),
    ('{"a": 1, "A": 2, "_": 3, "0": 4, "aa": 5, "": 6}', "ASCII ordering, empty key first"),
    ('{"10": 1, "9": 2, "1": 3}', "numeric-looking keys sorted as strings"),
    ('{"a\\u0000": 1, "a": 2, "a\\u0001": 3}', "prefix sorts first; NUL in key raw"),
    # --- string escaping: only \ and "
    (j('say "hi"'), "quote escaped"),
    (j("back\\slash"), "backslash escaped"),
    (j("\\n"), "backslash + n (two characters) -> backslash doubled, n kept"),
    (j("\\u0041"), "backslash + u0041 literal text stays text"),
    (j("\\"), "single backslash"),
    (j('\\"'), "backslash then quote"),
    (j("/"), "slash not escaped"),
    ('"\\/"', "escaped slash in input becomes plain /"),
    ('"\\u0041"', "\\u escape in input decodes to A"),
    (j("line1\nline2"), "newline emitted raw"),
    (j("tab\there"), "tab emitted raw"),
    (j("cr\rlf\n"), "CR emitted raw"),
    (j("\b\f"), "backspace and form feed raw"),
    (j("".join(chr(c) for c in range(0x20))), "all C0 controls U+0000..U+001F raw"),
    (j("\x7f"), "DEL raw"),
    (j("\x00"), "NUL raw"),
    (j("\u0080\u009f"), "C1 controls raw"),
    (j("\u2028\u2029"), "line/paragraph separators raw"),
    (j("caf\u00e9"), "non-ASCII raw (UTF-8 2 bytes)"),
    (j("cafe\u0301"), "combining character kept as is (no normalisation)"),
    (j("\u65e5\u672c\u8a9e"), "CJK (UTF-8 3 bytes)"),
    (j("\U0001F600"), "astral character (UTF-8 4 bytes; JSON input uses a surrogate pair)"),
    (raw('"\U0001F600 raw"'), "astral character given raw in the input"),
    (j("\ufeff"), "BOM character inside a string"),
    (j("\uffff"), "U+FFFF noncharacter"),
    (j("\U0010FFFF"), "max code point"),
    (j("<script>&'"), "HTML-sensitive characters not escaped"),
    # --- key sorting with non-ASCII / astral keys (code point order)
    (j({"\u00e9": 1, "z": 2, "e": 3}), "e < z < \u00e9"),
    (j({"\uffff": 1, "\U0001F600": 2}), "code point order: U+FFFF before U+1F600 (UTF-16 order would differ)"),
    (j({"\ue000": 1, "\U00010000": 2, "\ud7ff": 3}), "U+D7FF < U+E000 < U+10000 (UTF-16 order: U+D7FF < U+10000 < U+E000)"),
    (j({"\U0001F600": 1, "\U0001F601": 2, "\U00010000": 3}), "astral keys among themselves"),
    (j({"B": 1, "a": 2, "\u00c0": 3, "\u00e0": 4}), "uppercase before lowercase, Latin-1 after ASCII"),
    (j({"e\u0301": 1, "\u00e9": 2}), "NFD and NFC keys are different keys"),
    (j({"\u65e5": 1, "\uac00": 2, "\u3042": 3}), "CJK / Hangul / Hiragana keys"),
    (j({"a\"b": 1, "a\\b": 2, "a b": 3}), "keys with quote/backslash are escaped, sorted by raw value"),
    (j({"\n": 1, "\t": 2, " ": 3}), "control-character keys raw, sorted by code point"),
    # --- a realistic in-toto link body
    (j({
        "_type": "link", "name": "package", "command": ["tar", "-czvf", "x.tar.gz", "x"],
        "materials": {"x/foo.py": {"sha256": "ab" * 32}},
        "products": {"x.tar.gz": {"sha256": "cd" * 32}, "x/foo.py": {"sha256": "ab" * 32}},
        "byproducts": {"return-value": 0, "stderr": "", "stdout": "x/\nx/foo.py\n"},
        "environment": {},
    }), "link-shaped object"),
    (j({"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "ab" * 32}}),
     "keyid preimage shape (ed25519)"),
    (j({"keytype": "rsa", "scheme": "rsassa-pss-sha256",
        "keyval": {"public": "-----BEGIN PUBLIC KEY-----\nMIIB...\n-----END PUBLIC KEY-----\n"}}),
     "keyid preimage shape (PEM with raw newlines)"),
    # --- deep nesting
    ("[" * 100 + "]" * 100, "100 nested lists"),
    ('{"a":' * 50 + "1" + "}" * 50, "50 nested objects"),
    # --- rejected by encode_canonical (floats)
    ("1.0", "float"),
    ("0.5", "float"),
    ("-0.0", "negative zero float"),
    ("1e5", "exponent -> float in Python"),
    ("1E5", "exponent -> float"),
    ("1e-5", "exponent -> float"),
    ("0e0", "exponent -> float"),
    ("1.5e300", "float"),
    ("1e400", "overflows to inf float"),
    ("NaN", "Python json extension: NaN -> float"),
    ("Infinity", "Python json extension: Infinity -> float"),
    ("-Infinity", "Python json extension: -Infinity -> float"),
    ('{"a": [1, {"b": 2.5}]}', "float nested in object"),
    ('{"threshold": 1.0}', "float where in-toto expects an int"),
    # --- rejected by Python's json parser
    ("1" * 4301, "4301-digit integer: exceeds CPython's int max str digits (4300)"),
]


def run_case(text, note):
    case = {"input": text}
    try:
        obj = json.loads(text)
    except ValueError as e:
        case.update(error=True, stage="parse", reason=f"{type(e).__name__}: {e}", note=note)
        return case
    try:
        out = encode_canonical(obj)
    except FormatError as e:
        msg = str(e)
        if len(msg) > 120:
            msg = msg[:117] + "..."
        case.update(error=True, stage="encode", reason=f"FormatError: {msg}", note=note)
        return case
    case.update(canonical=out, canonical_utf8_hex=out.encode("utf-8").hex(), note=note)
    return case


def render(cases):
    import securesystemslib
    head = {
        "generated_by": "tests/vectors/gen_canonical.py: json.loads(input) then "
                        "securesystemslib.formats.encode_canonical",
        "securesystemslib": securesystemslib.__version__,
        "python": sys.version.split()[0],
        "count": len(cases),
    }
    lines = ["{"]
    for k, v in head.items():
        lines.append(f" {json.dumps(k)}: {json.dumps(v)},")
    lines.append(' "cases": [')
    lines.append(",\n".join("  " + json.dumps(c, ensure_ascii=True) for c in cases))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("-o", "--output", default=str(OUT))
    a = ap.parse_args()
    cases = [run_case(t, n) for t, n in CASES]
    text = render(cases)
    json.loads(text)
    if a.check:
        same = Path(a.output).read_text() == text
        print("canonical_json.json is up to date" if same else "canonical_json.json differs",
              file=sys.stderr)
        sys.exit(0 if same else 1)
    Path(a.output).write_text(text)
    print(f"wrote {a.output}: {len(cases)} cases "
          f"({sum(1 for c in cases if c.get('error'))} errors)", file=sys.stderr)


if __name__ == "__main__":
    main()
