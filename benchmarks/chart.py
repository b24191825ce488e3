"""benchmarks.png: CPU per request at the smallest table, and p99 under load."""

from pathlib import Path

from benchmarks.dataset import DATABASES
from benchmarks.endpoints import ENDPOINTS
from benchmarks.lineup import (
    FASTAPI,
    FASTAPI_MATCHED,
    FLOOR,
    LABELS,
    NINJA,
    NINJA_MATCHED,
    PROJECT,
)
from benchmarks.tables import TITLES, cpu, keys, p99_ms, peers_in, sizes

COLORS = {
    PROJECT: "#0c4b33",
    FASTAPI_MATCHED: "#00695c",
    NINJA_MATCHED: "#c77c00",
    FASTAPI: "#4db6ac",
    NINJA: "#ffd54f",
    FLOOR: "#9e9e9e",
}


def _bars(axis, peers: list[str], row_keys: list[str], value) -> None:
    width = 0.8 / len(peers)
    for index, server in enumerate(peers):
        values = [value(key, server) or 0 for key in row_keys]
        positions = [i + (index - (len(peers) - 1) / 2) * width for i in range(len(row_keys))]
        axis.bar(positions, values, width, label=LABELS[server], color=COLORS[server])
    axis.set_xticks(
        range(len(row_keys)), [TITLES[key] for key in row_keys], rotation=35, ha="right"
    )


def chart(figures: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(figures["databases"])
    figure, axes = plt.subplots(2, len(kinds), figsize=(9 * len(kinds), 9), dpi=100, squeeze=False)
    for column, kind in enumerate(kinds):
        database = figures["databases"][kind]
        small = sizes(database)[0]
        row_keys = [endpoint.key for endpoint in ENDPOINTS if endpoint.key in keys(database)]
        peers = peers_in(database)
        top = axes[0][column]
        _bars(top, peers, row_keys, lambda key, server, d=database, r=small: cpu(d, r, key, server))
        top.set_title(f"{DATABASES[kind]}: CPU per request, {int(small):,} heroes, 1 connection")
        top.set_ylabel("µs of CPU per request (lower is better)")
        top.legend(fontsize=7)
        bottom = axes[1][column]
        load = database.get("load")
        if not load:
            bottom.set_visible(False)
            continue

        def p99(key: str, server: str, load=load) -> float | None:
            cell = load["endpoints"].get(key, {}).get(server)
            return p99_ms(cell) if cell else None

        _bars(bottom, peers, row_keys, p99)
        bottom.set_title(f"{DATABASES[kind]}: p99 latency, {load['connections']} connections")
        bottom.set_ylabel("ms (lower is better)")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
