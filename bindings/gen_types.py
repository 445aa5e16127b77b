#!/usr/bin/env python3
"""Generates the bindings' typed views of the model from mpp-core's model source.

The model (`mpp-core/src/model/mod.rs`) is the one shape every binding hands out
(as its serde JSON). This script reads its `pub struct`s and writes:

  bindings/python/python/mpp_core/_model.py   typed, documented accessor classes
  bindings/python/python/mpp_core/_model.pyi  their stubs
  bindings/node/model.d.ts                    the same shapes in camelCase for TypeScript

Run it after changing the model: `python3 bindings/gen_types.py`; `--check`
fails (exit 1) when the committed files are stale (the bindings' tests run it).
"""

from __future__ import annotations

import keyword
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "mpp-core/src/model/mod.rs"
PY_OUT = ROOT / "bindings/python/python/mpp_core/_model.py"
PYI_OUT = ROOT / "bindings/python/python/mpp_core/_model.pyi"
TS_OUT = ROOT / "bindings/node/model.d.ts"

# Structs handed out as wrapper classes (Project itself is written by hand).
SKIP = {"Project"}
# Hand-written members added to generated classes: (name, annotation, getter in _base, doc).
EXTRAS = {
    "Task": [("children", "list[Task]", "_children", "The task's direct subtasks in ID order.")],
}
# Model types outside mod.rs, and how each binding shows them.
SCALARS = {
    # rust: (python type, python converter or None, typescript type)
    "String": ("str", None, "string"),
    "bool": ("bool", None, "boolean"),
    "i32": ("int", None, "number"),
    "u32": ("int", None, "number"),
    "u16": ("int", None, "number"),
    "u8": ("int", None, "number"),
    "f64": ("float", None, "number"),
    "Guid": ("str", None, "string"),
    "DateTime": ("datetime.datetime", "_datetime", "string"),
    "TimeOfDay": ("datetime.time", "_time", "string"),
    "Duration": ("Duration", "_duration", "Duration"),
    "TimeUnit": ("TimeUnit", None, "TimeUnit"),
    "FileFormat": ("str", None, '"Mpp8" | "Mpp9" | "Mpp12" | "Mpp14"'),
    "TimeFactors": ("TimeFactors", "_time_factors", "TimeFactors"),
    "RelationType": (
        "str",
        None,
        '"FinishFinish" | "FinishStart" | "StartFinish" | "StartStart"',
    ),
    "ResourceType": ("str", None, '"Work" | "Material" | "Cost"'),
    # Externally tagged serde enums: `"Daily"` or `{"Weekly": {...}}`.
    "Recurrence": ("str | dict[str, Any]", None, "string | Record<string, unknown>"),
    "FieldValue": ("Any", "_field_value", "Record<string, unknown>"),
}


def parse_model(text: str) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(struct name, doc, [(field, rust type, doc)]) for every `pub struct`."""
    out = []
    for m in re.finditer(r"((?:^///[^\n]*\n)*)(?:#\[[^\n]*\]\n)*pub struct (\w+) \{\n(.*?)^\}", text, re.M | re.S):
        sdoc, name, body = m.groups()
        fields, doc = [], []
        for line in body.splitlines():
            line = line.strip()
            if line.startswith("///"):
                doc.append(line[3:].strip())
            elif mm := re.match(r"pub (\w+): (.+),$", line):
                fields.append((mm.group(1), mm.group(2), " ".join(doc) or fallback_doc(mm.group(1), mm.group(2))))
                doc = []
            else:
                doc = []
        out.append((name, " ".join(l[3:].strip() for l in sdoc.splitlines()), fields))
    return out


def py_type(rust: str, structs: set[str]) -> tuple[str, str | None]:
    """Python annotation and the converter expression for a Rust type."""
    if m := re.fullmatch(r"Option<(.+)>", rust):
        t, conv = py_type(m.group(1), structs)
        return f"Optional[{t}]", conv
    if m := re.fullmatch(r"Vec<(.+)>", rust):
        t, conv = py_type(m.group(1), structs)
        return f"list[{t}]", f"_list({conv})" if conv else None
    if m := re.fullmatch(r"\[(.+); \d+\]", rust):
        t, conv = py_type(m.group(1), structs)
        return f"list[{t}]", f"_list({conv})" if conv else None
    if rust in structs:
        return rust, f"_wrap({rust})"
    if rust in SCALARS:
        return SCALARS[rust][0], SCALARS[rust][1]
    raise SystemExit(f"gen_types.py: no mapping for Rust type {rust!r}; add it to SCALARS")


def ts_type(rust: str, structs: set[str]) -> str:
    if m := re.fullmatch(r"Option<(.+)>", rust):
        return f"{ts_type(m.group(1), structs)} | null"
    if m := re.fullmatch(r"Vec<(.+)>|\[(.+); \d+\]", rust):
        inner = ts_type(m.group(1) or m.group(2), structs)
        return f"Array<{inner}>"
    if rust in structs:
        return rust
    return SCALARS[rust][2]


def fallback_doc(field: str, rust: str) -> str:
    """A doc line for a field the model leaves undocumented: its name, and the
    model's unit conventions (work in hours, money in currency units)."""
    text = field.replace("_", " ").capitalize()
    inner = re.sub(r"^Option<(.+)>$", r"\1", rust)
    words = set(field.split("_"))
    if inner == "f64" and "percent" in words:
        text += " (0-100)"
    elif inner == "f64" and words & {"work"}:
        text += " (hours)"
    elif inner == "f64" and words & {"cost", "rate", "acwp", "bcws", "bcwp", "cv", "sv", "use"}:
        text += " (currency units)"
    elif inner == "DateTime":
        text += " (local time)"
    return text + "."


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


HEADER = "# Generated by bindings/gen_types.py from mpp-core/src/model/mod.rs; do not edit.\n"


def gen_python(model) -> tuple[str, str]:
    structs = {name for name, _, _ in model} - SKIP
    py = [
        HEADER,
        '"""Typed views of the model\'s records (see `mpp_core.Project`)."""',
        "",
        "from ._base import (  # noqa: F401",
        "    Record, _children, _datetime, _duration, _field, _field_value, _list, _time, _time_factors, _wrap,",
        ")",
        "",
        "",
    ]
    pyi = [
        HEADER,
        "import datetime",
        "from typing import Any, Optional",
        "",
        "from ._base import Duration, Record, TimeFactors, TimeUnit",
        "",
    ]
    for name, doc, fields in model:
        if name in SKIP:
            continue
        # Classes are referenced by later lambdas only, so order does not matter at runtime.
        py.append(f"class {name}(Record):")
        py.append(f"    {doc!r}" if doc else f"    {name!r}")
        py.append("")
        pyi.append("")
        pyi.append(f"class {name}(Record):")
        if doc:
            pyi.append(f"    {doc!r}")
        for field, rust, fdoc in fields:
            ann, conv = py_type(rust, structs)
            conv_src = f"lambda v, p: {conv}(v, p)" if conv else "None"
            if keyword.iskeyword(field):
                py.append(f"    {field}_ = _field({conv_src}, {fdoc!r}, {field!r})")
            else:
                py.append(f"    {field} = _field({conv_src}, {fdoc!r})")
            pyi.append("    @property")
            pyi.append(f"    def {field}{'_' if keyword.iskeyword(field) else ''}(self) -> {ann}:")
            pyi.append(f"        {fdoc!r}" if fdoc else "        ...")
            if fdoc:
                pyi.append("        ...")
        for field, ann, getter, fdoc in EXTRAS.get(name, []):
            py.append(f"    {field} = property({getter}, doc={fdoc!r})")
            pyi.append("    @property")
            pyi.append(f"    def {field}(self) -> {ann}:")
            pyi.append(f"        {fdoc!r}")
            pyi.append("        ...")
        py.append("")
        py.append("")
    py.append(f"__all__ = {sorted(structs)!r}")
    return "\n".join(py) + "\n", "\n".join(pyi) + "\n"


def gen_ts(model) -> str:
    structs = {name for name, _, _ in model}
    out = [
        "// Generated by bindings/gen_types.py from mpp-core/src/model/mod.rs; do not edit.",
        "// Dates are local wall-clock ISO strings without a zone (`2024-01-31T08:00:00`).",
        "",
        "export type TimeUnit =",
        '  | "Minutes" | "ElapsedMinutes" | "Hours" | "ElapsedHours" | "Days" | "ElapsedDays"',
        '  | "Weeks" | "ElapsedWeeks" | "Months" | "ElapsedMonths" | "Years" | "ElapsedYears"',
        '  | "Percent" | "ElapsedPercent"',
        "",
        "export interface Duration {",
        "  value: number",
        "  units: TimeUnit",
        "}",
        "",
        "export interface TimeFactors {",
        "  minutesPerDay: number",
        "  minutesPerWeek: number",
        "  daysPerMonth: number",
        "}",
    ]
    for name, doc, fields in model:
        out.append("")
        if doc:
            out.append(f"/** {doc} */")
        out.append(f"export interface {name} {{")
        for field, rust, fdoc in fields:
            if fdoc:
                out.append(f"  /** {fdoc} */")
            out.append(f"  {camel(field)}: {ts_type(rust, structs)}")
        out.append("}")
    return "\n".join(out) + "\n"


def main() -> int:
    model = parse_model(MODEL.read_text())
    py, pyi = gen_python(model)
    outputs = {PY_OUT: py, PYI_OUT: pyi, TS_OUT: gen_ts(model)}
    if "--check" in sys.argv:
        stale = [str(p.relative_to(ROOT)) for p, text in outputs.items() if not p.exists() or p.read_text() != text]
        if stale:
            print("stale generated files (run python3 bindings/gen_types.py):", *stale)
            return 1
        print("generated binding types are up to date")
        return 0
    for path, text in outputs.items():
        path.write_text(text)
        print("wrote", path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
