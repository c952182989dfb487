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


def _usage_line(command: str) -> str:
    """The README's usage line of a command: the first code span of its section."""
    section = README.split(f"### msheets {command}")[1].split("\n### ")[0]
    span = re.search(r"`(msheets " + command + r"\b[^`]*)`", section, re.S)
    assert span, f"msheets {command}: no usage line in its README section"
    return span.group(1).replace("\n", " ")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_usage_line_matches_help(command):
    """The README's usage line names exactly the options `msheets COMMAND --help` lists, with
    the same choices, and an option's short form where it has one."""
    cmd = cli.commands[command]
    usage = _usage_line(command)
    section = README.split(f"### msheets {command}")[1].split("\n### ")[0]
    options = {o: p for p in cmd.params for o in p.opts if o.startswith("--")}
    options.pop("--help", None)
    short = {s: o for o, p in options.items() for s in p.opts if not s.startswith("--")}
    written = {short.get(o, o) for o in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage)}
    assert written == set(options), f"README usage {sorted(written)}, --help {sorted(options)}"
    for opt, param in options.items():
        shorts = [o for o in param.opts if not o.startswith("--")]
        for short in shorts:
            assert short in section, f"{short} ({opt}) of msheets {command} is not in the README"
        choices = getattr(param.type, "choices", None)
        if choices:
            shown = re.search(re.escape(opt) + r" ([\w|]+)", usage)
            assert shown and set(shown.group(1).split("|")) == set(choices), (
                f"{opt}: README {shown and shown.group(1)}, --help {'|'.join(choices)}")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_help_exit_codes_match_readme(command):
    """The exit codes a command's --help promises are said in the same words in its README
    section, and a section that lists exit codes has its help list them too."""
    from click.testing import CliRunner

    help_text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
    section = " ".join(README.split(f"### msheets {command}")[1].split("\n### ")[0].split())
    promised = re.search(r"\bexit(?: code:)? (\d[^.]*)\.", help_text, re.I)
    if "Exit code:" not in section:
        assert promised is None, f"msheets {command} --help lists exit codes; its README not"
        return
    assert promised, f"the README lists exit codes of msheets {command}; its --help does not"
    clauses = promised.group(1).split(", ")
    assert {c[0] for c in clauses} >= {"0", "1", "2"}, clauses
    for clause in clauses:
        assert clause in section, f"msheets {command} --help says {clause!r}; the README does not"


def test_overview_examples_are_commands():
    """`msheets --help` shows example lines; each names a command that exists."""
    from click.testing import CliRunner

    shown = CliRunner().invoke(cli, ["--help"]).output
    examples = re.findall(r"^\s+msheets (\w+)", shown, re.M)
    assert examples and set(examples) <= set(cli.commands)
