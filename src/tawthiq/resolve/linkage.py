"""Person linkage with Splink: which records of a list are the same person, and why.

Records are plain dicts (``id``, ``name`` and optionally ``rank``, ``birth_year``,
``age`` + ``age_at``, ``origin``, ``units``, ``event_dates``). Their names become the
comparison keys of :mod:`tawthiq.resolve.names`; the model compares those keys and any
other field present (a missing field contributes nothing, so name-only lists work).

The model is declared as data (:data:`COMPARISONS`, :data:`BLOCKING_RULES`): each level
carries prior m/u probabilities used when the input is too small to estimate them
(fewer than :data:`MIN_TRAINING_ROWS` rows) or when estimation fails. Otherwise u is
estimated from the list by random sampling; m keeps its declared value (see ``_train``).
Name words are compared by their rarity in the list (bits of information), so a shared
rare word counts for more than a shared Mohammed, and names written in another order or
with a missing middle name still compare.

Clusters are the connected components of pairs at or above ``threshold``; a component
whose members are not mostly linked to each other (a chain A-B-C-D through look-alike
names) is split again at a stricter threshold, so one shared common name cannot glue
many people together.

All Splink-specific code is in this module: other modules see only :func:`link_records`,
:class:`LinkResult` and :class:`ScoredPair`.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tawthiq.resolve.names import loose_key, name_keys, skeleton
from tawthiq.text import fold

def _name_part(part: str, *, m_same: float, u_same: float) -> dict[str, Any]:
    """Given or family name: the same key, a close spelling (loose key or Jaro-Winkler on
    the phonetic key), or found elsewhere in the other name (names written in another
    order: "HADDAD Omar" / "Omar HADDAD"), which is no evidence either way."""
    key = f"{part}_key"
    elsewhere = {
        "duckdb": f"list_contains(name_tokens_r, {key}_l) OR list_contains(name_tokens_l, {key}_r)",
        "spark": f"array_contains(name_tokens_r, {key}_l) OR array_contains(name_tokens_l, {key}_r)",
    }
    return {
        "name": f"{part}_name",
        "description": f"the {part} name" + (" (last name unit)" if part == "family" else " (first name)"),
        "levels": [
            {"kind": "null", "column": key},
            {"kind": "exact", "column": key, "tf": True, "label": f"same {part} name",
             "m": m_same, "u": u_same},
            {"kind": "sql", "sql": f"{part}_loose_l = {part}_loose_r",
             "label": f"similar {part} name (loose key)", "m": 0.1, "u": 0.01},
            {"kind": "jaro_winkler", "column": f"{part}_phon", "threshold": 0.88,
             "label": f"similar {part} name", "m": 0.05, "u": 0.02},
            {"kind": "sql", "sql": elsewhere, "label": f"{part} name elsewhere in the other name",
             "m": 0.05, "u": 0.05},
            {"kind": "else", "label": f"different {part} name", "m": 1 - m_same - 0.2,
             "u": 1 - u_same - 0.08},
        ],
    }


# Comparison levels, most to least similar; "null" marks the level used when a value is
# missing on either side (it contributes nothing). m / u are the priors used without
# training; the order of the non-null levels is the order Splink numbers them.
COMPARISONS: list[dict[str, Any]] = [
    {
        "name": "name_words",
        "description": "the words of the whole name, in any order, weighed by their rarity",
        "levels": [
            {"kind": "null", "column": "name_tokens"},
            {"kind": "word_overlap", "share": 0.99, "of": "longer", "label": "same words",
             "m": 0.45, "u": 0.0005},
            {"kind": "word_overlap", "share": 0.99, "rarity": 1.0,
             "label": "all words of the shorter name, rare ones among them", "m": 0.25, "u": 0.0005},
            {"kind": "word_overlap", "share": 0.99, "rarity": 0.0,
             "label": "all words of the shorter name, common ones", "m": 0.05, "u": 0.003},
            {"kind": "word_overlap", "share": 0.6, "rarity": 1.0,
             "label": "most words, rare ones among them", "m": 0.15, "u": 0.002},
            {"kind": "word_overlap", "share": 0.6, "rarity": 0.0, "label": "most words",
             "m": 0.07, "u": 0.02},
            {"kind": "word_overlap", "share": 0.01, "rarity": 0.0, "label": "some word shared",
             "m": 0.08, "u": 0.2},
            {"kind": "else", "label": "no word shared", "m": 0.05, "u": 0.7745},
        ],
    },
    _name_part("given", m_same=0.75, u_same=0.05),
    _name_part("family", m_same=0.7, u_same=0.03),
    {
        "name": "full_name_similarity",
        "description": "Jaro-Winkler similarity of the whole name's phonetic key",
        "levels": [
            {"kind": "null", "column": "full_phon"},
            {"kind": "jaro_winkler", "column": "full_phon", "threshold": 0.95, "label": "JW >= 0.95",
             "m": 0.4, "u": 0.05},
            {"kind": "jaro_winkler", "column": "full_phon", "threshold": 0.85, "label": "JW >= 0.85",
             "m": 0.35, "u": 0.03},
            {"kind": "jaro_winkler", "column": "full_phon", "threshold": 0.7, "label": "JW >= 0.7",
             "m": 0.2, "u": 0.4},
            {"kind": "else", "label": "JW < 0.7", "m": 0.05, "u": 0.52},
        ],
    },
    {
        "name": "rank",
        "description": "military rank",
        "levels": [
            {"kind": "null", "column": "rank"},
            {"kind": "exact", "column": "rank", "label": "same rank", "m": 0.8, "u": 0.15},
            {"kind": "else", "label": "different rank", "m": 0.2, "u": 0.85},
        ],
    },
    {
        "name": "birth_year",
        "description": "year of birth, given or derived from an age at a date",
        "levels": [
            {"kind": "null", "column": "birth_year"},
            {"kind": "within", "column": "birth_year", "threshold": 0, "label": "same year",
             "m": 0.6, "u": 0.03},
            {"kind": "within", "column": "birth_year", "threshold": 2, "label": "within 2 years",
             "m": 0.35, "u": 0.1},
            {"kind": "within", "column": "birth_year", "threshold": 5, "label": "within 5 years",
             "m": 0.048, "u": 0.15},
            {"kind": "else", "label": "more than 5 years apart", "m": 0.0002, "u": 0.7218},
        ],
    },
    {
        "name": "origin",
        "description": "place of origin",
        "levels": [
            {"kind": "null", "column": "origin_key"},
            {"kind": "exact", "column": "origin_key", "label": "same origin", "m": 0.8, "u": 0.1},
            {"kind": "else", "label": "different origin", "m": 0.2, "u": 0.9},
        ],
    },
    {
        "name": "units",
        "description": "military units served in",
        "levels": [
            {"kind": "null", "column": "units"},
            {"kind": "intersect", "column": "units", "min": 1, "label": "a unit in common",
             "m": 0.6, "u": 0.05},
            {"kind": "else", "label": "no unit in common", "m": 0.4, "u": 0.95},
        ],
    },
    {
        "name": "event_years",
        "description": "years of events the person took part in",
        "levels": [
            {"kind": "null", "column": "event_years"},
            {"kind": "intersect", "column": "event_years", "min": 1, "label": "an event year in common",
             "m": 0.7, "u": 0.2},
            {"kind": "else", "label": "no event year in common", "m": 0.3, "u": 0.8},
        ],
    },
]

# Candidate pairs: any rule may find a pair. Each stays small on large lists: a common
# family name is split by the given name's first letter and vice versa; rare words
# and loose keys (at most RARE_WORD_MAX_RECORDS records each) catch reordered and partly missing names.
BLOCKING_RULES: list[dict[str, Any]] = [
    {"columns": ["family_key", "given_initial"]},
    {"columns": ["given_key", "family_initial"]},
    {"columns": ["name_set"]},
    {"columns": ["given_key", "father_key"]},
    {"columns": ["father_key", "family_key"]},
    {"columns": ["rare_word"], "explode": ["rare_word"]},
    {"columns": ["rare_loose"], "explode": ["rare_loose"]},
]

RARE_WORD_MAX_RECORDS = 50
MIN_TRAINING_ROWS = 200
DEFAULT_THRESHOLD = 0.9
# A cluster is coherent when at least half of its member pairs are links (0.3 let chains
# through look-alike names stand; measured on real spellings).
MIN_CLUSTER_DENSITY = 0.5
STRICTER_STEP = 2.0  # match weight added per re-split of an incoherent cluster

logger = logging.getLogger(__name__)


class LinkageError(Exception):
    """Linkage cannot run (bad records, missing backend); the message says why."""


@dataclass
class ScoredPair:
    """A compared pair. ``contributions`` starts with the prior ("prior") and has one entry
    per comparison (``comparison``, ``level``, ``bayes_factor``, ``log2_weight``); their
    ``log2_weight`` values sum to ``match_weight``."""

    left_id: Hashable
    right_id: Hashable
    match_weight: float
    match_probability: float
    contributions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LinkResult:
    """Clusters of a list.

    ``clusters`` maps every record id to a cluster id (the smallest-positioned member's id).
    ``cluster_probability`` maps every id to the highest match probability between the
    record and another member of its cluster, or None for a record alone in its cluster.
    ``pairs`` are the candidate pairs scored at or above ``threshold``.
    """

    clusters: dict[Hashable, Hashable]
    cluster_probability: dict[Hashable, float | None]
    pairs: list[ScoredPair]
    threshold: float
    trained: bool
    _scorer: Callable[[Hashable, Hashable], ScoredPair] | None = field(default=None, repr=False)

    def explain(self, left_id: Hashable, right_id: Hashable) -> ScoredPair:
        """Score any two records of the list, whether or not blocking compared them."""
        if self._scorer is None:
            raise LinkageError("this result has no model to explain pairs with")
        return self._scorer(left_id, right_id)


# ---------------------------------------------------------------- record features

YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    match = YEAR.search(str(value))
    return int(match.group(1)) if match else None


def _birth_year(record: dict) -> int | None:
    year = _year(record.get("birth_year"))
    if year is not None:
        return year
    age, at = record.get("age"), _year(record.get("age_at"))
    try:
        return at - int(age) if age not in (None, "") and at is not None else None
    except (TypeError, ValueError):
        return None


def _key_list(values: Any) -> list[str] | None:
    if not values:
        return None
    if isinstance(values, str):
        values = [values]
    keys = sorted({fold(str(v)).strip() for v in values if str(v).strip()})
    return keys or None


def record_features(records: Sequence[dict]) -> list[dict[str, Any]]:
    """One row of comparison columns per record (``unique_id`` = position in ``records``).

    Each name word carries its information in bits, log2(N / records with the word), for
    its skeleton and for its loose key (see :func:`tawthiq.resolve.names.loose_key`)."""
    keys = [name_keys(str(r.get("name") or "")) for r in records]
    words = [sorted(set(k.words)) for k in keys]
    loose = [[loose_key(w) for w in ws] for ws in words]
    frequency = Counter(w for ws in words for w in ws)
    loose_frequency = Counter(x for xs in loose for x in set(xs))
    n = max(len(records), 2)
    rows = []
    for position, (record, k, tokens, loose_tokens) in enumerate(zip(records, keys, words, loose)):
        bits = [math.log2(n / frequency[t]) for t in tokens]
        origin = " ".join(skeleton(w) for w in fold(str(record.get("origin") or "")).split())
        years = sorted({y for d in (record.get("event_dates") or []) if (y := _year(d))})
        rank = fold(str(record.get("rank") or "")).strip()
        rows.append({
            "unique_id": position,
            "name_raw": fold(str(record.get("name") or "")).strip() or None,
            "name_set": " ".join(tokens) or None,
            "name_tokens": tokens or None,
            "token_bits": bits or None,
            "loose_tokens": loose_tokens or None,
            "loose_bits": [math.log2(n / loose_frequency[x]) for x in loose_tokens] or None,
            "name_bits": sum(bits) if tokens else None,
            "rare_word": [t for t in tokens if frequency[t] <= RARE_WORD_MAX_RECORDS] or None,
            "rare_loose": sorted({x for x in loose_tokens if loose_frequency[x] <= RARE_WORD_MAX_RECORDS})
            or None,
            "given_key": k.given or None,
            "given_phon": k.given_phonetic or None,
            "given_loose": loose_key(k.given) or None,
            "given_initial": k.given[:1] or None,
            "family_key": k.family or None,
            "father_key": k.father or None,
            "family_phon": k.family_phonetic or None,
            "family_loose": loose_key(k.family) or None,
            "family_initial": k.family[:1] or None,
            "full_phon": k.full_phonetic or None,
            "rank": rank or None,
            "birth_year": _birth_year(record),
            "origin_key": origin.strip() or None,
            "units": _key_list(record.get("units")),
            "event_years": [str(y) for y in years] or None,
        })
    return rows


# ---------------------------------------------------------------- Splink model


# Rarity-weighted word overlap: the information (bits) of the words two names share. A word
# shares its skeleton's bits when the other name has the same skeleton, else its loose key's
# (fewer) bits when the other name has the same loose key. Computed from both sides, the
# smaller taken; compared with the shorter (or longer) name's information and with log2 N.
_SIDE_BITS = {
    "duckdb": "coalesce(list_sum(list_transform(name_tokens_{a}, (x, i) -> CASE "
              "WHEN list_contains(name_tokens_{b}, x) THEN token_bits_{a}[i] "
              "WHEN list_contains(loose_tokens_{b}, loose_tokens_{a}[i]) THEN loose_bits_{a}[i] "
              "ELSE 0 END)), 0)",
    "spark": "aggregate(sequence(1, size(name_tokens_{a})), 0D, (acc, i) -> acc + CASE "
             "WHEN array_contains(name_tokens_{b}, element_at(name_tokens_{a}, i)) "
             "THEN element_at(token_bits_{a}, i) "
             "WHEN array_contains(loose_tokens_{b}, element_at(loose_tokens_{a}, i)) "
             "THEN element_at(loose_bits_{a}, i) ELSE 0D END)",
}


def _word_overlap_sql(spec: dict[str, Any], backend: str, log2_n: float) -> str:
    side = _SIDE_BITS[backend]
    shared = f"least({side.format(a='l', b='r')}, {side.format(a='r', b='l')})"
    size = "len" if backend == "duckdb" else "size"
    basis = "greatest" if spec.get("of") == "longer" else "least"
    # The size tests name the list columns outside the lambdas, where Splink sees them.
    condition = " AND ".join(f"{size}({c}_{x}) > 0" for c in ("token_bits", "loose_tokens", "loose_bits") for x in "lr")
    condition += f" AND {shared} >= {spec['share']} * {basis}(name_bits_l, name_bits_r)"
    if spec.get("rarity"):
        condition += f" AND {shared} >= {spec['rarity'] * log2_n:.3f}"
    return condition


def _level(spec: dict[str, Any], with_priors: bool, backend: str = "duckdb", log2_n: float = 10.0):
    """A Splink level from its spec. Term-frequency adjustments only on lists of at least
    MIN_TRAINING_ROWS rows: in a short list every name looks frequent."""
    import splink.comparison_level_library as cll

    kind = spec["kind"]
    column = spec.get("column")
    if kind == "null":
        return cll.NullLevel(column)
    if kind == "exact":
        use_tf = bool(spec.get("tf")) and log2_n >= math.log2(MIN_TRAINING_ROWS)
        level = cll.ExactMatchLevel(column, term_frequency_adjustments=use_tf)
    elif kind == "jaro_winkler":
        level = cll.JaroWinklerLevel(column, spec["threshold"])
    elif kind == "intersect":
        level = cll.ArrayIntersectLevel(column, spec.get("min", 1))
    elif kind == "subset":
        level = cll.ArraySubsetLevel(column)
    elif kind == "sql":
        sql = spec["sql"] if isinstance(spec["sql"], str) else spec["sql"][backend]
        level = cll.CustomLevel(sql, base_dialect_str=backend)
    elif kind == "word_overlap":
        level = cll.CustomLevel(_word_overlap_sql(spec, backend, log2_n), base_dialect_str=backend)
    elif kind == "within":
        level = cll.AbsoluteDifferenceLevel(column, spec["threshold"])
    elif kind == "else":
        level = cll.ElseLevel()
    else:
        raise LinkageError(f"unknown comparison level kind {kind!r}")
    options: dict[str, Any] = {"label_for_charts": spec.get("label", kind)}
    if with_priors:
        options.update(m_probability=spec["m"], u_probability=spec["u"])
    return level.configure(**options)


def _comparison(spec: dict[str, Any], with_priors: bool, backend: str, log2_n: float):
    import splink.comparison_library as cl

    return cl.CustomComparison(
        comparison_levels=[_level(level, with_priors, backend, log2_n) for level in spec["levels"]],
        output_column_name=spec["name"],
        comparison_description=spec.get("description"),
    )


def _blocking_rule(spec: dict[str, Any]):
    from splink import block_on

    return block_on(*spec["columns"], arrays_to_explode=spec.get("explode"))


def _level_labels(comparisons: list[dict]) -> dict[str, dict[int, str]]:
    """gamma value -> label per comparison (Splink numbers non-null levels downwards)."""
    labels: dict[str, dict[int, str]] = {}
    for spec in comparisons:
        levels = [lv for lv in spec["levels"] if lv["kind"] != "null"]
        mapping = {len(levels) - 1 - i: lv.get("label", lv["kind"]) for i, lv in enumerate(levels)}
        mapping[-1] = "missing"
        labels[spec["name"]] = mapping
    return labels


def _db_api(backend: str):
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect()
        # Splink renders SQL lambdas with arrows (x -> ...), which DuckDB 2 only takes with this.
        connection.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")
        return DuckDBAPI(connection)
    if backend == "spark":
        try:
            from pyspark.sql import SparkSession
            from splink import SparkAPI
        except ImportError as exc:
            raise LinkageError(
                "the spark backend needs pyspark, which is not installed (pip install pyspark)"
            ) from exc
        spark = SparkSession.builder.appName("tawthiq-link").getOrCreate()
        return SparkAPI(spark_session=spark)
    raise LinkageError(f"unknown backend {backend!r}: use duckdb or spark")


def _register(db_api, rows: list[dict], backend: str, name: str):
    if backend == "spark":
        return db_api.register(db_api.spark.createDataFrame(rows), dataset_display_name=name)
    import pyarrow as pa

    return db_api.register(pa.Table.from_pylist(rows), dataset_display_name=name)


def _prior_probability(rows: list[dict]) -> float:
    """Share of pairs expected to match before comparing: about one duplicate per record
    (a deduplication list), bounded for tiny and huge inputs."""
    n = max(len(rows), 2)
    return min(0.5, max(1e-7, 1.0 / (n - 1)))


def _train(linker, n_rows: int, on_step: Callable[[str], None]) -> bool:
    """Estimate u by random sampling; False (keep the priors) when that cannot work.

    The m probabilities stay the declared ones: expectation maximisation assumes the
    comparisons independent given the match status, which the name comparisons are not
    (they look at the same words), and on real spellings it measured worse than the
    declared m with estimated u (benchmarks/results/names_real.md)."""
    if n_rows < MIN_TRAINING_ROWS:
        return False
    try:
        on_step("estimating u (random pairs)")
        linker.training.estimate_u_using_random_sampling(max_pairs=min(2e6, n_rows * 200.0), seed=7)
    except Exception as exc:  # Splink raises plain Exceptions on degenerate inputs
        logger.warning("parameter estimation failed, using prior m/u: %s", exc)
        return False
    return True


def _contributions(row: dict, comparisons: list[dict], labels, prior: float) -> list[dict]:
    prior_bf = prior / (1 - prior)
    out = [{"comparison": "prior", "level": f"P(match) = {prior:.3g}",
            "bayes_factor": prior_bf, "log2_weight": math.log2(prior_bf)}]
    for spec in comparisons:
        name = spec["name"]
        weight = float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0)
        gamma = int(row.get(f"gamma_{name}", -1))
        out.append({"comparison": name, "level": labels[name].get(gamma, str(gamma)),
                    "bayes_factor": 2.0**weight, "log2_weight": weight})
    return out


# ---------------------------------------------------------------- clustering


def _components(nodes: Sequence[int], edges: list[tuple[int, int]]) -> list[list[int]]:
    parent = {n: n for n in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for n in nodes:
        groups[find(n)].append(n)
    return list(groups.values())


def cluster_pairs(
    n_records: int,
    weighted_pairs: list[tuple[int, int, float]],
    min_weight: float,
    min_density: float = MIN_CLUSTER_DENSITY,
) -> list[list[int]]:
    """Connected components over pairs with weight >= ``min_weight``; a component with
    fewer than MIN_CLUSTER_DENSITY of its member pairs linked is re-split with a stricter
    weight, so chains through look-alike names do not make giant clusters."""
    by_node: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for pair in weighted_pairs:
        by_node[pair[0]].append(pair)
    clusters: list[list[int]] = []
    work = [(list(range(n_records)), min_weight)]
    while work:
        nodes, weight = work.pop()
        members = set(nodes)
        edges = [(a, b) for n in nodes for a, b, w in by_node[n] if w >= weight and b in members]
        for component in _components(nodes, edges):
            size = len(component)
            inside = set(component)
            links = sum(1 for a, b in edges if a < b and a in inside)
            if size > 3 and links < min_density * size * (size - 1) / 2:
                work.append((component, weight + STRICTER_STEP))
            else:
                clusters.append(sorted(component))
    return clusters


# ---------------------------------------------------------------- entry point


def link_records(
    records: list[dict],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    backend: str = "duckdb",
    train: bool = True,
    comparisons: list[dict[str, Any]] | None = None,
    blocking_rules: list[dict[str, Any]] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> LinkResult:
    """Cluster ``records`` into persons. ``threshold`` is a match probability; ``train``
    False keeps the declared priors. ``comparisons`` / ``blocking_rules`` replace the
    default model (same data format as :data:`COMPARISONS` / :data:`BLOCKING_RULES`).
    ``on_step`` receives a short description of each stage, for progress display."""
    step = on_step or (lambda _message: None)
    comparisons = comparisons if comparisons is not None else COMPARISONS
    blocking_rules = blocking_rules if blocking_rules is not None else BLOCKING_RULES
    if not 0 < threshold < 1:
        raise LinkageError(f"threshold must be a probability between 0 and 1, not {threshold}")
    ids = [r.get("id") for r in records]
    if len(set(ids)) != len(ids):
        raise LinkageError("record ids must be unique")
    if len(records) < 2:
        return LinkResult({i: i for i in ids}, {i: None for i in ids}, [], threshold, False,
                          _scorer=None)

    from splink import Linker, SettingsCreator

    step("preparing name keys")
    rows = record_features(records)
    prior = _prior_probability(rows)
    db_api = _db_api(backend)
    table = _register(db_api, rows, backend, "records")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=[_comparison(spec, True, backend, math.log2(len(rows))) for spec in comparisons],
        blocking_rules_to_generate_predictions=[_blocking_rule(r) for r in blocking_rules],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,  # keeps the gamma (level) columns
    )
    linker = Linker(table, settings, log_level=None)
    trained = train and _train(linker, len(rows), step)

    step("scoring candidate pairs")
    floor = min(threshold, 0.5)
    predictions = linker.inference.predict(threshold_match_probability=floor, warning_mode="never")
    scored = predictions.as_record_list()
    labels = _level_labels(comparisons)

    def to_pair(row: dict) -> ScoredPair:
        return ScoredPair(
            left_id=ids[row["unique_id_l"]], right_id=ids[row["unique_id_r"]],
            match_weight=float(row["match_weight"]), match_probability=float(row["match_probability"]),
            contributions=_contributions(row, comparisons, labels, prior),
        )

    step("clustering")
    min_weight = math.log2(threshold / (1 - threshold))
    weighted = [(r["unique_id_l"], r["unique_id_r"], float(r["match_weight"])) for r in scored]
    weighted += [(b, a, w) for a, b, w in weighted]
    groups = cluster_pairs(len(rows), weighted, min_weight)

    best: dict[int, float] = {}
    cluster_of: dict[int, int] = {}
    for group in groups:
        for member in group:
            cluster_of[member] = group[0]
    for row in scored:
        a, b, p = row["unique_id_l"], row["unique_id_r"], float(row["match_probability"])
        if cluster_of[a] == cluster_of[b]:
            best[a] = max(best.get(a, 0.0), p)
            best[b] = max(best.get(b, 0.0), p)

    def scorer(left_id: Hashable, right_id: Hashable) -> ScoredPair:
        position = {record_id: i for i, record_id in enumerate(ids)}
        try:
            left, right = rows[position[left_id]], rows[position[right_id]]
        except KeyError as exc:
            raise LinkageError(f"no record with id {exc.args[0]!r}") from None
        result = linker.inference.score_pair(left, right).as_record_list()
        return to_pair(result[0])

    return LinkResult(
        clusters={ids[i]: ids[cluster_of[i]] for i in range(len(rows))},
        cluster_probability={ids[i]: best.get(i) for i in range(len(rows))},
        pairs=[to_pair(r) for r in scored if float(r["match_probability"]) >= threshold],
        threshold=threshold,
        trained=trained,
        _scorer=scorer,
    )
