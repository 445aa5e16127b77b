"""Building blocks of the typed views: a record over the model's serde dict,
field descriptors, and the small value types (Duration, TimeFactors)."""

from __future__ import annotations

import datetime
from typing import Any, Callable, Literal, Optional

TimeUnit = Literal[
    "Minutes",
    "ElapsedMinutes",
    "Hours",
    "ElapsedHours",
    "Days",
    "ElapsedDays",
    "Weeks",
    "ElapsedWeeks",
    "Months",
    "ElapsedMonths",
    "Years",
    "ElapsedYears",
    "Percent",
    "ElapsedPercent",
]


class Record:
    """A read-only view of one record of the model (a task, a resource ...).

    Attributes are the model's fields, converted to Python types; `to_dict()`
    gives the record's plain data as the core serialises it.
    """

    __slots__ = ("_d", "_p")

    def __init__(self, data: dict[str, Any], project: Any) -> None:
        self._d = data
        self._p = project

    def to_dict(self) -> dict[str, Any]:
        """The record as plain data (dates as ISO strings, durations as dicts)."""
        return dict(self._d)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._d == self._d  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        keys = [k for k in ("uid", "id", "name") if k in self._d]
        inner = ", ".join(f"{k}={self._d[k]!r}" for k in keys)
        return f"{type(self).__name__}({inner})"


class _field:
    """A model field: reads `key` from the record's dict and converts it."""

    def __init__(self, conv: Optional[Callable[[Any, Any], Any]], doc: str, key: str = "") -> None:
        self.conv = conv
        self.__doc__ = doc or None
        # The attribute's name, unless that is a Python keyword (`from` → `from_`).
        self.key = key

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = self.key or name

    def __get__(self, obj: Optional[Record], owner: Optional[type] = None) -> Any:
        if obj is None:
            return self
        value = obj._d.get(self.key)
        if value is None or self.conv is None:
            return value
        return self.conv(value, obj._p)


class Duration:
    """A duration as Project stores it: a value in a unit.

    `units` says whether it counts working time (`"Days"`: working days of the
    project's `minutes_per_day`) or elapsed time (`"ElapsedDays"`: 24 hours).
    `timedelta` converts with the project's time factors; it is `None` for
    percentage lags (`"Percent"`), which are not lengths of time.
    """

    __slots__ = ("value", "units", "_minutes_per_unit")

    def __init__(self, value: float, units: TimeUnit, minutes_per_unit: Optional[float] = None) -> None:
        self.value = float(value)
        self.units = units
        self._minutes_per_unit = minutes_per_unit

    @property
    def minutes(self) -> Optional[float]:
        """Length in minutes under the project's time factors."""
        if self._minutes_per_unit is None or self.units in ("Percent", "ElapsedPercent"):
            return None
        return self.value * self._minutes_per_unit

    @property
    def timedelta(self) -> Optional[datetime.timedelta]:
        """Length as a `datetime.timedelta` (working days of `minutes_per_day`)."""
        minutes = self.minutes
        return None if minutes is None else datetime.timedelta(minutes=minutes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and (other.value, other.units) == (self.value, self.units)

    def __hash__(self) -> int:
        return hash((self.value, self.units))

    def __repr__(self) -> str:
        return f"Duration({self.value!r}, {self.units!r})"


class TimeFactors:
    """How working-time units convert to minutes in this project."""

    __slots__ = ("minutes_per_day", "minutes_per_week", "days_per_month")

    def __init__(self, minutes_per_day: float, minutes_per_week: float, days_per_month: float) -> None:
        self.minutes_per_day = minutes_per_day
        self.minutes_per_week = minutes_per_week
        self.days_per_month = days_per_month

    def __repr__(self) -> str:
        return (
            f"TimeFactors(minutes_per_day={self.minutes_per_day!r}, "
            f"minutes_per_week={self.minutes_per_week!r}, days_per_month={self.days_per_month!r})"
        )


# Converters used by the generated classes: (serde value, project) -> Python value.


def _datetime(value: str, _project: Any) -> datetime.datetime:
    # The core writes zoneless `YYYY-MM-DDTHH:MM:SS`: a naive local datetime.
    return datetime.datetime.fromisoformat(value)


def _time(value: str, _project: Any) -> datetime.time:
    return datetime.time.fromisoformat(value)


def _duration(value: dict[str, Any], project: Any) -> Duration:
    units = value["units"]
    return Duration(value["value"], units, project._minutes_per_unit.get(units))


def _time_factors(value: dict[str, Any], _project: Any) -> TimeFactors:
    return TimeFactors(value["minutes_per_day"], value["minutes_per_week"], value["days_per_month"])


def _field_value(value: Any, project: Any) -> Any:
    """A custom field's value: `{"Date": ...}` → datetime, `{"Duration": ...}` → Duration."""
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((kind, inner),) = value.items()
    if kind == "Date":
        return _datetime(inner, project)
    if kind == "Duration":
        return _duration(inner, project)
    return inner


def _wrap(cls: type) -> Callable[[Any, Any], Any]:
    return lambda value, project: cls(value, project)


def _list(conv: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda values, project: [None if v is None else conv(v, project) for v in values]


def _children(task: Record) -> list[Any]:
    return task._p._children_of(task._d["uid"])
