"""A small typed use of the package: checked with `mypy --strict` (test.sh) and run by
test_typed_usage.py. The README's example is this file's `readme_example`."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

import intoto_verify
from intoto_verify import Failure, IntotoVerifyError, Report, StepReport


def readme_example(demo: Path) -> Report:
    import intoto_verify

    report = intoto_verify.verify_layout(
        demo / "root.layout",                  # a Path is read; bytes or str are the content
        [demo / "keys" / "owner.pub"],
        demo / "links",                        # a directory, or {name: content}
        now=datetime(2026, 11, 25, tzinfo=timezone.utc),
        skip_inspections=True,
    )
    print(report.verdict, report.code)         # pass None
    return report


def failing_steps(report: Report) -> List[str]:
    steps: List[StepReport] = report.steps
    return [s.name for s in steps if any(link.status != "accepted" for link in s.links)]


def explain(report: Report) -> str:
    try:
        report.raise_for_failure()
    except intoto_verify.ExpiredError as e:
        return f"expired: {e.message}"
    except IntotoVerifyError as e:
        failure: Optional[Failure] = e.failure
        where = "" if failure is None or failure.step is None else f" (step {failure.step})"
        return f"{e.code}{where}"
    return "verified"


def main(demo: Path) -> List[str]:
    report = readme_example(demo)
    expired = intoto_verify.verify_layout(
        (demo / "root.layout").read_bytes(),
        (demo / "keys" / "owner.pub").read_text(),
        intoto_verify.read_link_dir(demo / "links"),
        now="2036-01-01T00:00:00Z",
    )
    return [explain(report), explain(expired), *failing_steps(expired)]
