"""The Python API: typed views, errors, and agreement with the CLI's own JSON."""

from __future__ import annotations

import datetime
import json
import subprocess
import threading
from pathlib import Path

import pytest

import mpp_core

# A small MPP14 file with a summary task, subtasks, resources and assignments.
SAMPLE = "mpp/mpp14baseline.mpp"
PASSWORD = "mpp/password-protected-mpp9.mpp"


def cli_json(mpp_bin: Path, path: Path) -> dict:
    out = subprocess.run([str(mpp_bin), "info", "--json", str(path)], check=True, capture_output=True)
    return json.loads(out.stdout)


# --- without the corpus -----------------------------------------------------


def test_exception_hierarchy():
    for cls in (
        mpp_core.PasswordProtectedError,
        mpp_core.UnsupportedVersionError,
        mpp_core.CorruptFileError,
        mpp_core.TooLargeError,
    ):
        assert issubclass(cls, mpp_core.MppError)
    assert issubclass(mpp_core.MppError, Exception)
    assert mpp_core.MppError.__module__ == "mpp_core"


def test_bytes_that_are_not_a_compound_file():
    with pytest.raises(mpp_core.CorruptFileError) as err:
        mpp_core.read(b"this is not a project file at all" * 20)
    assert err.value.code == "not_compound_file"
    assert "compound file" in str(err.value)


def test_xml_input_is_recognised_and_refused_for_now():
    with pytest.raises(mpp_core.UnsupportedVersionError) as err:
        mpp_core.read(bytearray(b'\xef\xbb\xbf  <?xml version="1.0"?><Project/>'))
    assert err.value.code == "unsupported_version"


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        mpp_core.read(tmp_path / "absent.mpp")
    with pytest.raises(FileNotFoundError):
        mpp_core.convert(tmp_path / "absent.mpp", tmp_path / "out.xml")


def test_duration_value_type():
    two_days = mpp_core.Duration(2, "Days", 480.0)
    assert (two_days.value, two_days.units) == (2.0, "Days")
    assert two_days.timedelta == datetime.timedelta(hours=16)
    assert mpp_core.Duration(1.5, "ElapsedDays", 1440.0).timedelta == datetime.timedelta(hours=36)
    # A percentage lag is not a length of time.
    assert mpp_core.Duration(50, "Percent", 1.0).timedelta is None
    assert two_days == mpp_core.Duration(2.0, "Days")


def test_typed_accessors_are_documented():
    assert "subtasks" in mpp_core.Task.children.__doc__
    assert mpp_core.Task.work.__doc__ == "Work (hours)."
    assert mpp_core.Task.start.__doc__
    assert mpp_core.read.__doc__ and mpp_core.Project.to_xml.__doc__


# --- on the corpus ----------------------------------------------------------


def test_to_dict_is_the_cli_json(corpus, mpp_bin):
    path = corpus / SAMPLE
    assert mpp_core.read(path).to_dict() == cli_json(mpp_bin, path)


def test_typed_views_match_the_model(corpus, mpp_bin):
    path = corpus / SAMPLE
    raw = cli_json(mpp_bin, path)
    project = mpp_core.read(str(path))

    props = project.properties
    assert props.title == raw["properties"]["title"] == "MPP12BaselineTest-9"
    assert props.file_format == "Mpp14"
    assert props.start_date == datetime.datetime(2006, 8, 24, 8, 0)
    assert props.factors.minutes_per_day == 480.0

    tasks = project.tasks
    assert len(tasks) == len(raw["tasks"]) == 15
    for task, data in zip(tasks, raw["tasks"]):
        assert (task.uid, task.id, task.name) == (data["uid"], data["id"], data["name"])
        if data["start"] is not None:
            assert task.start == datetime.datetime.fromisoformat(data["start"])
        if data["duration"] is not None:
            assert (task.duration.value, task.duration.units) == (
                data["duration"]["value"],
                data["duration"]["units"],
            )
        assert [c.uid for c in task.children] == [t["uid"] for t in raw["tasks"] if t["parent"] == data["uid"]]

    base = project.task(1)
    assert base.name == "Base Task" and base.summary
    assert base.duration.timedelta == datetime.timedelta(hours=16 * 8)
    assert [c.name for c in base.children][:2] == ["Subtask 1", "Subtask 2"]
    assert all(c.parent == 1 for c in base.children)
    assert isinstance(base.start, datetime.datetime)

    assert [r.name for r in project.resources] == [r["name"] for r in raw["resources"]]
    assert len(project.assignments) == len(raw["assignments"]) == 10
    uids = {t.uid for t in tasks}
    assert all(a.task_uid in uids for a in project.assignments)
    cals = project.calendars
    assert [c.name for c in cals] == [c["name"] for c in raw["calendars"]]
    standard = cals[0]
    monday = standard.days[1]
    assert monday.working and monday.hours[0].from_ == datetime.time(8, 0)


def test_bytes_path_and_write_agree(corpus, tmp_path):
    path = corpus / SAMPLE
    from_path = mpp_core.read(path)
    from_bytes = mpp_core.read(path.read_bytes())
    xml = from_path.to_xml()
    assert xml.startswith("<?xml") and xml == from_bytes.to_xml()
    with open(path, "rb") as f:
        assert mpp_core.read(f).to_xml() == xml
    out = tmp_path / "out.xml"
    from_bytes.write_xml(out)
    assert out.read_bytes() == xml.encode()


def test_password_protected(corpus):
    with pytest.raises(mpp_core.PasswordProtectedError) as err:
        mpp_core.read(corpus / PASSWORD)
    assert err.value.code == "password_protected"
    assert isinstance(err.value, mpp_core.MppError)


def test_reads_in_threads_agree(corpus):
    # Parsing runs without the GIL; concurrent reads must not disturb each other.
    data = (corpus / SAMPLE).read_bytes()
    expected = mpp_core.read(data).to_xml()
    results: list[str] = []

    def work():
        for _ in range(5):
            results.append(mpp_core.read(data).to_xml())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20 and all(r == expected for r in results)
