"""Hostile inputs through the binding (issue 5's list; core/tests/adversarial.rs is the
core's side): each gives a typed failure or the right verdict, never a crash or a hang.
Traversal and look-alike artifact names are signed regression vectors (tests/regression,
run by test_regression.py)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from conftest import DEMO

import intoto_verify

NOW = "2030-01-01T00:00:00Z"
PACKAGE = "package.27e5483c.link"


def verify(replace: Optional[Dict[str, Any]] = None, **kw: Any) -> intoto_verify.Report:
    links: Dict[str, Any] = {p.name: p.read_bytes() for p in (DEMO / "links").iterdir()}
    links.update(replace or {})
    args: Dict[str, Any] = dict(
        layout=DEMO / "root.layout",
        layout_keys=[DEMO / "keys" / "owner.pub"],
        links=links,
        now=NOW,
        skip_inspections=True,
    )
    args.update(kw)
    return intoto_verify.verify_layout(**args)


def link_status(report: intoto_verify.Report, name: str) -> str:
    return next(link.status for step in report.steps for link in step.links if link.path == name)


def test_ten_thousand_deep_nesting_is_a_limit() -> None:
    deep = "[" * 10_000 + "]" * 10_000
    r = verify(layout=deep)
    assert r.verdict == "error" and r.code == "limit-exceeded"
    assert r.failure is not None and r.failure.path == "json.max_depth"
    r = verify({PACKAGE: deep})
    assert r.verdict == "fail" and link_status(r, PACKAGE) == "limit-exceeded"


def test_a_hundred_thousand_signatures_are_refused() -> None:
    sigs = ",".join(['{"keyid": "ab", "sig": "00"}'] * 100_000)
    doc = '{"signed": {"_type": "link", "name": "package"}, "signatures": [%s]}' % sigs
    r = verify({PACKAGE: doc})
    assert r.verdict == "fail" and link_status(r, PACKAGE) == "limit-exceeded"


def test_a_hundred_megabyte_link_is_refused_by_size() -> None:
    big = bytearray(b"a" * (100 * 1024 * 1024))
    prefix = b'{"signed": {"_type": "link", "name": "'
    big[: len(prefix)] = prefix
    r = verify({PACKAGE: bytes(big)}, max_bytes=16 * 1024 * 1024)
    assert r.verdict == "fail" and link_status(r, PACKAGE) == "limit-exceeded"


def test_invalid_utf8_huge_and_non_finite_numbers() -> None:
    r = verify(layout=b'{"\xff":1}')
    assert r.verdict == "error" and r.code == "layout-malformed"
    for number, status in [
        ("1" + "0" * 5000, "limit-exceeded"),  # more digits than CPython's int() reads
        ("1e999999", "unparseable"),  # a float: no canonical JSON
        ("NaN", "unparseable"),
        ("Infinity", "unparseable"),
    ]:
        doc = (
            '{"signed": {"_type": "link", "name": "package", '
            '"byproducts": {"return-value": %s}}, "signatures": []}' % number
        )
        r = verify({PACKAGE: doc})
        assert r.verdict == "fail", number[:12]
        assert link_status(r, PACKAGE) == status, number[:12]


def test_duplicate_keys_are_refused() -> None:
    text = (DEMO / "links" / PACKAGE).read_text()
    dup = text.replace('"_type": "link",', '"_type": "link", "_type": "link",', 1)
    assert dup != text
    r = verify({PACKAGE: dup})
    assert r.verdict == "fail" and link_status(r, PACKAGE) == "unparseable"
