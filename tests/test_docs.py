"""The README documents every command and option (like sqlite-utils' test_docs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from milestone_sheets.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_command_documented(command):
    assert f"msheets {command}" in README


@pytest.mark.parametrize(("command", "option"), [
    (name, opt) for name, cmd in sorted(cli.commands.items()) for p in cmd.params
    for opt in p.opts if opt.startswith("--") and opt != "--help"])
def test_option_documented(command, option):
    section = README.split(f"### msheets {command}")[1].split("\n### ")[0]
    assert option in section, f"{option} of msheets {command} is not in its README section"


def test_readme_opens_with_the_two_commands():
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", README, re.S)
    assert "msheets" in blocks[0] and "sample_workbooks/" in blocks[0]
    test_command = blocks[1].strip()
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines(), "CI must run exactly the README's test command"


def test_python_api_example_runs(tmp_path, monkeypatch, capsys):
    """The README's Python block, run as written on the bundled sample plan."""
    import shutil

    block = README.split("## Python API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    shutil.copy(ROOT / "sample_workbooks" / "lean-plan-en.xlsx", tmp_path / "plan.xlsx")
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert "df" in scope and len(scope["df"]) == len(scope["plan"].milestones) > 0
    assert "'milestones': 12" in capsys.readouterr().out


def test_main_job_runs(tmp_path, monkeypatch):
    """The README's first command, msheets part: refresh a copy of the sample, then report."""
    from click.testing import CliRunner

    monkeypatch.chdir(ROOT)
    out = tmp_path / "lean-plan-refreshed.xlsx"
    first = re.findall(r"```bash\n(.*?)```", README, re.S)[0]
    assert "msheets refresh sample_workbooks/lean-plan-en.xlsx --output" in first
    result = CliRunner().invoke(cli, ["refresh", "sample_workbooks/lean-plan-en.xlsx",
                                      "--output", str(out)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["report", str(out)])
    assert result.exit_code == 0 and "Lean marketing plan" in result.output
