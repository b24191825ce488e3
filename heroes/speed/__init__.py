"""Cheaper ways to the same answers; benchmarks/ measures each (`make bench`).

Nothing here decides what a hero is or what a request answers: the model and the api
package do, and import nothing from here. Each module plugs in through settings only
(heroproject/settings.py names its classes, heroproject/speed_switches.py their stock
equivalents), and may import from heroes.api, never the reverse.
Each module names the rows it pays for, with the gain the benchmark's ablation measured
on them: CPU per request with the module off, less with it on, over off, at 10,000 heroes,
SQLite | PostgreSQL (`make bench` of 2026-12-07 at e8005ce, docs/benchmarks.md; a gain
within about 10% is within the noise of one run, so the in-process figure of
`python -m benchmarks.profile` is given beside it where the run could not tell):

- `compiled_queries`: ORM queries compiled once, run with new values. List 20% | 26%,
  one hero 31% | 30%, create 47% | 35%, patch 50% | 40%.
- `tallies`: exact counts kept by triggers (and the admin changelist's). List 18% | 33%.
- `reads`: list pages and one hero from rows, not per-row serializers, counted by the
  tallies; its pagination and queryset classes. List 48% | 56%, one hero 33% | 40%, age
  range 32% | -41% (the per-age merge costs more than PostgreSQL's own plan at 10,000).
- `shortcut`: an anonymous JSON read of one hero, authenticated and permitted by DRF's own
  classes, skips the rest of DRF's dispatch; the hero routes' viewset. One hero 11% | 28%.
- `saving`: heroes.versions' writer, each write one INSERT or UPDATE ... RETURNING, with
  the model's signals. Patch 30% | 27%.
- `serializers`: a ModelSerializer that inspects its model once per class. Create
  20% | 3%, patch 14% | 2%.
- `authentication`: token and session authentication with a compiled token query. Create
  23% | 19%, patch 22% | 17%.
- `backends`: Django's model permissions read by one compiled query. Create 38% | 40%,
  patch 37% | 33%.
- `negotiation`: DRF's renderer choice cached per Accept header. List 12% | 15%, one hero
  0% | 13% (in-process 4%).
- `renderers`: DRF's JSON written by orjson. List 15% | 13%, one hero 2% | 11%, create
  5% | 10%.
- `messages`: message storage built only when a page uses it. List 12% | 1%, one hero
  -1% | 18% (in-process 10%).
- `cors`: django-cors-headers' middleware, without copying every header of requests that
  send no Origin. List 15% | 4%, one hero -3% | 12% (in-process 7%).
- `policies`: django-csp's middleware, with the settings' policy built once, not per
  answer. One hero, in-process 19% (386 to 315 µs); the ablation of the next run has it.

Each module can be switched off (HEROES_SPEED_OFF, heroproject.speed_switches), which
leaves every answer the same: settings then name its stock class. Code here may also ask
`on()` at run time, as tests switch modules in-process, and take the stock way.
"""

from django.conf import settings


def on(module: str) -> bool:
    """Whether the module of heroes.speed named runs; read per call, so tests may switch it."""
    return module not in settings.HEROES_SPEED_OFF
