"""Same answer everywhere: the XML from Python is byte for byte the CLI's."""

from __future__ import annotations

import subprocess

import pytest
from conftest import CORPUS, identity_sample

import mpp_core

SAMPLE = identity_sample()


@pytest.mark.parametrize("rel", SAMPLE or [pytest.param(None, marks=pytest.mark.skip(reason=f"corpus not found at {CORPUS}"))])
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
