"""Cheaper ways to the same answers; benchmarks/ measures each (`make bench`).

Nothing here decides what a hero is or what a request answers: the model and the api
package do, and import nothing from here. Each module plugs in through settings only
(heroproject/settings.py names its classes, heroproject/speed_switches.py their stock
equivalents), and may import from heroes.api, never the reverse.
Each module names the benchmark rows it pays for:

- `compiled_queries`: ORM queries compiled once, run with new values (every row).
- `tallies`: exact counts kept by triggers (list, age range; admin changelist).
- `reads`: list pages and one hero from rows, not per-row serializers, counted by the
  tallies; its pagination and queryset classes (list, age range, one hero).
- `shortcut`: an anonymous JSON read of one hero, authenticated and permitted by DRF's own
  classes, skips the rest of DRF's dispatch; the hero routes' viewset (one hero).
- `saving`: heroes.versions' writer, each write one INSERT or UPDATE ... RETURNING, with the
  model's signals (create, patch).
- `serializers`: a ModelSerializer that inspects its model once per class (create, patch).
- `authentication`: token and session authentication with a compiled token query (create,
  patch).
- `backends`: Django's model permissions read by one compiled query (create, patch).
- `negotiation`: DRF's renderer choice cached per Accept header (every row).
- `renderers`: DRF's JSON written by orjson (list, every row).
- `messages`: message storage built only when a page uses it (one hero, every row).
- `cors`: django-cors-headers' middleware, without copying every header of requests that
  send no Origin (one hero, every row).
- `policies`: django-csp's middleware, with the settings' policy built once, not per answer
  (one hero, every row).

Each module can be switched off (HEROES_SPEED_OFF, heroproject.speed_switches), which
leaves every answer the same: settings then name its stock class. Code here may also ask
`on()` at run time, as tests switch modules in-process, and take the stock way.
"""

from django.conf import settings


def on(module: str) -> bool:
    """Whether the module of heroes.speed named runs; read per call, so tests may switch it."""
    return module not in settings.HEROES_SPEED_OFF
