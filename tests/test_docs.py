"""Docs are tests: every command is documented and has help; the README's Python example runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from stocktake.cli.app import cli

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def test_every_command_is_documented_with_help():
    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert f"`stocktake {name}" in cli_doc, f"docs/cli.md does not document {name}"
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and command.help, name
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in cli_doc, f"docs/cli.md does not mention {name} {opt}"


def test_every_exit_code_is_documented():
    from stocktake.core import errors

    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in dir(errors):
        if name.startswith("EXIT_"):
            assert f"| {getattr(errors, name)} |" in cli_doc, name


def test_readme_first_screen_has_the_two_setup_commands():
    first_screen = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:25])
    assert "make demo" in first_screen and "make test" in first_screen


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data not present: README example reads the Olist sample"
)
def test_readme_python_example_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    monkeypatch.chdir(ROOT)
    code = code.replace('"out/"', repr(str(tmp_path / "out")))
    exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "out" / "findings.json").exists()
