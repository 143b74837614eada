"""Ingestion benchmark: 10,000 generated documents of about 8 KB (fictional mixed
English/Arabic text), ingested by the real `tawthiq ingest` command in a child process,
on SQLite and on a throwaway PostgreSQL server.

Records documents per second (wall clock, and per CPU-second of the child, since the
machine is shared), the child's peak memory (getrusage maxrss), and the machine's load.
Writes benchmarks/results/ingest.json and ingest.md.

    python benchmarks/bench_ingest.py [--documents N] [--size BYTES] [--skip-postgres]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tawthiq.devtools.fakedocs import write_corpus
from tawthiq.devtools.pgserver import PostgresServer, PostgresUnavailable

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_SQLITE = 200  # documents per second


def _run_child(args: list[str], env: dict) -> tuple[float, object, subprocess.CompletedProcess]:
    """Run `python -m tawthiq.cli ARGS`; wall time and the child's own rusage (os.wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "tawthiq.cli", *args], env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return wall, usage, subprocess.CompletedProcess(process.args, process.returncode, out.read(), err.read())


def _measure(corpus: Path, count: int, env: dict) -> dict:
    # Migrate first (and warm the imports) so the timing is ingestion only.
    subprocess.run([sys.executable, "-m", "tawthiq.cli", "stats", "--json"], env=env, check=True,
                   capture_output=True)
    startup_wall, startup_usage, _ = _run_child(["stats", "--json"], env)
    load_before = os.getloadavg()[0]
    wall, usage, result = _run_child(["ingest", str(corpus)], env)
    if result.returncode != 0:
        raise SystemExit(f"ingest failed ({result.returncode}): {result.stderr[-2000:]}")
    stats = json.loads(
        subprocess.run([sys.executable, "-m", "tawthiq.cli", "stats", "--json"], env=env, check=True,
                       capture_output=True, text=True).stdout
    )
    if stats["documents"] != count:
        raise SystemExit(f"expected {count} documents in the store, found {stats['documents']}")
    cpu = usage.ru_utime + usage.ru_stime
    startup_cpu = startup_usage.ru_utime + startup_usage.ru_stime
    return {
        "documents": count,
        "wall_seconds": round(wall, 2),
        "documents_per_second": round(count / wall, 1),
        "child_cpu_seconds": round(cpu, 2),
        "documents_per_cpu_second": round(count / cpu, 1),
        "startup_seconds": round(startup_wall, 2),
        # CPU per document once started (imports, Django set-up and migrations check excluded)
        "cpu_ms_per_document": round(1000 * (cpu - startup_cpu) / count, 2),
        "peak_memory_mb": round(usage.ru_maxrss / 1024, 1),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=8000, help="bytes per document (about, UTF-8)")
    parser.add_argument("--skip-postgres", action="store_true")
    options = parser.parse_args()

    results: dict = {
        "benchmark": "ingest",
        "documents": options.documents,
        "document_bytes": options.size,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "note": "Shared 2-core machine: other work ran at the same time; documents_per_cpu_second is the child "
                "process's own CPU time and varies less than the wall-clock rate.",
    }
    with tempfile.TemporaryDirectory(prefix="tawthiq-bench-ingest-") as temp:
        temp_path = Path(temp)
        corpus = temp_path / "corpus"
        started = time.perf_counter()
        paths = write_corpus(corpus, options.documents, size=options.size, seed=2024)
        total_bytes = sum(path.stat().st_size for path in paths)
        results["corpus_megabytes"] = round(total_bytes / 1024 / 1024, 1)
        print(f"generated {len(paths)} documents ({results['corpus_megabytes']} MB) in "
              f"{time.perf_counter() - started:.1f}s", flush=True)

        env = dict(os.environ, TAWTHIQ_DATA_DIR=str(temp_path / "sqlite"))
        env.pop("TAWTHIQ_DATABASE_URL", None)
        results["sqlite"] = _measure(corpus, options.documents, env)
        results["sqlite"]["goal_documents_per_second"] = GOAL_SQLITE
        print("sqlite:", results["sqlite"], flush=True)

        if options.skip_postgres:
            results["postgresql"] = {"skipped": "--skip-postgres"}
        else:
            try:
                with PostgresServer(durable=True) as server:
                    env = dict(os.environ, TAWTHIQ_DATA_DIR=str(temp_path / "pg"), TAWTHIQ_DATABASE_URL=server.url)
                    results["postgresql"] = _measure(corpus, options.documents, env)
            except PostgresUnavailable as exc:
                results["postgresql"] = {"skipped": str(exc)}
            print("postgresql:", results["postgresql"], flush=True)

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "ingest.md").write_text(_markdown(results))
    print(f"wrote {RESULTS / 'ingest.json'} and {RESULTS / 'ingest.md'}")


def _markdown(results: dict) -> str:
    lines = [
        "# Ingestion benchmark",
        "",
        f"{results['documents']:,} generated fictional documents of about {results['document_bytes']:,} bytes "
        f"({results['corpus_megabytes']} MB, mixed English/Arabic UTF-8 .txt), ingested with `tawthiq ingest` "
        "(one transaction per document, search index included) in a child process. "
        f"Machine: {results['machine']['cpus']} CPUs, Python {results['machine']['python']}.",
        "",
        "| database | documents/s (wall) | documents per CPU-second | CPU ms per document | wall s | peak memory MB "
        "| load avg before/after |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in ("sqlite", "postgresql"):
        row = results.get(name, {})
        if "skipped" in row:
            lines.append(f"| {name} | skipped: {row['skipped']} | | | | | |")
            continue
        lines.append(
            f"| {name} | {row['documents_per_second']} | {row['documents_per_cpu_second']} | "
            f"{row['cpu_ms_per_document']} | {row['wall_seconds']} | "
            f"{row['peak_memory_mb']} | {row['load_average_before']} / {row['load_average_after']} |"
        )
    sqlite = results["sqlite"]
    verdict = "met" if sqlite["documents_per_second"] >= GOAL_SQLITE else "NOT met on the wall clock"
    lines += [
        "",
        f"Goal: at least {GOAL_SQLITE} documents/s on SQLite: {verdict}.",
        "",
        results["note"],
        "",
        "Reproduce: `make bench-ingest`.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
