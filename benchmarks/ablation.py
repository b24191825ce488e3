"""Ablation: what each module of `heroes/speed/` saves, on the rows it names.

At the smallest table of each database, one project server (gunicorn alone, one worker)
per module with that module off (HEROES_SPEED_OFF=<module>), one with the whole layer off
(HEROES_SPEED=0), and one with everything on, each on its own copy. Each row is measured
on the server with everything on and on every server whose module names the row, taking
turns round by round as the main phase does, so that off and on are side by side.

A module the app does not know makes its server fail to start, and the run with it.
"""

import sys
from contextlib import ExitStack
from pathlib import Path

from benchmarks.dataset import Dataset
from benchmarks.endpoints import ENDPOINTS
from benchmarks.lineup import PROJECT, Running, start_project
from benchmarks.phases import measure_requests, prepared
from benchmarks.servers import stop

# "Every row": the first page, one hero, a create and a patch stand for the others.
EVERY_ROW = ("list", "one", "create", "patch")
# Each module and the rows it pays for, as heroes/speed/__init__.py names them (the admin
# changelist aside: the ablation measures the API's rows).
MODULES = {
    "compiled_queries": EVERY_ROW,
    "tallies": ("list", "age"),
    "reads": ("list", "age", "one"),
    "shortcut": ("one",),
    "saving": ("create", "patch"),
    "serializers": ("create", "patch"),
    "authentication": ("create", "patch"),
    "backends": ("create", "patch"),
    "negotiation": EVERY_ROW,
    "renderers": EVERY_ROW,
    "messages": EVERY_ROW,
    "cors": EVERY_ROW,
    "policies": EVERY_ROW,
}
# The whole layer off, against every row any module names.
WHOLE = "whole layer"
ON = "on"
ROWS = [e.key for e in ENDPOINTS if any(e.key in rows for rows in MODULES.values())]


def _variants() -> dict[str, dict[str, str]]:
    """Each server of the ablation: its name and the environment that switches it."""
    variants = {ON: {}}
    variants |= {module: {"HEROES_SPEED_OFF": module} for module in MODULES}
    variants[WHOLE] = {"HEROES_SPEED": "0"}
    return variants


def _server_name(variant: str) -> str:
    # A database name on PostgreSQL, a file name on SQLite.
    return "speed_" + variant.replace(" ", "_") if variant != ON else "speed_on"


def _start(dataset: Dataset, logs: Path, variant: str, env: dict[str, str]) -> Running:
    try:
        return start_project(dataset, logs, 1, name=_server_name(variant), **env)
    except RuntimeError as error:
        switch = " ".join(f"{key}={value}" for key, value in env.items()) or "no switch"
        raise RuntimeError(f"ablation: the project does not start with {switch}\n{error}") from None


def run(dataset: Dataset, logs: Path, options) -> dict:
    """Every module's rows with it off and on, side by side: CPU per request of each."""
    endpoints = {endpoint.key: endpoint for endpoint in ENDPOINTS}
    result = {"rows": dataset.rows, "modules": {m: list(r) for m, r in MODULES.items()}}
    result |= {"on": {}, "off": {}}
    with ExitStack() as stack:
        servers = {}
        for variant, env in _variants().items():
            servers[variant] = _start(dataset, logs, variant, env)
            stack.callback(stop, servers[variant].server.process)
        for key in ROWS:
            print(f"   ablation: {endpoints[key].title}", file=sys.stderr, flush=True)
            variants = [ON, *(m for m, rows in MODULES.items() if key in rows), WHOLE]
            requests = {
                variant: prepared(
                    endpoints[key], variant, servers[variant], dataset, as_name=PROJECT
                )
                for variant in variants
            }
            measured = measure_requests(
                f"ablation {key}",
                requests,
                {variant: servers[variant] for variant in variants},
                options,
                rounds=options.rounds,
                seconds=options.seconds,
            )
            result["on"][key] = measured.pop(ON)
            for variant, cell in measured.items():
                result["off"].setdefault(variant, {})[key] = cell
    return result


def gain(off: float, on: float) -> float:
    """The share of the CPU the module saves: (off - on) / off."""
    return (off - on) / off if off else 0.0
