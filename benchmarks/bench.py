"""Benchmark msheets against the floor: what reading or rewriting the same file costs anyway.

    python benchmarks/bench.py                 # 200, 2,000, 10,000 and 50,000 milestones
    python benchmarks/bench.py --sizes 200 2000 --runs 3

Plans are made with `msheets new` plus generated rows (cached in benchmarks/out/). Every
command runs as a subprocess, interpreter start included; the table shows the median of
--runs runs and the peak memory (max RSS) of the process. A command and its floor take
turns, run by run, so a busy spell on a shared machine weighs on both alike; one untimed
run of each comes first (not for 50,000 milestones: caches are warm by then, and it takes
minutes). Subprocesses may write bytecode (as `pip install` does), even when
PYTHONDONTWRITEBYTECODE is set here.

Floors: refresh vs an openpyxl load-and-save of the same file (the floor for a tool that
rewrites the workbook), both for a plan never refreshed ("refresh") and for one refreshed
before ("refresh again": Timeline, Issues and Baseline as long as the plan, the usual
case); check and report vs a python-calamine read of every sheet (the floor for reading).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
AS_OF = "2026-11-23"
PY = sys.executable
MSHEETS = [PY, "-m", "milestone_sheets"]

OWNERS = [f"Owner {i}" for i in range(25)]
PHASES = ["Research", "Planning", "Launch", "Growth", "Review"]
STATUSES = ["Not started", "In progress", "Done", "On hold", "Cancelled", "In progress"]


def make_plan(n: int) -> Path:
    """A plan with n milestones: `msheets new` then generated rows (openpyxl). Every
    milestone's owner is missing from the Team sheet, so each carries one warning and one
    note, as issue 13's benchmark asks."""
    import openpyxl

    from milestone_sheets.write.new_workbook import write_new_workbook

    path = OUT / f"plan-v2-{n}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    write_new_workbook(path, "blank", "en", date(2026, 11, 2), force=True)
    wb = openpyxl.load_workbook(path)
    rnd = random.Random(n)
    team = wb["Team"]
    for i, owner in enumerate(OWNERS, start=2):
        team.cell(i, 1, owner)
        team.cell(i, 4, rnd.choice([20, 30, 40]))
    ms = wb["Milestones"]
    start0 = date(2026, 6, 1)
    for i in range(n):
        r = i + 2
        start = start0 + timedelta(days=rnd.randrange(0, 540))
        due = start + timedelta(days=rnd.randrange(3, 90))
        status = rnd.choice(STATUSES)
        budget = rnd.choice([0, 500, 1000, 2500, "1,000/month", "1.5k"])
        values = [f"M-{i + 1:05d}", f"Milestone {i + 1}", rnd.choice(PHASES),
                  f"Strategy {rnd.randrange(8)}", f"Tactic {rnd.randrange(30)}", None,
                  f"Agency {rnd.randrange(25)}", start, due, budget,
                  rnd.choice([None, 100, 900, 3000]),
                  rnd.choice([None, 4, 8, 16, 40]), rnd.choice([None, 0.1, 0.5, 0.9]), status,
                  due if status == "Done" else None, "A deliverable",
                  f"M-{rnd.randrange(1, i + 1):05d}" if i and rnd.random() < 0.3 else None,
                  None, None, None]
        for c, v in enumerate(values, start=1):
            if v is not None:
                ms.cell(r, c, v)
    wb.save(path)
    return path


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one subprocess."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(cmd)}: {proc.stderr.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def median(cmd_for_run, runs: int, setup=None) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    return interleaved({"": (cmd_for_run, setup)}, runs)[""]


def interleaved(commands: dict, runs: int,  # type: ignore[type-arg]
                warm_up: bool = True) -> dict[str, tuple[float, float]]:
    """name -> (median seconds, peak MB) of commands {name: (cmd_for_run, setup)} run in
    turn, after one untimed run of each (`warm_up`)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(0 if warm_up else 1, runs + 1):
        for name, (cmd_for_run, setup) in commands.items():
            if setup:
                setup()
            t, m = run(cmd_for_run())
            if i:
                times[name].append(t)
                peaks[name].append(m)
    return {name: (statistics.median(times[name]), max(peaks[name])) for name in commands}


FLOOR_SAVE = "import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]); wb.save(sys.argv[2])"
FLOOR_READ = ("import python_calamine as pc,sys; wb=pc.CalamineWorkbook.from_path(sys.argv[1]);"
              " [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]")


def refreshed_plan(n: int) -> Path:
    """The plan of n milestones after one refresh (cached): what a plan looks like from the
    second refresh on, with Timeline, Issues and Baseline as long as the plan."""
    path = OUT / f"plan-v2-{n}-refreshed.xlsx"
    if not path.exists():
        shutil.copy(make_plan(n), path)
        run([*MSHEETS, "refresh", str(path), "--as-of", AS_OF])
        Path(str(path) + ".bak").unlink(missing_ok=True)
    return path


def bench_size(n: int, runs: int, warm_up: bool) -> list[dict]:
    plan, again = make_plan(n), refreshed_plan(n)
    work = OUT / f"work-{n}.xlsx"

    def copy_of(source: Path):  # type: ignore[no-untyped-def]
        def fresh() -> None:
            shutil.copy(source, work)
            Path(str(work) + ".bak").unlink(missing_ok=True)
        return fresh

    def save(source: Path):  # type: ignore[no-untyped-def]
        return lambda: [PY, "-c", FLOOR_SAVE, str(source), str(OUT / "floor.xlsx")]

    refresh = [*MSHEETS, "refresh", str(work), "--as-of", AS_OF]
    got = interleaved({
        "refresh": (lambda: refresh, copy_of(plan)),
        "save": (save(plan), None),
        "refresh again": (lambda: refresh, copy_of(again)),
        "save again": (save(again), None),
        "read": (lambda: [PY, "-c", FLOOR_READ, str(plan)], None),
        "check": (lambda: [*MSHEETS, "check", str(plan), "--as-of", AS_OF], None),
        "report json": (lambda: [*MSHEETS, "report", str(plan), "--format", "json",
                                 "--as-of", AS_OF], None),
    }, runs, warm_up)
    rows = []
    for what, floor, floor_name in (("refresh", "save", "openpyxl load+save"),
                                    ("refresh again", "save again", "openpyxl load+save"),
                                    ("check", "read", "calamine read"),
                                    ("report json", "read", "calamine read")):
        rows.append({"size": n, "what": what, "time": got[what][0], "mem": got[what][1],
                     "floor": got[floor][0], "floor_name": floor_name})
    return rows


def bench_rollup(runs: int) -> dict:
    plan = make_plan(200)
    folder = OUT / "portfolio"
    folder.mkdir(exist_ok=True)
    for i in range(100):
        target = folder / f"client-{i:03d}.xlsx"
        if not target.exists():
            shutil.copy(plan, target)
    t = median(lambda: [*MSHEETS, "rollup", str(folder), "-o", str(OUT / "portfolio.xlsx"),
                        "--as-of", AS_OF], runs)
    return {"size": "100 x 200", "what": "rollup", "time": t[0], "mem": t[1], "floor": None,
            "floor_name": ""}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 10000, 50000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        print(f"benchmarking {n:,} milestones ...", file=sys.stderr)
        # the largest plans: fewer runs, and no untimed one (caches are warm by then)
        big = n > 10000
        rows += bench_size(n, max(1, args.runs - 2) if big else args.runs, warm_up=not big)
    rows.append(bench_rollup(args.runs))
    help_t = median(lambda: [*MSHEETS, "--help"], max(5, args.runs))
    rows.append({"size": "-", "what": "--help", "time": help_t[0], "mem": help_t[1],
                 "floor": None, "floor_name": ""})
    print("| milestones | command | median (s) | floor (s) | ratio | peak MB |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        size = f"{r['size']:,}" if isinstance(r["size"], int) else r["size"]
        floor = f"{r['floor']:.2f} ({r['floor_name']})" if r["floor"] else "-"
        ratio = f"{r['time'] / r['floor']:.2f}x" if r["floor"] else "-"
        print(f"| {size} | {r['what']} | {r['time']:.2f} | {floor} | {ratio} | {r['mem']:.0f} |")
    sizes = [s for s in args.sizes if s in (2000, 50000)]
    if len(sizes) == 2:
        print("\nGrowth from 2,000 to 50,000 milestones (25x the rows):")
        for what in ("refresh", "refresh again", "check", "report json"):
            a = next(r for r in rows if r["size"] == 2000 and r["what"] == what)
            b = next(r for r in rows if r["size"] == 50000 and r["what"] == what)
            print(f"- {what}: time x{b['time'] / a['time']:.1f}, memory x"
                  f"{b['mem'] / a['mem']:.1f}")


if __name__ == "__main__":
    main()
