"""Same answer everywhere: the XML from Python is byte for byte the CLI's, and the
CLI's XML read back through Python writes the same bytes again."""

from __future__ import annotations

import subprocess

import pytest
from conftest import CORPUS, identity_sample, roundtrip_sample

import mpp_core

SAMPLE = identity_sample()
ROUNDTRIP = roundtrip_sample()
NO_CORPUS = pytest.param(None, marks=pytest.mark.skip(reason=f"corpus not found at {CORPUS}"))


@pytest.mark.parametrize("rel", SAMPLE or [NO_CORPUS])
def test_xml_is_the_cli_xml(rel, corpus, mpp_bin, tmp_path):
    src = corpus / "mpp" / rel
    cli_out = tmp_path / "cli.xml"
    subprocess.run([str(mpp_bin), "convert", str(src), "-o", str(cli_out)], check=True)
    expected = cli_out.read_bytes()

    assert mpp_core.read(src).to_xml().encode() == expected
    assert mpp_core.read(src.read_bytes()).to_xml().encode() == expected
    converted = tmp_path / "py.xml"
    mpp_core.convert(src, converted)
    assert converted.read_bytes() == expected


@pytest.mark.parametrize("rel", ROUNDTRIP or [NO_CORPUS])
def test_cli_xml_read_back_writes_the_same_bytes(rel, corpus, mpp_bin, tmp_path):
    cli_out = tmp_path / "cli.xml"
    subprocess.run([str(mpp_bin), "convert", str(corpus / "mpp" / rel), "-o", str(cli_out)], check=True)
    expected = cli_out.read_bytes()

    assert mpp_core.read(cli_out).to_xml().encode() == expected
    assert mpp_core.read(expected).to_xml().encode() == expected
    again = tmp_path / "again.xml"
    mpp_core.convert(cli_out, again)
    assert again.read_bytes() == expected
