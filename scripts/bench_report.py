#!/usr/bin/env python3
"""The table of hvstep's exit-path performance (scripts/bench.sh runs this last).

Reads what bench.sh produced (Google Benchmark JSON with median aggregates, callgrind dumps, the
access counts), measures code size (bench/size/hooks.cpp with GCC and clang at -O2, symbol
sizes from nm, callees from objdump) and compile cost (bench/compile_cost/*.cpp), prints the
table as Markdown, writes report.json and exit_path.svg into --out, and with --update-docs puts
the table and the plot into docs/performance.md (between the bench:begin/bench:end markers) and
docs/performance-exit-path.svg. Standard library only; the SVG is written by hand.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

POLICIES = ["vmx-mtf", "vmx-tf", "svm-tf"]
KINDS = ["step_trap", "guest_db", "unrelated", "after_emulation", "arm", "disarm", "before_entry"]
PEERS = {
    "vmx-mtf": ["xen-style", "vbox-style"],
    "vmx-tf": ["kvm-style", "vbox-style"],
    "svm-tf": ["kvm-style", "vbox-style"],
}
IMPLS = {p: ["hvstep", "floor"] + PEERS[p] for p in POLICIES}
COLORS = {
    "hvstep": "#1f5fbf",
    "floor": "#9a9a9a",
    "kvm-style": "#e07b00",
    "xen-style": "#2e8b57",
    "vbox-style": "#8e44ad",
}
TARGET_PEER = 1.0
TARGET_FLOOR = 1.15
TARGET_BYTES = 512
HOOKS = ["on_exit", "after_emulation", "before_entry", "arm", "disarm"]


def case(policy, kind, impl):
    return f"exit/{policy}/{kind}/{impl}"


# ---- inputs --------------------------------------------------------------------------------------
def load_times(path):
    """Median CPU time (ns) of every benchmark, and the context of the run."""
    with open(path) as f:
        data = json.load(f)
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    medians, cvs = {}, {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        agg = b.get("aggregate_name")
        if agg == "median":
            medians[name] = b["cpu_time"] * scale[b.get("time_unit", "ns")]
        elif agg == "cv":
            cvs[name] = b["cpu_time"]
        elif agg is None and name not in medians:  # a run without repetitions
            medians[name] = b["cpu_time"] * scale[b.get("time_unit", "ns")]
    return medians, cvs, data.get("context", {})


def load_callgrind(directory, iterations):
    """Instructions per operation of every case, the toggling cost ("empty") subtracted."""
    totals = {}
    for entry in os.listdir(directory):
        if not entry.startswith("cg.out"):
            continue
        name, total = None, None
        with open(os.path.join(directory, entry)) as f:
            for line in f:
                if line.startswith("desc: Trigger: Client Request:"):
                    name = line.split(":", 3)[3].strip()
                elif line.startswith(("summary:", "totals:")) and total is None:
                    total = int(line.split()[1])
                if name is not None and total is not None:
                    break
        if name is not None and total is not None:
            totals[name] = total
    empty = totals.pop("empty", 0)
    return {name: (total - empty) / iterations for name, total in totals.items()}


def load_accesses(path):
    with open(path) as f:
        return json.load(f)


# ---- code size -----------------------------------------------------------------------------------
def code_size(source_dir, compiler):
    """Bytes of .text of each hook wrapper, alone and with the non-inlined functions it reaches."""
    with tempfile.TemporaryDirectory() as tmp:
        obj = os.path.join(tmp, "hooks.o")
        subprocess.run([compiler, "-std=c++17", "-O2", "-I", os.path.join(source_dir, "include"), "-c",
                        os.path.join(source_dir, "bench", "size", "hooks.cpp"), "-o", obj], check=True)
        sizes = {}
        for line in subprocess.run(["nm", "-C", "--size-sort", "-S", obj], check=True, capture_output=True,
                                   text=True).stdout.splitlines():
            parts = line.split(None, 3)
            if len(parts) == 4 and parts[2] in "tTwW":
                sizes[parts[3]] = int(parts[1], 16)
        calls = {}
        current = None
        dump = subprocess.run(["objdump", "-dr", "-C", "--no-show-raw-insn", obj], check=True, capture_output=True,
                              text=True).stdout
        for line in dump.splitlines():
            header = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
            if header:
                current = header.group(1)
                calls.setdefault(current, set())
                continue
            if current is None:
                continue
            reloc = re.search(r"R_X86_64_(?:PLT32|PC32)\s+(.*?)(?:[+-]0x[0-9a-f]+)?$", line)
            if reloc:
                calls[current].add(reloc.group(1))
                continue
            direct = re.search(r"\s(?:call|jmp)\s+[0-9a-f]+ <(.*?)(?:\+0x[0-9a-f]+)?>$", line)
            if direct and direct.group(1) != current:
                calls[current].add(direct.group(1))
        result = {}
        for name, size in sizes.items():
            m = re.match(r"^hvstep_size::(\w+?)__(\w+)\(", name)
            if not m:
                continue
            seen, todo = {name}, [name]
            while todo:
                for callee in calls.get(todo.pop(), ()):
                    if callee in sizes and callee not in seen:
                        seen.add(callee)
                        todo.append(callee)
            callees = sorted(seen - {name})
            result[f"{m.group(1).replace('_', '-')}/{m.group(2)}"] = {
                "own": size,
                "total": sum(sizes[s] for s in seen),
                "callees": {c: sizes[c] for c in callees},
            }
        return result


def compiler_version(compiler):
    """A short label: the driver's name and its version, e.g. "g++ 12.2.0"."""
    flag = "-dumpfullversion" if compiler.startswith("g++") else "-dumpversion"
    try:
        version = subprocess.run([compiler, flag], capture_output=True, text=True).stdout.strip()
    except OSError:
        version = ""
    return f"{compiler} {version}".strip()


# ---- compile cost --------------------------------------------------------------------------------
def compile_cost(source_dir, compiler, runs):
    """Median wall time of compiling a TU that includes hvstep/hvstep.hpp, and of the baseline TU."""
    files = {name: os.path.join(source_dir, "bench", "compile_cost", f"{name}.cpp") for name in ("baseline", "with_hvstep")}
    times = {name: [] for name in files}
    command = [compiler, "-std=c++17", "-O2", "-I", os.path.join(source_dir, "include"), "-c", "-o", os.devnull]
    for _ in range(runs):
        for name, path in files.items():  # interleaved, so drifting load hits both alike
            start = time.perf_counter()
            subprocess.run(command + [path], check=True)
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(v) for name, v in times.items()}
    return {"baseline_ms": medians["baseline"] * 1e3, "hvstep_ms": medians["with_hvstep"] * 1e3,
            "ratio": medians["with_hvstep"] / medians["baseline"], "runs": runs}


# ---- the table -----------------------------------------------------------------------------------
def fmt(x, digits=1):
    return "–" if x is None else f"{x:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


# A net time below this is within the noise of subtracting the reset: its ratios get a dagger.
NOISE_NS = 0.5


def mark(r, limit, noisy=False):
    if r is None:
        return "–"
    text = f"{r:.2f}" if r < 10 else f"{r:.0f}"
    if noisy:
        text += "†"
    return f"**{text}**" if r > limit + 1e-9 else text


def time_mark(h, other, limit):
    return mark(ratio(h, other), limit, other is not None and other < NOISE_NS)


def build(args):
    times, cvs, context = load_times(args.benchmark_json) if args.benchmark_json else ({}, {}, {})
    instructions = load_callgrind(args.callgrind_dir, args.callgrind_iterations) if args.callgrind_dir else {}
    accesses = load_accesses(args.accesses_json) if args.accesses_json else {}
    rows = []
    for policy in POLICIES:
        for kind in KINDS:
            row = {"policy": policy, "kind": kind, "impls": {}}
            for impl in IMPLS[policy]:
                name = case(policy, kind, impl)
                raw = times.get(name)
                reset = times.get(f"reset/{policy}/{impl}")
                net = None if raw is None else max(raw - (reset or 0.0), 0.05)
                acc = accesses.get(name)
                row["impls"][impl] = {
                    "ns_raw": raw,
                    "ns_reset": reset,
                    "ns": net,
                    "cv": cvs.get(name),
                    "ir": instructions.get(name),
                    "reads": None if acc is None else acc["reads"],
                    "writes": None if acc is None else acc["writes"],
                }
            rows.append(row)
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": args.command,
        "host": {
            "cpus": context.get("num_cpus"),
            "mhz": context.get("mhz_per_cpu"),
            "load_avg": context.get("load_avg"),
            "machine": platform.machine(),
            "benchmark_build_type": context.get("library_build_type"),
        },
        "repetitions": None,
        "callgrind_iterations": args.callgrind_iterations if args.callgrind_dir else None,
        "rows": rows,
        "code_size": {},
        "compile_cost": {},
    }
    for compiler in ("g++", "clang++"):
        if shutil.which(compiler) is None:
            continue
        label = compiler_version(compiler)
        if not args.skip_size:
            report["code_size"][label] = code_size(args.source_dir, compiler)
        if args.compile_runs > 0:
            report["compile_cost"][label] = compile_cost(args.source_dir, compiler, args.compile_runs)
    return report


def access_text(impl):
    if impl["reads"] is None:
        return "–"
    return f"{len(impl['reads'])}R {len(impl['writes'])}W"


def extra_accesses(h, f):
    """hvstep's accesses beyond the floor's, as 'R:x,y W:z'."""
    if h["reads"] is None or f["reads"] is None:
        return ""
    def minus(a, b):
        rest = list(a)
        for x in b:
            if x in rest:
                rest.remove(x)
        return rest
    er, ew = minus(h["reads"], f["reads"]), minus(h["writes"], f["writes"])
    parts = []
    if er:
        parts.append("R " + ", ".join(er))
    if ew:
        parts.append("W " + ", ".join(ew))
    return "; ".join(parts)


def markdown(report):
    out = []
    out.append(f"Measured {report['date']} with `{report['command']}` on {report['host']['cpus']} × "
               f"{report['host']['mhz']} MHz ({report['host']['machine']}), load average "
               f"{', '.join(f'{x:.2f}' for x in (report['host']['load_avg'] or []))}.")
    out.append("")
    out.append("Time: median CPU time per operation over the repetitions, the per-iteration reset "
               "subtracted (ns). Instructions: callgrind, per operation. Ratios are hvstep's; "
               f"**bold** misses the target (≤ {TARGET_PEER:.2f}× every baseline, ≤ {TARGET_FLOOR:.2f}× the floor); "
               f"† marks a denominator below {NOISE_NS} ns, where subtracting the reset leaves mostly noise "
               "(the instruction ratio is the one to read there).")
    for policy in POLICIES:
        peers = PEERS[policy]
        out.append("")
        out.append(f"#### {policy} (baselines: {', '.join(peers)})")
        out.append("")
        head = ["exit kind"] + [f"{i} ns" for i in IMPLS[policy]] + ["÷floor"] + [f"÷{p}" for p in peers]
        head += [f"{i} Ir" for i in IMPLS[policy]] + ["÷floor"] + [f"÷{p}" for p in peers]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for row in (r for r in report["rows"] if r["policy"] == policy):
            im = row["impls"]
            h = im["hvstep"]
            cells = [row["kind"]] + [fmt(im[i]["ns"]) for i in IMPLS[policy]]
            cells.append(time_mark(h["ns"], im["floor"]["ns"], TARGET_FLOOR))
            cells += [time_mark(h["ns"], im[p]["ns"], TARGET_PEER) for p in peers]
            cells += [fmt(im[i]["ir"], 0) for i in IMPLS[policy]]
            cells.append(mark(ratio(h["ir"], im["floor"]["ir"]), TARGET_FLOOR))
            cells += [mark(ratio(h["ir"], im[p]["ir"]), TARGET_PEER) for p in peers]
            out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out.append("#### Field accesses per exit kind (reads R, writes W; VMX baselines counted too)")
    out.append("")
    out.append("| policy | exit kind | hvstep | floor | " + " | ".join(["baseline 1", "baseline 2"]) +
               " | hvstep beyond the floor |")
    out.append("|---|---|---|---|---|---|---|")
    for row in report["rows"]:
        im = row["impls"]
        peers = PEERS[row["policy"]]
        extra = extra_accesses(im["hvstep"], im["floor"])
        h, f = im["hvstep"], im["floor"]
        same = h["reads"] is not None and sorted(h["reads"]) == sorted(f["reads"]) and sorted(h["writes"]) == sorted(f["writes"])
        hv = access_text(h) if same or h["reads"] is None else f"**{access_text(h)}**"
        cells = [row["policy"], row["kind"], hv, access_text(f)]
        cells += [f"{p}: {access_text(im[p])}" for p in peers]
        cells.append(extra or ("=" if same else ""))
        out.append("| " + " | ".join(cells) + " |")
    if report["code_size"]:
        out.append("")
        out.append(f"#### Code size of each hook (bytes of .text at -O2; own + non-inlined callees; target ≤ {TARGET_BYTES})")
        out.append("")
        compilers = list(report["code_size"])
        out.append("| policy | hook | " + " | ".join(compilers) + " |")
        out.append("|---|---|" + "---|" * len(compilers))
        for policy in POLICIES:
            for hook in HOOKS:
                cells = [policy, hook]
                for c in compilers:
                    entry = report["code_size"][c].get(f"{policy}/{hook}")
                    if entry is None:
                        cells.append("–")
                        continue
                    total = entry["total"]
                    text = f"{total}" if not entry["callees"] else f"{total} ({entry['own']} + {total - entry['own']})"
                    cells.append(f"**{text}**" if total > TARGET_BYTES else text)
                out.append("| " + " | ".join(cells) + " |")
        callees = {}
        for c in compilers:
            for hook, entry in report["code_size"][c].items():
                for name, size in entry["callees"].items():
                    callees.setdefault((c, short(name), size), []).append(hook)
        if callees:
            out.append("")
            out.append("Not inlined (counted in every hook above that reaches it):")
            out.append("")
            for (c, name, size), hooks in sorted(callees.items()):
                out.append(f"- {c}: `{name}` {size} B — {', '.join(sorted(set(hooks)))}")
    if report["compile_cost"]:
        out.append("")
        out.append("#### Compile cost of `#include <hvstep/hvstep.hpp>` (-std=c++17 -O2 -c, median wall time)")
        out.append("")
        out.append("| compiler | <cstdint> + <type_traits> | hvstep/hvstep.hpp | ratio | runs |")
        out.append("|---|---|---|---|---|")
        for c, r in report["compile_cost"].items():
            out.append(f"| {c} | {r['baseline_ms']:.0f} ms | {r['hvstep_ms']:.0f} ms | {r['ratio']:.2f}× | {r['runs']} |")
    return "\n".join(out) + "\n"


def short(name):
    """A symbol without its parameter list and namespaces' inline v0."""
    name = name.replace("hvstep::v0::", "hvstep::")
    depth, cut = 0, len(name)
    for i, ch in enumerate(name):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0:
            cut = i
            break
    return name[:cut]


# ---- the plot ------------------------------------------------------------------------------------
def svg(report):
    width, panel_h, top, left, right = 900, 230, 40, 60, 150
    height = top + panel_h * len(POLICIES) + 20
    group_w = (width - left - right) / len(KINDS)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{left}" y="18" font-size="14" font-weight="bold">hvstep exit path: median time per '
             f'operation (ns, reset subtracted)</text>',
             f'<text x="{left}" y="32" fill="#555">{report["date"]} · {report["command"]}</text>']
    for p_index, policy in enumerate(POLICIES):
        y0 = top + p_index * panel_h
        plot_top, plot_bottom = y0 + 22, y0 + panel_h - 40
        rows = [r for r in report["rows"] if r["policy"] == policy]
        values = [r["impls"][i]["ns"] or 0.0 for r in rows for i in IMPLS[policy]]
        vmax = max(values + [1.0])
        step = nice_step(vmax / 4)
        vtop = step * (int(vmax / step) + 1)
        parts.append(f'<text x="{left}" y="{y0 + 14}" font-size="13" font-weight="bold">{policy}</text>')
        for k in range(int(vtop / step) + 1):
            v = k * step
            y = plot_bottom - (plot_bottom - plot_top) * v / vtop
            parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
            parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{v:g}</text>')
        bar_w = group_w * 0.8 / len(IMPLS[policy])
        for k_index, row in enumerate(rows):
            gx = left + k_index * group_w + group_w * 0.1
            for i_index, impl in enumerate(IMPLS[policy]):
                v = row["impls"][impl]["ns"]
                if v is None:
                    continue
                h = (plot_bottom - plot_top) * v / vtop
                x = gx + i_index * bar_w
                parts.append(f'<rect x="{x:.1f}" y="{plot_bottom - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                             f'fill="{COLORS[impl]}"><title>{impl} {row["kind"]}: {v:.1f} ns</title></rect>')
            parts.append(f'<text x="{gx + group_w * 0.4:.1f}" y="{plot_bottom + 14}" text-anchor="middle">'
                         f'{row["kind"]}</text>')
        parts.append(f'<line x1="{left}" y1="{plot_bottom}" x2="{width - right}" y2="{plot_bottom}" stroke="#333"/>')
        for i_index, impl in enumerate(IMPLS[policy]):
            ly = plot_top + i_index * 16
            parts.append(f'<rect x="{width - right + 12}" y="{ly}" width="10" height="10" fill="{COLORS[impl]}"/>')
            parts.append(f'<text x="{width - right + 27}" y="{ly + 9}">{impl}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def nice_step(x):
    if x <= 0:
        return 1.0
    magnitude = 10 ** int(f"{x:e}".split("e")[1])
    for m in (1, 2, 5, 10):
        if x <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


# ---- docs ----------------------------------------------------------------------------------------
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def update_docs(source_dir, table, plot):
    doc = os.path.join(source_dir, "docs", "performance.md")
    with open(doc) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        sys.exit(f"bench_report.py: {doc} has no {BEGIN} ... {END} block")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(doc, "w") as f:
        f.write(head + BEGIN + "\n" + table + END + tail)
    with open(os.path.join(source_dir, "docs", "performance-exit-path.svg"), "w") as f:
        f.write(plot)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--out", required=True)
    parser.add_argument("--benchmark-json")
    parser.add_argument("--accesses-json")
    parser.add_argument("--callgrind-dir")
    parser.add_argument("--callgrind-iterations", type=int, default=1000)
    parser.add_argument("--compile-runs", type=int, default=7)
    parser.add_argument("--skip-size", action="store_true")
    parser.add_argument("--command", default="scripts/bench.sh")
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()

    report = build(args)
    table = markdown(report)
    plot = svg(report)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(table)
    with open(os.path.join(args.out, "exit_path.svg"), "w") as f:
        f.write(plot)
    if args.update_docs:
        update_docs(args.source_dir, table, plot)
    sys.stdout.write(table)


if __name__ == "__main__":
    main()
