"""Read Microsoft Project files (`.mpp`, Project 98 to 2021, or MSPDI `.xml`) and write MSPDI XML.

    >>> import mpp_core
    >>> project = mpp_core.read("plan.mpp")                    # doctest: +SKIP
    >>> [t.name for t in project.tasks if t.outline_level == 1]  # doctest: +SKIP
    >>> project.write_xml("plan.xml")                          # doctest: +SKIP

A thin layer over the Rust crates `mpp-core` and `mpp-xml` (`mpp_xml::read_any`
reads either format, told apart by content; the writer gives the XML byte for byte
as `mpp convert` writes it). Reading releases the GIL.
"""

from __future__ import annotations

import json
import os
from typing import Any, BinaryIO, Optional, Union

from . import _native
from ._base import Duration, Record, TimeFactors, TimeUnit
from ._model import (
    Assignment,
    Availability,
    Baseline,
    Calendar,
    CalendarDay,
    CalendarException,
    CostRate,
    CustomFieldDef,
    CustomValue,
    Hyperlink,
    LookupValue,
    Properties,
    Relation,
    Resource,
    Task,
    Timephased,
    WorkingTime,
    WorkPeriod,
    WorkWeek,
)
from ._native import (
    CorruptFileError,
    MppError,
    PasswordProtectedError,
    TooLargeError,
    UnsupportedVersionError,
)

__version__ = "0.1.0"

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]


class Project:
    """A project read from a file: properties, calendars, tasks, resources and
    assignments, as typed read-only views over the core's model."""

    __slots__ = ("_native", "_data", "_minutes_per_unit", "_tasks", "_by_parent")

    def __init__(self, native: Any) -> None:
        self._native = native
        self._data: dict[str, Any] = json.loads(native.to_json())
        # Used by Duration.timedelta: minutes in one of each unit, under this project's factors.
        self._minutes_per_unit = dict(native.minutes_per_unit())
        self._tasks: Optional[list[Task]] = None
        self._by_parent: Optional[dict[int, list[Task]]] = None

    @property
    def properties(self) -> Properties:
        """Project-level settings and document properties."""
        return Properties(self._data["properties"], self)

    @property
    def tasks(self) -> list[Task]:
        """Every task in ID order, blank rows (`is_null`) included, as in Project's Gantt view."""
        if self._tasks is None:
            self._tasks = [Task(t, self) for t in self._data["tasks"]]
        return list(self._tasks)

    @property
    def resources(self) -> list[Resource]:
        """Every resource in ID order."""
        return [Resource(r, self) for r in self._data["resources"]]

    @property
    def assignments(self) -> list[Assignment]:
        """Every assignment of a resource (or of no resource: a placeholder) to a task."""
        return [Assignment(a, self) for a in self._data["assignments"]]

    @property
    def calendars(self) -> list[Calendar]:
        """Base calendars and resource calendars."""
        return [Calendar(c, self) for c in self._data["calendars"]]

    @property
    def custom_fields(self) -> list[CustomFieldDef]:
        """Custom field definitions (aliases, value lists)."""
        return [CustomFieldDef(c, self) for c in self._data["custom_fields"]]

    def task(self, uid: int) -> Optional[Task]:
        """The task with this unique ID, if any."""
        return next((t for t in self.tasks if t.uid == uid), None)

    def resource(self, uid: int) -> Optional[Resource]:
        """The resource with this unique ID, if any."""
        return next((r for r in self.resources if r.uid == uid), None)

    def _children_of(self, uid: int) -> list[Task]:
        if self._by_parent is None:
            index: dict[int, list[Task]] = {}
            for t in self.tasks:
                parent = t._d.get("parent")
                if parent is not None:
                    index.setdefault(parent, []).append(t)
            self._by_parent = index
        return list(self._by_parent.get(uid, []))

    def to_xml(self) -> str:
        """The MSPDI document, identical to what `mpp convert` writes."""
        return self._native.to_xml()

    def write_xml(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the MSPDI document to `path`."""
        self._native.write_xml(os.fspath(path))

    def to_dict(self) -> dict[str, Any]:
        """The whole model as plain data: the core's serde shape (snake_case keys,
        dates as `YYYY-MM-DDTHH:MM:SS` strings, durations as `{"value", "units"}`)."""
        return json.loads(self._native.to_json())

    def __repr__(self) -> str:
        title = self._data["properties"].get("title")
        return f"<mpp_core.Project title={title!r} tasks={len(self._data['tasks'])}>"


def read(source: Source) -> Project:
    """Reads a project from a path, from the bytes of a file, or from a binary file object.

    The input may be an `.mpp` or an MSPDI `.xml` document, told apart by its first bytes.

    Raises `PasswordProtectedError`, `UnsupportedVersionError`, `CorruptFileError`
    or `TooLargeError` (all `MppError`s, with `.code`) when the file cannot be
    read, and `OSError` (e.g. `FileNotFoundError`) when it cannot be opened.
    """
    if hasattr(source, "read"):
        source = source.read()  # type: ignore[union-attr]
    if isinstance(source, (bytes, bytearray, memoryview)):
        return Project(_native.read_bytes(bytes(source)))
    return Project(_native.read_path(os.fspath(source)))


def convert(src: Union[str, "os.PathLike[str]"], dst: Union[str, "os.PathLike[str]"]) -> None:
    """Reads `src` and writes its MSPDI XML to `dst`, as `mpp convert src -o dst` does."""
    _native.convert(os.fspath(src), os.fspath(dst))


__all__ = [
    "Assignment",
    "Availability",
    "Baseline",
    "Calendar",
    "CalendarDay",
    "CalendarException",
    "CorruptFileError",
    "CostRate",
    "CustomFieldDef",
    "CustomValue",
    "Duration",
    "Hyperlink",
    "LookupValue",
    "MppError",
    "PasswordProtectedError",
    "Project",
    "Properties",
    "Record",
    "Relation",
    "Resource",
    "Task",
    "TimeFactors",
    "TimeUnit",
    "Timephased",
    "TooLargeError",
    "UnsupportedVersionError",
    "WorkPeriod",
    "WorkWeek",
    "WorkingTime",
    "convert",
    "read",
]
