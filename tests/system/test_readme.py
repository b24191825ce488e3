import re

from benchmarks.servers import BASE_DIR
from tests.system.doc_commands import run_against_served, shell_blocks

README = BASE_DIR / "README.md"
MAKE_LINE = re.compile(r"^make ([\w-]+)( .*)?$")


def _command_lines(block: str) -> list[str]:
    """The block's commands: no comments, no blank lines, continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def _is_make_block(block: str) -> bool:
    return all(MAKE_LINE.match(line) for line in _command_lines(block))


def test_readme_make_commands_name_makefile_targets():
    # The README's make commands are the Makefile's own: `make run` is run by the serving
    # tests, `make check` and `make test` are the suite itself, `make docs` by tests/test_docs.py.
    makefile = (BASE_DIR / "Makefile").read_text()
    targets = set(re.findall(r"^([\w-]+):", makefile, re.MULTILINE))
    lines = [line for block in shell_blocks(README) for line in _command_lines(block)]
    named = {MAKE_LINE.match(line).group(1) for line in lines if MAKE_LINE.match(line)}
    assert {"run", "check", "test", "docs"} <= named
    assert named <= targets


def test_readme_quick_start_works_as_written(tmp_path):
    # Every block of the README that is not make commands: the first user, the token and
    # the four calls of the quick start.
    blocks = [block for block in shell_blocks(README) if not _is_make_block(block)]
    assert len(blocks) == 1
    assert "hero_token" in blocks[0]
    assert blocks[0].count("curl ") == 4
    out, _ = run_against_served("".join(blocks), tmp_path)

    assert out == (
        "Superuser created successfully.\n"
        '{"id":1,"name":"Deadpond","age":null}'
        '{"count":1,"next":null,"previous":null,"results":[{"id":1,"name":"Deadpond","age":null}]}'
        '{"id":1,"name":"Deadpond","age":30}'
        '{"id":1,"name":"Deadpond","age":30}'
    )
