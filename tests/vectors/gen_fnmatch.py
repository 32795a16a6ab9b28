#!/usr/bin/env python3
"""Generate tests/vectors/fnmatch.json: golden artifact-pattern matching table.

in-toto 3.1.0 matches artifact rule patterns with ``fnmatch.filter(queue,
pattern)`` (in_toto/verifylib.py). On POSIX ``fnmatch.filter`` skips
``os.path.normcase`` and is exactly ``fnmatch.fnmatchcase``: case-sensitive,
``*`` and ``?`` also match ``/`` and newlines, no special treatment of leading
dots, ``[!...]`` negates, ``^`` is literal, backslash is a literal character
(no escaping), an unclosed ``[`` is literal, empty ranges like ``[z-a]`` never
match. Results are those of the CPython running this script (we pin 3.11, the
version the reference venv uses); every case is cross-checked against
``fnmatch.filter``.

    python3.11 tests/vectors/gen_fnmatch.py            # writes fnmatch.json next to it
    python3.11 tests/vectors/gen_fnmatch.py --check    # exit 1 if the file differs

Output: {"generated_by", "python", "semantics", "cases": [{"name", "pattern",
"match", "group"}]}. JSON strings are ASCII-escaped (\\uXXXX, astral characters
as surrogate pairs); decoded, every name/pattern is a sequence of Unicode code
points and matching is per code point (``?`` matches one code point).
"""

import argparse
import fnmatch
import json
import platform
import sys
import warnings
from pathlib import Path

OUT = Path(__file__).resolve().parent / "fnmatch.json"

E_NFC = "\u00e9"  # é (one code point)
E_NFD = "e\u0301"  # e + COMBINING ACUTE ACCENT (two code points)
GRIN = "\U0001F600"  # astral (UTF-16 surrogate pair)
GRIN2 = "\U0001F601"
GRIN3 = "\U0001F602"
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # ZWJ sequence, 5 code points


def cases():
    """Yield (group, name, pattern)."""

    def g(group, pairs):
        for name, pattern in pairs:
            yield group, name, pattern

    # --- literals and emptiness ------------------------------------------
    yield from g("literal", [
        ("foo", "foo"), ("foo", "Foo"), ("Foo", "foo"), ("foo", "fo"), ("fo", "foo"),
        ("foo", "foo "), ("foo ", "foo"), ("a b", "a b"), ("foo.tar.gz", "foo.tar.gz"),
        ("FOO.PY", "*.py"), ("foo.py", "*.PY"),
    ])
    yield from g("empty", [
        ("", ""), ("a", ""), ("", "*"), ("", "**"), ("", "?"), ("", "a"),
        ("", "[a]"), ("", "[!a]"), ("", "[]"), ("", "*?"), (" ", ""), ("/", ""),
    ])

    # --- star -------------------------------------------------------------
    yield from g("star", [
        ("a", "*"), ("sub/foo", "*"), ("/abs/path", "*"), ("dir/", "*"),
        ("sub/foo.py", "*.py"), ("foo.py", "*.py"), (".py", "*.py"),
        ("foo.pyc", "*.py"), ("foo.py/x", "*.py"), ("a/b/c/d.py", "*.py"),
        ("src/a/b/c", "src/*"), ("src/", "src/*"), ("src", "src/*"),
        ("srcx/a", "src/*"), ("src/a", "src*"), ("foo", "*/foo"), ("/foo", "*/foo"),
        ("a/b/foo", "*/foo"), ("a", "a*"), ("ab", "a*"), ("ba", "a*"), ("a", "*a"),
        ("ba", "*a"), ("ab", "*a"), ("abc", "a*c"), ("ac", "a*c"), ("a/c", "a*c"),
        ("a/b/c", "a*c"), ("abcd", "a*c"), ("demo-project/foo.py", "demo-project/*"),
        ("demo-project.tar.gz", "demo-project/*"), ("x", "*x*"), ("axb", "*x*"),
        ("ab", "*x*"),
    ])
    yield from g("multi-star", [
        ("abc", "a*b*c"), ("aXbYc", "a*b*c"), ("acb", "a*b*c"), ("abcabc", "*a*b*c*"),
        ("a", "***"), ("", "***"), ("abc", "*a*"), ("bcd", "*a*"),
        ("mississippi", "m*iss*ppi"), ("mississippi", "m*ss*ss*i"),
        ("mississippi", "*ss*ss*ss*"), ("aaa", "a*a*a"), ("aa", "a*a*a"),
        ("abab", "*ab"), ("abab", "ab*ab"), ("ab", "ab*ab"),
    ])
    yield from g("double-star", [
        ("a/b", "**"), ("foo", "**/foo"), ("/foo", "**/foo"), ("a/b/foo", "**/foo"),
        ("xfoo", "**/foo"), ("a/b", "a/**/b"), ("a//b", "a/**/b"), ("a/x/b", "a/**/b"),
        ("a/x/y/b", "a/**/b"), ("foo.py", "**.py"), ("a/b.py", "**.py"),
        ("a/b/c", "a/**"), ("a", "a/**"), ("a/", "a/**"),
    ])

    # --- question mark ----------------------------------------------------
    yield from g("question", [
        ("a", "?"), ("/", "?"), ("\n", "?"), ("ab", "?"), (".", "?"),
        ("a/b", "a?b"), ("a\nb", "a?b"), ("ab", "a?b"), ("a\\b", "a?b"),
        ("abc", "???"), ("ab", "???"), ("abcd", "???"), ("foo.c", "foo.?"),
        ("foo.cc", "foo.?"), ("a\x00b", "a?b"),
    ])

    # --- dotfiles ---------------------------------------------------------
    yield from g("dotfiles", [
        (".hidden", "*"), (".hidden", "?hidden"), (".hidden", ".*"), (".", ".*"),
        ("..", ".*"), (".", "*"), ("..", "*"), ("a/.b", "a/*"), ("a/.b", "*/.b"),
        (".x", "[.]x"), (".x", "[!a]x"), (".git/config", "*"), (".git/config", ".git/*"),
        ("a/.hidden/b", "a/*/b"),
    ])

    # --- newlines (re.DOTALL; \\Z anchor, so a trailing newline is not ignored)
    yield from g("newline", [
        ("a\nb", "a*b"), ("\n", "*"), ("foo\n", "foo"), ("foo", "foo\n"),
        ("foo\n", "foo*"), ("foo\n", "foo?"), ("foo\n", "foo\n"), ("\n", "[\n]"),
        ("\n", "[!a]"), ("a\n", "*\n"), ("\nfoo", "*foo"), ("a\r\nb", "a??b"),
        ("line1\nline2\n", "line1*"),
    ])

    # --- brackets -------------------------------------------------------
    yield from g("bracket-basic", [
        ("a", "[abc]"), ("b", "[abc]"), ("c", "[abc]"), ("d", "[abc]"), ("ab", "[abc]"),
        ("a", "[a-c]"), ("b", "[a-c]"), ("c", "[a-c]"), ("d", "[a-c]"), ("-", "[a-c]"),
        ("B", "[a-c]"), ("5", "[0-9]"), ("x", "[0-9]"), ("file5.txt", "file[0-9].txt"),
        ("file55.txt", "file[0-9].txt"), ("a", "[a]"), ("a", "[aa]"),
        ("a/b", "a[/]b"), ("a/b", "a[!/]b"), ("a-b", "a[!/]b"),
    ])

    # Cross product: tricky classes x single characters (and a few others).
    bracket_patterns = [
        "[!a]", "[^a]", "[!^a]", "[^!a]", "[!!]", "[a-c]", "[z-a]", "[!z-a]", "[-a]",
        "[a-]", "[!-a]", "[]]", "[!]]", "[]a]", "[]-a]", "[--0]", "[a-c-e]",
        "[z-ab]", "[\\]", "[\\-a]", "[[]", "[!]", "[]", "[a&&b]", "[a||b]", "[~~]",
        "[.]", "[*]", "[?]", "[!*]",
    ]
    bracket_names = [
        "a", "b", "d", "z", "-", "]", "[", "^", "!", "\\", "/", "&", "|", "~", ".",
        "*", "?", "_", "0", "\n", "", "ab", "[!]", "[]", E_NFC, GRIN,
    ]
    for p in bracket_patterns:
        for n in bracket_names:
            yield "bracket-table", n, p

    yield from g("bracket-nested", [
        ("a]", "[[a]]"), ("[]", "[[a]]"), ("a", "[[a]]"), ("[", "[[a]]"),
        ("a]", "[[:alpha:]]"), ("a", "[[:alpha:]]"), (":]", "[[:alpha:]]"),
        ("1]", "[[:alpha:]]"), ("a", "[[:alpha:]"), ("[", "[[:alpha:]"),
        ("=]", "[[=a=]]"), ("a", "[[.a.]]"), ("a]", "[a[b]]"), ("[]", "[a[b]]"),
        ("ab]", "[a\\]b]"), ("\\b]", "[a\\]b]"), ("ab", "[a\\]b]"),
        ("x", "[!]x]"), ("]", "[!]x]"), ("y", "[!]x]"), ("]a", "[]]a"),
    ])
    yield from g("bracket-unclosed", [
        ("a[b", "a[b"), ("ab", "a[b"), ("[", "["), ("[abc", "[abc"), ("a", "[abc"),
        ("[!", "[!"), ("x", "[!"), ("a[", "*["), ("foo[bar", "foo[*"),
        ("foo[", "foo[*"), ("[]", "[]"), ("[!]", "[!]"), ("[]x", "[]x"),
        ("[a-", "[a-"), ("a", "[a-"), ("a[b]", "a[b]"), ("ab", "a[b]"),
        ("a[b]", "a[[]b]"), ("][", "][")
    ])
    yield from g("bracket-unicode", [
        (E_NFC, f"[{E_NFC}]"), (E_NFD, f"[{E_NFC}]"), ("e", f"[{E_NFC}]"),
        (E_NFC, "[\u00e0-\u00ff]"), ("z", "[\u00e0-\u00ff]"), (GRIN, f"[{GRIN}]"),
        (GRIN2, f"[{GRIN}-{GRIN3}]"), (GRIN, f"[!{GRIN}]"), ("a", f"[!{GRIN}]"),
        ("\uffff", f"[\uffff-{GRIN}]"), ("\U00010000", f"[\uffff-{GRIN}]"),
        (E_NFD, "[e]\u0301"), (E_NFD, "?\u0301"),
    ])

    # --- backslash is literal --------------------------------------------
    yield from g("backslash", [
        ("foo*", "foo\\*"), ("foo\\x", "foo\\*"), ("foo\\", "foo\\*"), ("foo\\*", "foo\\*"),
        ("?", "\\?"), ("\\a", "\\?"), ("\\", "\\"), ("a\\b", "a\\b"), ("ab", "a\\b"),
        ("\\a", "\\[a]"), ("[a]", "\\[a]"), ("a", "\\a"), ("\\a", "\\a"),
        ("\\n", "\\n"), ("\n", "\\n"), ("a\\\\b", "a\\\\b"), ("a\\b", "a\\\\b"),
        ("dir\\file", "dir/file"), ("dir/file", "dir\\file"), ("\\", "[\\]"),
        ("\\d", "\\d"), ("1", "\\d"),
    ])

    # --- regex metacharacters are literal ----------------------------------
    yield from g("regex-meta", [
        ("a.b", "a.b"), ("axb", "a.b"), ("a+", "a+"), ("aa", "a+"), ("(a|b)", "(a|b)"),
        ("a", "(a|b)"), ("a|b", "a|b"), ("a", "a|b"), ("a{2}", "a{2}"), ("aa", "a{2}"),
        ("a{1,2}", "a{1,2}"), ("^a$", "^a$"), ("a", "^a$"), ("x$", "*$"), ("$", "$"),
        ("^", "^"), ("(?i)a", "(?i)a"), ("A", "(?i)a"), ("a", "(?i)a"),
        ("#x", "#*"), ("a)b", "a)b"), ("a(b", "a(b"), ("a}b", "a}b"), ("a{b", "a{b"),
        ("x.tar.gz", "*.tar.gz"), ("xytarzgz", "*.tar.gz"), ("a%b", "a%b"),
        ("a&b", "a&b"), ("a~b", "a~b"), ("a-b", "a-b"), ("a'b\"", "a'b\""),
        ("a b", "a?b"), ("a\tb", "a?b"), ("\\Z", "\\Z"), ("(?s:.*)", "(?s:.*)"),
    ])

    # --- unicode names -----------------------------------------------------
    yield from g("unicode", [
        ("caf" + E_NFC, "caf" + E_NFC), ("caf" + E_NFD, "caf" + E_NFC),
        ("caf" + E_NFC, "caf" + E_NFD), ("caf" + E_NFC, "caf?"), ("caf" + E_NFD, "caf?"),
        ("caf" + E_NFD, "caf??"), ("caf" + E_NFD, "caf*"), (GRIN, "?"), (GRIN, "??"),
        (GRIN, "*"), (GRIN + ".txt", "?.txt"), (GRIN + ".txt", "??.txt"),
        (FAMILY, "?"), (FAMILY, "?????"), (FAMILY, "*"), ("\u00df", "ss"),
        ("ss", "\u00df"), ("\u212a", "k"), ("\u212a", "K"), ("\u00c5", "\u212b"),
        ("\u0130", "i"), ("\u00e9", "\u00c9"), ("\uff41", "a"),
        ("\u05d0\u05d1.txt", "*.txt"), ("\u65e5\u672c/\u6587\u66f8.md", "\u65e5\u672c/*"),
        ("\u65e5\u672c/\u6587\u66f8.md", "??/??.md"), ("\u0000", "?"), ("\u0000", "*"),
        ("a\u0000b", "a\u0000b"), ("\ufeffa", "a"), ("\ufeffa", "?a"),
        ("\u200b", "?"), ("\U0010FFFF", "?"), ("\U0010FFFF", "[\U0010FFFF]"),
    ])

    # --- paths are not normalised --------------------------------------------
    yield from g("paths", [
        ("./foo", "foo"), ("foo", "./foo"), ("./foo", "./*"), ("a/../b", "b"),
        ("a/../b", "*/../*"), ("a//b", "a/b"), ("a//b", "a/*b"), ("/", "/"),
        ("/etc/passwd", "/etc/*"), ("dir/", "dir"), ("dir", "dir/"), ("dir/", "dir/*"),
        ("dir/sub/", "dir/*"), ("C:\\x", "C:*"), ("file:foo", "file:*"),
        ("dir:foo", "dir:*"),
    ])

    # --- long inputs ----------------------------------------------------------
    deep = "/".join(f"d{i}" for i in range(60)) + "/x.c"
    yield from g("long", [
        ("a" * 1000, "a*"), ("a" * 1000, "*a"), ("a" * 999 + "b", "*b"),
        ("a" * 999 + "b", "*c"), ("a" * 1000, "a" * 1000), ("a" * 1000, "a" * 999),
        ("a" * 1000, "a" * 999 + "?"), ("x" * 100, "?" * 100), ("x" * 101, "?" * 100),
        ("x" * 99, "?" * 100), (deep, "*/x.c"), (deep, "d0/*/d59/x.c"),
        (deep, "d0/*/d60/x.c"), ("p/" * 500 + "f", "p/*f"),
        (E_NFC * 300, E_NFC + "*"), (GRIN * 200, "?" * 200), (GRIN * 200, "?" * 400),
    ])

    # --- pattern explosion shapes (backtracking-heavy for naive matchers) -----
    yield from g("explosion", [
        ("a" * 23, "a*a*a*a*a*b"), ("a" * 23 + "b", "a*a*a*a*a*b"),
        ("a" * 50, "a*" * 20 + "b"), ("a" * 50 + "b", "a*" * 20 + "b"),
        ("a" * 7, "*a" * 8 + "*"), ("a" * 8, "*a" * 8 + "*"),
        ("y" * 30, "*?" * 10 + "x"), ("y" * 30 + "x", "*?" * 10 + "x"),
        ("a" * 100, "*" * 50 + "b"), ("a" * 60, "*a*a*a*a*a*a*a*a*a*a*a*a*ab"),
        ("ab" * 40, "*ab*ab*ab*ab*ab*ab*ab*ab*ab*abc"),
        ("a/" * 40, "*/*/*/*/*/*/*/*/*/*/*/*/b"), ("a" * 30, "[a]*[a]*[a]*[a]*[b]"),
    ])


def build():
    out, seen = [], set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # re's "Possible nested set" FutureWarning
        for group, name, pattern in cases():
            if (name, pattern) in seen:
                continue
            seen.add((name, pattern))
            m = fnmatch.fnmatchcase(name, pattern)
            # in-toto calls fnmatch.filter(queue, pattern); must be the same on POSIX
            assert (fnmatch.filter([name], pattern) == [name]) == m, (name, pattern)
            out.append({"name": name, "pattern": pattern, "match": m, "group": group})
    return out


def render(cases_):
    head = {
        "generated_by": "tests/vectors/gen_fnmatch.py: Python fnmatch.fnmatchcase "
                        "(== fnmatch.filter on POSIX, which in-toto 3.1.0 verifylib uses)",
        "python": platform.python_version(),
        "semantics": "case-sensitive; '*' matches any code points incl. '/' and "
                     "newline; '?' matches exactly one code point incl. '/'; no "
                     "dotfile rule; '[!...]' negates, '^' literal; backslash is a "
                     "literal character; unclosed '[' is literal; empty ranges "
                     "([z-a]) are dropped (class of only empty ranges never "
                     "matches, [!z-a] matches any one code point); whole-name "
                     "match, no path normalisation",
        "count": len(cases_),
    }
    lines = ["{"]
    for k, v in head.items():
        lines.append(f" {json.dumps(k)}: {json.dumps(v)},")
    lines.append(' "cases": [')
    body = [
        "  " + json.dumps(c, ensure_ascii=True, separators=(", ", ": "))
        for c in cases_
    ]
    lines.append(",\n".join(body))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed file")
    ap.add_argument("-o", "--output", default=str(OUT))
    a = ap.parse_args()
    if sys.version_info[:2] != (3, 11):
        print(f"warning: generated with Python {platform.python_version()}, "
              "the table is pinned to 3.11", file=sys.stderr)
    text = render(build())
    json.loads(text)  # sanity
    if a.check:
        same = Path(a.output).read_text() == text
        print("fnmatch.json is up to date" if same else "fnmatch.json differs", file=sys.stderr)
        sys.exit(0 if same else 1)
    Path(a.output).write_text(text)
    print(f"wrote {a.output}: {len(json.loads(text)['cases'])} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
