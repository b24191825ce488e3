"""The goals, each met or not met, and what meeting the ones not met would take."""

from benchmarks.dataset import DATABASES
from benchmarks.endpoints import SCALE_GOAL, SCALE_GOAL_KEYS
from benchmarks.lineup import FASTAPI, FASTAPI_MATCHED, FLOOR, NINJA, NINJA_MATCHED, PROJECT
from benchmarks.tables import (
    READS,
    SHORT,
    TITLES,
    cpu,
    fmt_ratio,
    keys,
    mean_mib,
    p99_ms,
    ratio,
    sizes,
    table,
)

# The most project / peer CPU per request, all measured side by side in one run:
# (peer, most on reads, most on writes); None: no goal.
CPU_GOALS = [
    (FASTAPI_MATCHED, 0.5, 0.5),
    (NINJA_MATCHED, 0.5, 0.5),
    (FASTAPI, 0.5, 1.0),
    (NINJA, 1.0, None),
]
FLOOR_GOALS = {"one": 2.0, "list": 2.0}
# What kind of row each goal is about, for "What is left".
KINDS = {
    "icontains": "substring search",
    "search": "substring search",
    "name_icontains_selective": "substring search",
    "search_selective": "substring search",
    "by_id": "orderings",
    "by_name": "orderings",
    "by_name_desc": "orderings",
    "by_age_asc": "orderings",
    "by_age": "orderings",
    "after_deep": "deep page",
}
WRITES = "writes"
# What meeting a kind's goals would take, as far as the profile and the ablation tell.
REMEDIES = {
    "reads": "the rows left are serving and dispatch: Django's handler and middleware, DRF's"
    " Request and filter backends, the paginator's queries; compiled queries for filtered"
    " pages (one hero and the first page have them) and fewer middleware per JSON read.",
    WRITES: "each write pays token authentication, model permissions, DRF's serializer and"
    " dispatch, the history row and the version. The tutorials skip all of that, so against"
    " them a write costs that work (the same-work peers' rows show what it costs a peer);"
    " meeting 1.0 there would take doing the work in the database (history by trigger),"
    " which moves a rule out of the model. Against the same-work peers, what is left is"
    " DRF's dispatch and serializer (see the ablation's serializers and saving rows).",
    "substring search": "texts of 3 or more characters read the names' substring index"
    " and confirm each candidate. SQLite's B-tree of suffixes (migration 0016) reads the"
    " names that hold a text, so a selective name__icontains stays flat, but `search` reads"
    " each word's names before keeping those that hold every word: a common word's grow"
    " with the table. PostgreSQL's pg_trgm GIN index (migration 0015) reads the posting"
    " lists of every trigram of the text, and common trigrams' grow with the table.",
    "orderings": "each ordering reads its index, id breaking ties (migration 0014), and no"
    " sort: what is left grows with the index's depth, or is noise of a shared machine.",
    "deep page": "the page after a deep page follows a keyset cursor (a seek in the"
    " ordering's index); an explicit OFFSET still walks to its page, a report row.",
    "tails": "the sync workers queue writes on SQLite's single writer and hold a worker per"
    " request; shorter write transactions shorten the queue.",
    "memory": "Django, DRF, django-filter and simple-history loaded in each worker; loading"
    " the app before forking (gunicorn's preload) would share its pages between workers.",
}


def _kind(key: str) -> str:
    if key in KINDS:
        return KINDS[key]
    return "reads" if key in READS else WRITES


def _goal(database: str, goal: str, value, most: float, kind: str, text: str = "") -> dict:
    return {
        "database": database,
        "goal": goal,
        "kind": kind,
        "target": f"<= {most}",
        "value": text or fmt_ratio(value),
        "ratio": value,
        "met": value is not None and value <= most,
    }


def _cpu_goals(label: str, database: dict, rows: str) -> list[dict]:
    found = []
    heroes = f"{int(rows):,} heroes"
    for key in keys(database):
        project = cpu(database, rows, key, PROJECT)
        for peer, most_read, most_write in CPU_GOALS:
            most = most_read if key in READS else most_write
            if most is None or (other := cpu(database, rows, key, peer)) is None:
                continue
            goal = f"project / {SHORT[peer]} CPU, {TITLES[key]}, {heroes}"
            found.append(_goal(label, goal, ratio(project, other), most, _kind(key)))
        if key in FLOOR_GOALS and (floor := cpu(database, rows, key, FLOOR)):
            goal = f"project / floor CPU, {TITLES[key]}, {heroes}"
            found.append(_goal(label, goal, ratio(project, floor), FLOOR_GOALS[key], _kind(key)))
    return found


def _memory_goal(label: str, memory: dict, where: str) -> dict | None:
    project = mean_mib(memory.get(PROJECT, {}).get("rss_kib", []))
    peer = mean_mib(memory.get(FASTAPI_MATCHED, {}).get("rss_kib", []))
    if project is None or peer is None:
        return None
    goal = f"memory per worker, project / {SHORT[FASTAPI_MATCHED]}, {where}"
    text = f"{project:,.0f} / {peer:,.0f} MiB"
    return _goal(label, goal, ratio(project, peer), 1.0, "memory", text)


def goals(figures: dict) -> list[dict]:
    """Each goal with its measured value and whether it is met."""
    found = []
    for kind, database in figures["databases"].items():
        label = DATABASES[kind]
        for rows in sizes(database):
            found += _cpu_goals(label, database, rows)
        if len(sizes(database)) > 1:
            small, large = sizes(database)[0], sizes(database)[-1]
            for key in keys(database):
                if key not in SCALE_GOAL_KEYS:
                    continue
                value = ratio(
                    cpu(database, large, key, PROJECT), cpu(database, small, key, PROJECT)
                )
                goal = f"project CPU {int(large):,} / {int(small):,} heroes, {TITLES[key]}"
                found.append(_goal(label, goal, value, SCALE_GOAL, _kind(key)))
        for rows in sizes(database):
            data = database["datasets"][rows]
            found.append(
                {
                    "database": label,
                    "goal": f"count exact after the run, {int(rows):,} heroes",
                    "kind": "count",
                    "target": "API count = COUNT(*)",
                    "value": f"{data['api_count']:,} = {data['db_count']:,}",
                    "ratio": None,
                    "met": data["count_exact"],
                }
            )
            where = f"1 worker, {int(rows):,} heroes"
            found.append(_memory_goal(label, data.get("memory", {}), where))
        load = database.get("load")
        if load:
            for key, cells in load["endpoints"].items():
                if PROJECT in cells and FASTAPI_MATCHED in cells:
                    project, peer = p99_ms(cells[PROJECT]), p99_ms(cells[FASTAPI_MATCHED])
                    goal = (
                        f"p99 under {load['connections']} connections, project /"
                        f" {SHORT[FASTAPI_MATCHED]}, {TITLES[key]}, {load['rows']:,} heroes"
                    )
                    text = f"{project:,.1f} / {peer:,.1f} ms"
                    found.append(_goal(label, goal, ratio(project, peer), 1.0, "tails", text))
            found.append(_memory_goal(label, load["memory"], f"under load, {load['rows']:,}"))
    return [goal for goal in found if goal is not None]


def goals_table(found: list[dict], markdown: bool, *, missed_only: bool = False) -> str:
    lines = [
        [goal["database"], goal["goal"], goal["target"], goal["value"], _verdict(goal)]
        for goal in found
        if not (missed_only and goal["met"])
    ]
    return table(["database", "goal", "target", "measured", ""], lines, markdown)


def _verdict(goal: dict) -> str:
    return "met" if goal["met"] else "NOT met"


def summary(found: list[dict]) -> str:
    return f"{sum(goal['met'] for goal in found)} of {len(found)} goals met."


def what_is_left(found: list[dict]) -> list[str]:
    """A paragraph per kind of row: how many of its goals are met, the worst misses as
    measured, and what meeting them would take."""
    lines = []
    for kind, remedy in REMEDIES.items():
        mine = [goal for goal in found if goal["kind"] == kind]
        if not mine:
            continue
        missed = [goal for goal in mine if not goal["met"]]
        head = f"- **{kind.capitalize()}**: {len(mine) - len(missed)} of {len(mine)} goals met."
        if not missed:
            lines.append(head)
            continue
        worst = sorted(missed, key=lambda goal: -(goal["ratio"] or 0))[:3]
        shown = "; ".join(f"{g['database']}, {g['goal']}: {g['value']}" for g in worst)
        lines.append(f"{head} The furthest: {shown}. Meeting them: {remedy}")
    return lines
