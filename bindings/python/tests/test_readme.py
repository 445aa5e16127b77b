"""The README's Python example runs, on a real file."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import REPO

import mpp_core


def test_readme_example(corpus, tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    sample = corpus / "mpp" / "mpp14baseline.mpp"
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.replace('"plan.mpp"', repr(str(sample))), "README.md", "exec"), {})
    assert "MPP12BaselineTest-9 15 tasks" in out.getvalue()
    assert "Base Task" in out.getvalue()
    assert (tmp_path / "plan.xml").read_text() == mpp_core.read(sample).to_xml()
