"""Where a request's time goes: the project's WSGI app called in-process, with pyinstrument.

    python -m benchmarks.profile --rows 10000 --endpoint list [--requests 2000] [--html out.html]

Seeds a SQLite file (kept in --workdir between runs), then calls Django's WSGI handler
directly, as gunicorn would, with production settings. Prints the CPU time per request
without the profiler, then pyinstrument's call tree over the same requests.
"""

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

from benchmarks import dataset as datasets
from benchmarks.endpoints import ENDPOINTS
from benchmarks.lineup import PROJECT
from benchmarks.measure import answered_as_expected
from benchmarks.servers import BASE_DIR, manage, server_env


def _environ(request, host: str = "127.0.0.1:8000") -> dict:
    path, _, query = request.next_path().partition("?")
    body = request.next_body().encode()
    environ = {
        "REQUEST_METHOD": request.method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_ACCEPT": "application/json",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if body:
        environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(body))
    if request.authorization:
        environ["HTTP_AUTHORIZATION"] = request.authorization
    if request.if_none_match:
        environ["HTTP_IF_NONE_MATCH"] = request.if_none_match
    return environ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--endpoint", default="list", choices=[e.key for e in ENDPOINTS])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, default=BASE_DIR / "artifacts" / "profile")
    parser.add_argument("--html", type=Path, help="Also write pyinstrument's HTML report here.")
    parser.add_argument("--no-profile", action="store_true", help="Only time the requests.")
    parser.add_argument("--show-all", action="store_true", help="Show library frames too.")
    parser.add_argument(
        "--cprofile", type=int, metavar="N", help="Print cProfile's top N functions instead."
    )
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (e.g. tottime).")
    options = parser.parse_args()

    options.workdir.mkdir(parents=True, exist_ok=True)
    saved = options.workdir / f"heroes-{options.rows}.json"
    store = datasets.Store(datasets.SQLITE, options.workdir)
    if saved.exists():
        dataset = datasets.Dataset(**json.loads(saved.read_text()), store=store)
        manage(dataset.url, "migrate", "--noinput", "-v0")  # after model changes
    else:
        dataset = datasets.seed(options.rows, store)
        facts = {key: value for key, value in vars(dataset).items() if key != "store"}
        saved.write_text(json.dumps(facts))
    endpoint = next(e for e in ENDPOINTS if e.key == options.endpoint)
    # Writes change the database: they run on a copy, so the saved dataset stays as seeded.
    url = dataset.url if endpoint.reads else dataset.copy_for("profile")
    os.environ.update(server_env(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heroproject.settings")

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    request = endpoint.request(PROJECT, dataset)

    def call() -> dict[str, str]:
        started = []
        body = application(_environ(request), lambda status, headers: started.append(headers))
        content = b"".join(body)
        body.close()
        status = body.status_code
        if not answered_as_expected(request, status):
            raise SystemExit(f"{request.method} {request.path} answered {status}")
        return {**dict(started[0]), "body": content}

    if endpoint.follows_next:
        # The page's `next` link, as a client following it sends it (phases.resolved).
        request.path = json.loads(call()["body"])["next"].removeprefix("http://127.0.0.1:8000")

    if endpoint.revalidates:
        request.status = 200
        request.if_none_match = call()["ETag"]
        request.status = 304

    for _ in range(50):
        call()
    # The best of five batches: other work on the machine only ever adds time.
    batches = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(max(options.requests // 5, 1)):
            call()
        batches.append((time.process_time() - started) / max(options.requests // 5, 1) * 1e6)
    print(
        f"{endpoint.title}: {min(batches):,.0f} µs CPU per request, best of 5 batches "
        f"(median {sorted(batches)[2]:,.0f}; in-process, no server)"
    )
    if options.no_profile:
        return

    if options.cprofile:
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            for _ in range(options.requests):
                call()
        stats = pstats.Stats(profile).strip_dirs().sort_stats(options.sort)
        stats.print_stats(options.cprofile)
        return

    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(options.requests):
            call()
    print(profiler.output_text(unicode=True, color=False, show_all=options.show_all))
    if options.html:
        options.html.write_text(profiler.output_html())


if __name__ == "__main__":
    os.chdir(BASE_DIR)
    main()
