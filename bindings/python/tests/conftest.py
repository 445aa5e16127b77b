"""Shared fixtures: the corpus beside the repository and the release `mpp` binary.

Tests that need them skip, saying why, when they are missing.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("MPP_CORPUS", REPO.parent / "shared" / "corpus"))
MPP_BIN = Path(os.environ.get("MPP_BIN", REPO / "target" / "release" / "mpp"))
# Every STRIDE-th readable corpus file (sorted by path) is checked; 1 checks them all.
STRIDE = int(os.environ.get("MPP_IDENTITY_STRIDE", "10"))


def manifest() -> list[dict[str, str]]:
    with open(CORPUS / "manifest.tsv", newline="") as f:
        return sorted(csv.DictReader(f, delimiter="\t"), key=lambda r: r["path"])


def identity_sample() -> list[str]:
    """The corpus files whose XML must match the CLI's: every STRIDE-th readable
    file plus the largest (the Node suite picks the same ones)."""
    if not (CORPUS / "manifest.tsv").exists():
        return []
    ok = [r for r in manifest() if r["expect"] == "ok"]
    picked = {r["path"] for r in ok[::STRIDE]}
    picked.add(max(ok, key=lambda r: int(r["size"]))["path"])
    return sorted(picked)


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "manifest.tsv").exists():
        pytest.skip(f"corpus not found at {CORPUS} (set MPP_CORPUS)")
    return CORPUS


@pytest.fixture(scope="session")
def mpp_bin() -> Path:
    if not MPP_BIN.exists():
        pytest.skip(f"{MPP_BIN} not built (cargo build --release -p mpp-cli, or set MPP_BIN)")
    return MPP_BIN
