"""The measured figures as tables: per request, per table size, under load, memory, the
proxy's share and the ablation."""

from benchmarks import ablation
from benchmarks.endpoints import ADMIN_ENDPOINTS, ENDPOINTS, SCALE_GOAL, SCALE_GOAL_KEYS
from benchmarks.lineup import (
    FASTAPI,
    FASTAPI_MATCHED,
    FLOOR,
    LABELS,
    NINJA,
    NINJA_MATCHED,
    PEERS,
    PROJECT,
    PROXY,
)

TITLES = {endpoint.key: endpoint.title for endpoint in ENDPOINTS}
TITLES |= {key: title for key, (title, _path) in ADMIN_ENDPOINTS.items()}
READS = {endpoint.key for endpoint in ENDPOINTS if endpoint.reads} | set(ADMIN_ENDPOINTS)
SHORT = {
    PROJECT: "project",
    FASTAPI_MATCHED: "FastAPI same work",
    NINJA_MATCHED: "ninja same work",
    FASTAPI: "FastAPI tutorial",
    NINJA: "ninja tutorial",
    FLOOR: "floor",
}


def cpu_us(cell: dict) -> float:
    return cell["cpu_seconds"] / cell["requests"] * 1e6


def rps(cell: dict) -> float:
    return cell["requests"] / cell["seconds"]


def p99_ms(cell: dict) -> float:
    # The worst of the rounds' 99th percentiles: a tail is what the slowest round saw.
    return max(cell["latency_us"]["p99"]) / 1e3


def p50_ms(cell: dict) -> float:
    values = sorted(cell["latency_us"]["p50"])
    return values[len(values) // 2] / 1e3


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def sizes(database: dict) -> list[str]:
    return sorted(database["datasets"], key=int)


def rows_of(database: dict, rows: str) -> dict:
    """Every measured row of one table size: the API's requests, then the admin pages."""
    data = database["datasets"][rows]
    return {**data["endpoints"], **data.get("admin", {})}


def keys(database: dict) -> list[str]:
    found = set()
    for rows in sizes(database):
        found |= set(rows_of(database, rows))
    return [key for key in TITLES if key in found]


def cpu(database: dict, rows: str, key: str, server: str) -> float | None:
    cell = rows_of(database, rows).get(key, {}).get(server)
    return cpu_us(cell) if cell else None


def peers_in(database: dict) -> list[str]:
    seen = set()
    for rows in sizes(database):
        for cells in rows_of(database, rows).values():
            seen |= set(cells)
    return [name for name in PEERS if name in seen]


def mean_mib(values: list[int]) -> float | None:
    return sum(values) / len(values) / 1024 if values else None


def table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in [header, *rows]
    )


def _cell(cell: dict | None) -> str:
    return f"{cpu_us(cell):,.0f} µs, {rps(cell):,.0f}/s" if cell else "-"


def dataset_table(database: dict, rows: str, markdown: bool) -> str:
    peers = peers_in(database)
    others = [name for name in peers if name != PROJECT]
    header = ["request", *(SHORT[name] for name in peers)]
    header += [f"project/{SHORT[name]}" for name in others]
    lines = []
    cells = rows_of(database, rows)
    for key in keys(database):
        if key not in cells:
            continue
        project = cpu(database, rows, key, PROJECT)
        line = [TITLES[key], *(_cell(cells[key].get(name)) for name in peers)]
        line += [fmt_ratio(ratio(project, cpu(database, rows, key, name))) for name in others]
        lines.append(line)
    return table(header, lines, markdown)


def scale_table(database: dict, markdown: bool) -> str:
    """Each row's project CPU at the smallest and the largest table, their ratio against
    the goal where the row has one, and each server's own ratio."""
    small, large = sizes(database)[0], sizes(database)[-1]
    peers = peers_in(database)
    header = ["request", f"project {int(small):,}", f"project {int(large):,}"]
    header += [f"{SHORT[name]} ratio" for name in peers] + ["goal", ""]
    lines = []
    for key in keys(database):
        if any(cpu(database, size, key, PROJECT) is None for size in (small, large)):
            continue
        line = [TITLES[key]]
        line += [f"{cpu(database, size, key, PROJECT):,.0f} µs" for size in (small, large)]
        for name in peers:
            line.append(
                fmt_ratio(ratio(cpu(database, large, key, name), cpu(database, small, key, name)))
            )
        if key in SCALE_GOAL_KEYS:
            value = ratio(cpu(database, large, key, PROJECT), cpu(database, small, key, PROJECT))
            met = value is not None and value <= SCALE_GOAL
            line += [f"<= {SCALE_GOAL}", "met" if met else "NOT met"]
        else:
            line += ["-", ""]
        lines.append(line)
    return table(header, lines, markdown)


def load_table(database: dict, markdown: bool) -> str:
    load = database["load"]
    peers = [name for name in PEERS if name in load["workers"]]
    header = ["request", *(f"{SHORT[name]} ({load['workers'][name]} w.)" for name in peers)]
    header += ["p99 project/FastAPI same work", "CPU project/FastAPI same work"]
    lines = []
    for key in TITLES:
        cells = load["endpoints"].get(key)
        if not cells:
            continue
        line = [TITLES[key]]
        for name in peers:
            cell = cells.get(name)
            line.append(
                f"{cpu_us(cell):,.0f} µs, {p50_ms(cell):,.1f} / {p99_ms(cell):,.1f} ms"
                if cell
                else "-"
            )
        project, peer = cells.get(PROJECT), cells.get(FASTAPI_MATCHED)
        line.append(fmt_ratio(ratio(p99_ms(project), p99_ms(peer))) if project and peer else "-")
        line.append(fmt_ratio(ratio(cpu_us(project), cpu_us(peer))) if project and peer else "-")
        lines.append(line)
    return table(header, lines, markdown)


def _mib(values: list[int]) -> str:
    return f"{len(values)} x {mean_mib(values):,.0f} MiB" if values else "-"


def memory_table(database: dict, markdown: bool) -> str:
    header = ["server", *(f"1 worker, {int(rows):,} heroes" for rows in sizes(database))]
    load = database.get("load")
    if load:
        header.append(f"under load, {load['rows']:,} heroes")
    lines = []
    for name in [*peers_in(database), PROXY]:
        line = [LABELS[name]]
        for rows in sizes(database):
            memory = database["datasets"][rows].get("memory", {}).get(name)
            line.append(_mib(memory["rss_kib"]) if memory else "-")
        if load:
            memory = load["memory"].get(name)
            line.append(_mib(memory["rss_kib"]) if memory else "-")
        if any(cell != "-" for cell in line[1:]):
            lines.append(line)
    return table(header, lines, markdown)


def proxy_table(database: dict, markdown: bool) -> str | None:
    """What nginx in front costs: the project alone against the project behind nginx,
    gunicorn's and nginx's CPU per request apart."""
    rows = sizes(database)[0]
    cells = database["datasets"][rows]["endpoints"]
    lines = []
    for key in TITLES:
        alone, proxied = cells.get(key, {}).get(PROJECT), cells.get(key, {}).get(PROXY)
        if not (alone and proxied):
            continue
        nginx = proxied["apart_cpu_seconds"] / proxied["requests"] * 1e6
        behind = cpu_us(proxied)
        lines.append(
            [
                TITLES[key],
                f"{cpu_us(alone):,.0f} µs",
                f"{behind:,.0f} µs",
                f"{nginx:,.0f} µs",
                f"{behind + nginx - cpu_us(alone):+,.0f} µs",
            ]
        )
    if not lines:
        return None
    header = ["request", "gunicorn alone", "gunicorn behind nginx", "nginx", "proxy costs"]
    return table(header, lines, markdown)


def ablation_table(database: dict, markdown: bool) -> str | None:
    found = database.get("ablation")
    if not found:
        return None
    lines = []
    for module in [*found["modules"], ablation.WHOLE]:
        for key, off in found["off"].get(module, {}).items():
            on = cpu_us(found["on"][key])
            gain = ablation.gain(cpu_us(off), on)
            name = module if module == ablation.WHOLE else f"`{module}`"
            lines.append(
                [name, TITLES[key], f"{cpu_us(off):,.0f}", f"{on:,.0f}", f"{gain * 100:+.0f}%"]
            )
    header = ["module off", "row", "CPU µs/request off", "on", "gain (off - on) / off"]
    return table(header, lines, markdown)
