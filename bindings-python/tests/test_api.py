"""The Python API: inputs, the report object, exceptions, threads."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List

import pytest
from conftest import DEMO

import intoto_verify
from intoto_verify import _native

NOW = "2026-11-25T12:00:00Z"
LAYOUT = DEMO / "root.layout"
OWNER = DEMO / "keys" / "owner.pub"
ALICE = DEMO / "keys" / "alice.pub"
LINKS = DEMO / "links"


def demo_links() -> Dict[str, bytes]:
    return {p.name: p.read_bytes() for p in LINKS.iterdir()}


def verify(**kw: Any) -> intoto_verify.Report:
    args: Dict[str, Any] = dict(layout=LAYOUT, layout_keys=[OWNER], links=LINKS, now=NOW,
                                skip_inspections=True)
    args.update(kw)
    return intoto_verify.verify_layout(**args)


# --- inputs -------------------------------------------------------------------------


def test_demo_passes_with_inspections_skipped() -> None:
    report = verify()
    assert report.verdict == "pass" and report.passed and report.code is None
    assert report.failure is None
    assert [w.code for w in report.warnings] == ["inspections-skipped"]


@pytest.mark.parametrize(
    "convert",
    [lambda p: p, lambda p: p.read_bytes(), lambda p: p.read_text(),
     lambda p: bytearray(p.read_bytes()), lambda p: memoryview(p.read_bytes())],
    ids=["Path", "bytes", "str", "bytearray", "memoryview"],
)
def test_inputs_as_path_bytes_or_str(convert: Any) -> None:
    links = {name: convert(LINKS / name) for name in demo_links()}
    report = intoto_verify.verify_layout(convert(LAYOUT), convert(OWNER), links, now=NOW,
                                         skip_inspections=True)
    assert report == verify()
    assert report.to_dict() == verify().to_dict()


def test_a_str_is_content_not_a_file_name() -> None:
    report = verify(layout_keys=[str(OWNER)])
    assert report.verdict == "error"
    assert report.code == "key-invalid"
    assert report.failure is not None and report.failure.path == "layout_keys[0]"


def test_link_dir_and_files() -> None:
    assert intoto_verify.read_link_dir(LINKS) == demo_links()
    by_dir = verify(links=LINKS)
    by_files = intoto_verify.verify_layout_files(str(LAYOUT), str(OWNER), str(LINKS), now=NOW,
                                                 skip_inspections=True)
    assert by_dir == by_files == verify(links=demo_links())


def test_read_link_dir_sublayout_dirs(tmp_path: Path) -> None:
    (tmp_path / "a.link").write_bytes(b"1")
    (tmp_path / "other.txt").write_bytes(b"2")
    (tmp_path / "sub.0123abcd").mkdir()
    (tmp_path / "sub.0123abcd" / "b.89abcdef.link").write_bytes(b"3")
    (tmp_path / "not-a-sublayout").mkdir()
    (tmp_path / "not-a-sublayout" / "c.link").write_bytes(b"4")
    assert intoto_verify.read_link_dir(tmp_path) == {"a.link": b"1",
                                                      "sub.0123abcd/b.89abcdef.link": b"3"}


def test_missing_links() -> None:
    report = verify(links=None)
    assert report.verdict == "fail"
    assert report.code == "link-missing"
    assert report.failure is not None and report.failure.step == "clone"


def test_now_forms() -> None:
    when = datetime(2026, 11, 25, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    assert verify(now=when).passed
    assert verify(now=int(when.timestamp())).passed
    assert verify(now=None).passed  # the clock (the layout expires in 2036)
    with pytest.raises(ValueError, match="naive"):
        verify(now=datetime(2026, 1, 1))
    with pytest.raises(TypeError):
        verify(now=True)
    bad = verify(now="tomorrow")
    assert bad.verdict == "error" and bad.code == "request-invalid"
    assert bad.failure is not None and bad.failure.path == "now"


def test_expired() -> None:
    report = verify(now="2036-01-01T00:00:00Z")
    assert report.verdict == "fail" and report.code == "layout-expired"
    with pytest.raises(intoto_verify.ExpiredError) as exc:
        report.raise_for_failure()
    assert exc.value.report is report
    assert exc.value.code == "layout-expired"
    assert isinstance(exc.value, intoto_verify.VerificationFailed)


def test_wrong_signer() -> None:
    report = verify(layout_keys=[ALICE])
    assert report.code == "layout-signature-missing"
    assert report.layout is not None
    assert report.layout.signatures[0].status == "no-signature"
    with pytest.raises(intoto_verify.SignatureError):
        verify(layout_keys=[ALICE], raise_on_failure=True)


def test_inspections_need_results_unless_skipped() -> None:
    report = verify(skip_inspections=False)
    assert report.code == "inspection-result-missing"
    assert report.failure is not None and report.failure.inspection == "untar"
    with pytest.raises(intoto_verify.InspectionError):
        report.raise_for_failure()
    failed = verify(skip_inspections=False, inspections={"untar": {"return_value": 3}})
    assert failed.code == "inspection-failed"
    assert failed.inspections[0].return_value == 3


def test_parameters_and_limits() -> None:
    assert verify(parameters={"UNUSED": "x"}).passed
    with pytest.raises(TypeError):
        verify(parameters={"A": 1})
    small = verify(max_bytes=100)
    assert small.verdict == "error" and small.code == "limit-exceeded"
    assert small.failure is not None and small.failure.path == "json.max_bytes"
    assert verify(max_depth=3).code == "limit-exceeded"
    few = verify(limits={"max_steps": 1})
    assert few.code == "limit-exceeded" and few.failure is not None
    assert (few.failure.path, few.failure.expected) == ("max_steps", "1")
    assert verify(limits={"maxArtifacts": 10_000, "max_signatures": 8}).passed
    assert verify(limits={"max_artifacts": 0}).verdict == "fail"
    with pytest.raises(TypeError):
        verify(limits=[("max_steps", 1)])  # type: ignore[arg-type]
    assert verify(limits={"max_stepz": 1}).code == "request-invalid"


def test_type_errors() -> None:
    with pytest.raises(TypeError, match="layout"):
        verify(layout=12)
    with pytest.raises(TypeError, match="links"):
        verify(links=str(LINKS))
    with pytest.raises(TypeError, match=re.escape("layout_keys[1]")):
        verify(layout_keys=[OWNER, 5])
    with pytest.raises(FileNotFoundError):
        verify(layout=Path("/nonexistent/root.layout"))


def test_bad_key_is_invalid_input() -> None:
    with pytest.raises(intoto_verify.InvalidKeyError) as exc:
        verify(layout_keys=["not a key"], raise_on_failure=True)
    assert isinstance(exc.value, intoto_verify.InvalidInput)
    assert isinstance(exc.value, ValueError)
    assert exc.value.report is not None and exc.value.report.verdict == "error"


def test_malformed_layout() -> None:
    report = verify(layout=b"not json")
    assert report.verdict == "error" and report.code == "layout-malformed"
    assert report.layout is None and report.steps == []
    with pytest.raises(intoto_verify.MalformedLayoutError):
        report.raise_for_failure()


def test_tampered_link() -> None:
    links = demo_links()
    name = "package.27e5483c.link"
    links[name] = links[name].replace(b"demo-project.tar.gz", b"demo-project.tar.gX")
    report = verify(links=links)
    assert report.verdict == "fail"
    step = next(s for s in report.steps if s.name == "package")
    assert step.links[0].path == name
    assert step.links[0].status == "bad-signature"
    with pytest.raises(intoto_verify.VerificationFailed):
        report.raise_for_failure()


# --- the raw request -------------------------------------------------------------------


def test_verify_request_core_shape() -> None:
    request = {"layout": LAYOUT.read_bytes(), "layoutKeys": [OWNER.read_text()],
               "links": demo_links(), "now": NOW, "skipInspections": True}
    assert intoto_verify.verify_request(request) == verify()


@pytest.mark.parametrize(
    "request_,fragment,path",
    [({"layout": "{}", "now": NOW, "bogus": 1}, "unknown field `bogus`", None),
     ({"layout": "{}"}, "missing field `now`", None),
     ({"layout": "{}", "now": NOW, "links": {"a": {1, 2}}}, "unsupported type set", 'links["a"]'),
     ({"layout": "{}", "now": NOW, "links": {1: "x"}}, "keys must be str", "links"),
     ({"layout": "{}", "now": NOW, "max_bytes": -1}, "invalid value", None),
     ({"layout": "{}", "now": NOW, "max_bytes": 2**70}, "integer out of range", "max_bytes"),
     ({"layout": 5, "now": NOW}, "expected a string or bytes", None),
     (None, "invalid type", None),
     ([1, 2], "invalid type", None)],
)
def test_invalid_requests_are_reports(request_: Any, fragment: str, path: Any) -> None:
    report = intoto_verify.verify_request(request_)
    assert report.verdict == "error" and report.code == "request-invalid"
    assert report.failure is not None and fragment in report.failure.message
    assert report.failure.path == path
    with pytest.raises(intoto_verify.InvalidInput):
        report.raise_for_failure()


def test_self_containing_request() -> None:
    loop: List[Any] = []
    loop.append(loop)
    report = intoto_verify.verify_request({"layout": "{}", "now": NOW, "layout_keys": loop})
    assert report.code == "request-invalid"
    assert "nested deeper" in report.failure.message  # type: ignore[union-attr]


def test_native_json_entry() -> None:
    out = json.loads(_native.verify_layout_json('{"layout": "{}", "now": "0", "bogus": 1}'))
    assert out["verdict"] == "error" and out["failure"]["code"] == "request-invalid"


# --- the report object -----------------------------------------------------------------


def test_report_object() -> None:
    report = verify()
    assert report.layout is not None
    assert report.layout.format == "metablock"
    assert report.layout.expires == "2036-01-01T00:00:00Z"
    assert [k.status for k in report.layout.signatures] == ["verified"]
    assert [s.name for s in report.steps] == ["clone", "update-version", "package"]
    package = report.steps[2]
    assert package.threshold == 1
    assert package.links[0].status == "accepted" and package.links[0].format == "metablock"
    assert package.products[0].rule[0] == "CREATE"
    assert package.products[0].consumed == ["demo-project.tar.gz"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.verdict = "fail"  # type: ignore[misc]


def test_report_round_trips() -> None:
    report = verify(now="2036-01-01T00:00:00Z")
    data = report.to_dict()
    assert data["verdict"] == "fail" and data["failure"]["code"] == "layout-expired"
    assert json.loads(report.to_json()) == data
    assert json.loads(report.to_json(indent=2)) == data
    data["verdict"] = "changed"  # a copy
    assert report.to_dict()["verdict"] == "fail"
    assert intoto_verify.Report.from_dict(report.to_dict()) == report
    assert intoto_verify.Report.from_json(report.to_json()) == report
    assert verify().raise_for_failure() == verify()


def test_unknown_report_fields_are_kept() -> None:
    data = {"verdict": "pass", "steps": [], "inspections": [], "warnings": [], "future": 1}
    report = intoto_verify.Report.from_dict(data)
    assert report.passed and report.to_dict()["future"] == 1


def test_failure_root_cause() -> None:
    f = intoto_verify.Failure.from_dict(
        {"code": "sublayout-failed", "message": "m", "cause": {"code": "layout-expired",
                                                               "message": "inner"}})
    assert f.root_cause.code == "layout-expired"


# --- exceptions --------------------------------------------------------------------------


def test_exception_hierarchy() -> None:
    E = intoto_verify
    assert issubclass(E.VerificationFailed, E.IntotoVerifyError)
    assert issubclass(E.InvalidInput, E.IntotoVerifyError)
    assert issubclass(E.InvalidInput, ValueError)
    for cls in (E.SignatureError, E.ExpiredError, E.ParameterError, E.LinkMissingError,
                E.ThresholdError, E.SublayoutError, E.RuleError, E.InspectionError,
                E.EnvelopeSignatureError, E.PayloadTypeError, E.SubjectMismatchError,
                E.PolicyError):
        assert issubclass(cls, E.VerificationFailed)
    assert issubclass(E.EnvelopeSignatureError, E.SignatureError)
    for cls in (E.MalformedLayoutError, E.InvalidKeyError, E.MalformedEnvelopeError,
                E.MalformedStatementError):
        assert issubclass(cls, E.InvalidInput)
    err = E.IntotoVerifyError("boom", code="x")
    assert str(err) == "x: boom" and err.report is None and err.failure is None


def test_unknown_code_falls_back_on_the_verdict() -> None:
    for verdict, cls in (("fail", intoto_verify.VerificationFailed),
                         ("error", intoto_verify.InvalidInput)):
        for report_class in (intoto_verify.Report, intoto_verify.AttestationReport):
            report = report_class.from_dict(
                {"verdict": verdict, "failure": {"code": "new-code", "message": "m"}})
            with pytest.raises(cls) as exc:
                report.raise_for_failure()
            assert type(exc.value) is cls and exc.value.code == "new-code"


# --- threads and the GIL ---------------------------------------------------------------


def test_threads_get_the_same_answers() -> None:
    expected = [verify().to_dict(), verify(now="2036-01-01T00:00:00Z").to_dict()]
    results: List[Any] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        for _ in range(10):
            r = verify() if i % 2 == 0 else verify(now="2036-01-01T00:00:00Z")
            with lock:
                results.append((i % 2, r.to_dict()))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 40
    assert all(d == expected[k] for k, d in results)


def _slow_request() -> Dict[str, Any]:
    # A layout of 40 MB of JSON escapes: cheap to copy, slow to parse (then malformed).
    return {"layout": b'{"x": "' + b"\\u0041" * 7_000_000 + b'"}', "now": NOW,
            "layout_keys": [OWNER.read_bytes()]}


def _largest_stall(request: Dict[str, Any]) -> float:
    """The longest this thread waited for the GIL while another thread verified."""
    ticks: List[float] = []
    worker = threading.Thread(target=intoto_verify.verify_request, args=(request,))
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    ticks.append(time.perf_counter())
    return max(b - a for a, b in zip(ticks, ticks[1:]))


def test_the_gil_is_released_while_verifying() -> None:
    request = _slow_request()
    attempts = []
    for _ in range(3):  # a busy machine can stall any thread; holding the GIL stalls all three
        start = time.perf_counter()
        assert intoto_verify.verify_request(request).code == "layout-malformed"
        alone = time.perf_counter() - start
        stall = _largest_stall(request)
        attempts.append((round(alone, 3), round(stall, 3)))
        if stall < alone / 2:
            return
    pytest.fail(f"another thread stalled for most of the call (alone, stall): {attempts}")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_the_gil_is_released_while_the_cli_runs(tmp_path: Path) -> None:
    """run_cli blocks reading a named pipe that only this thread can fill."""
    fifo = tmp_path / "root.layout"
    os.mkfifo(fifo)
    result: List[Any] = []
    worker = threading.Thread(
        target=lambda: result.append(_native.run_cli(
            ["intoto-verify", "-l", str(fifo), "--verification-keys", str(OWNER),
             "--link-dir", str(LINKS), "--now", NOW, "--skip-inspections", "-q"])),
        daemon=True)
    worker.start()
    with open(fifo, "wb") as pipe:  # returns once the CLI opened the pipe
        pipe.write(LAYOUT.read_bytes())
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert result[0][0] == 0, result
