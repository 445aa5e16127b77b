import datetime
from typing import Any, Literal, Optional

TimeUnit = Literal[
    "Minutes", "ElapsedMinutes", "Hours", "ElapsedHours", "Days", "ElapsedDays",
    "Weeks", "ElapsedWeeks", "Months", "ElapsedMonths", "Years", "ElapsedYears",
    "Percent", "ElapsedPercent",
]

class Record:
    """A read-only view of one record of the model."""
    def to_dict(self) -> dict[str, Any]: ...

class Duration:
    """A duration as Project stores it: a value in a unit."""
    value: float
    units: TimeUnit
    def __init__(self, value: float, units: TimeUnit, minutes_per_unit: Optional[float] = ...) -> None: ...
    @property
    def minutes(self) -> Optional[float]: ...
    @property
    def timedelta(self) -> Optional[datetime.timedelta]: ...

class TimeFactors:
    minutes_per_day: float
    minutes_per_week: float
    days_per_month: float
