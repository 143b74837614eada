"""`tawthiq link` on bad and good CSV input: every row comes out, problems are reported."""

import csv
import importlib.util
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tawthiq.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

ROWS = [
    ("1", "Moath Khaled AL-SMADI", "Daraa"),
    ("2", "Muath al-Samadi", "Deraa"),
    ("3", "Youssef NASSER", "Homs"),
    ("4", "معاذ خالد الصمادي", ""),
]


def write(path: Path, rows, header=("id", "name", "origin"), encoding="utf-8"):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def run(tmp_path, source, *extra):
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["link", "--input", str(source), "--output", str(out), *extra])
    return result, out


def read(out: Path):
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_name_only_list_links_variants_and_keeps_order(tmp_path):
    source = write(tmp_path / "in.csv", [r[:2] for r in ROWS], header=("id", "name"))
    result, out = run(tmp_path, source)
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"] == rows[3]["cluster_id"]
    assert rows[2]["cluster_id"] != rows[0]["cluster_id"]
    assert rows[2]["match_probability"] == ""  # alone in its cluster
    assert float(rows[0]["match_probability"]) >= 0.9


@pytest.mark.parametrize("encoding", ["cp1256", "utf-8-sig"])
def test_windows_1256_and_bom(tmp_path, encoding):
    source = write(tmp_path / "in.csv", ROWS + [("5", "عبد اللطيف حوراني", "درعا"), ("6", "عبداللطيف الحوراني", "")],
                   encoding=encoding)
    result, out = run(tmp_path, source, "--origin-column", "origin")
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert list(rows[0])[:3] == ["id", "name", "origin"]  # no BOM in the first column name
    assert rows[4]["name"] == "عبد اللطيف حوراني" and rows[4]["origin"] == "درعا"
    assert rows[4]["cluster_id"] == rows[5]["cluster_id"]


def test_missing_column_names_it_and_the_columns_present(tmp_path):
    source = write(tmp_path / "in.csv", [r[:2] for r in ROWS], header=("id", "full_name"))
    result, _ = run(tmp_path, source)
    assert result.exit_code != 0
    assert "'name'" in result.output and "'full_name'" in result.output
    assert "Traceback" not in result.output


def test_bad_rows_are_warned_about_and_all_kept(tmp_path):
    rows = ROWS + [("5", "", "Idlib"), ("1", "Khaled OMRAN", "Hama"), ("7", "Khalid Omran"),
                   ("8", "Samir HADDAD", "Homs", "surplus")]
    source = write(tmp_path / "in.csv", rows)
    result, out = run(tmp_path, source, "--id-column", "id")
    assert result.exit_code == 0, result.output
    written = read(out)
    assert len(written) == len(rows)
    assert [r["id"] for r in written] == [r[0] for r in rows]  # original ids, input order
    assert "empty name" in result.output
    assert "duplicate id '1'" in result.output
    assert "cells for 3 columns" in result.output
    empty = written[4]
    assert empty["cluster_id"] and empty["match_probability"] == ""
    # the duplicate id is its own record, linked to its variant, not to record 1
    assert written[5]["cluster_id"] == written[6]["cluster_id"] != written[0]["cluster_id"]
    assert len({r["cluster_id"] for r in written}) == len(written) - 3


def test_extra_columns_are_kept(tmp_path):
    source = write(tmp_path / "in.csv", [(*r, "note " + r[0], "x") for r in ROWS],
                   header=("id", "name", "origin", "notes", "source"))
    result, out = run(tmp_path, source)
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert list(rows[0]) == ["id", "name", "origin", "notes", "source", "cluster_id", "match_probability"]
    assert rows[3]["notes"] == "note 4"


def test_unreadable_input_is_one_line_error(tmp_path):
    result, _ = run(tmp_path, tmp_path / "nope.csv")
    assert result.exit_code != 0 and "cannot read" in result.output


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is not None, reason="pyspark is installed")
def test_spark_backend_missing_is_a_clear_error(tmp_path):
    source = write(tmp_path / "in.csv", ROWS)
    result, _ = run(tmp_path, source, "--backend", "spark")
    assert result.exit_code != 0 and "pyspark" in result.output


@pytest.mark.slow
def test_real_spellings_sample_beats_exact_matching():
    names = ROOT.parent / "shared" / "corpus" / "names" / "clusters.jsonl"
    if not names.is_file():
        pytest.skip(f"names corpus not found at {names}")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_names_real as bench

    rows, truth = bench.load_clusters(names, sample=150)
    predicted, _ = bench.run_cli(rows)
    ours = bench.score(truth, predicted)
    exact = bench.score(truth, bench.exact_baseline(rows))
    assert ours["bcubed"]["f1"] >= exact["bcubed"]["f1"] + 0.25
    assert ours["pairwise"]["f1"] >= exact["pairwise"]["f1"] + 0.3
