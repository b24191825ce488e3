"""Every repository path that a doc, a comment or a docstring names exists (issue 28)."""

import ast
import io
import re
import tokenize
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# A path: a committed top-level folder of the repository, then a file with one of these
# extensions or a folder ending in "/". Not right after a word, "/" or "." (URLs such as
# /docs/ are not repository paths). What runs write (artifacts/, site/, .run/) is not matched.
PATH = re.compile(
    r"(?<![\w/.-])((?:heroes|heroproject|tests|benchmarks|scripts|deploy|docs)/[\w/.-]*)"
)
FILE = re.compile(r"\.(py|md|sh|conf|txt|json|toml|yml|yaml|html|lua|png|css|js)$")
# Docs: every word counts. Files of settings and commands: every word too (a command that
# names a missing script is as stale as a comment).
WHOLE_TEXT = (
    *("README.md", "docs/**/*.md", "benchmarks/**/*.md", "mkdocs.yml", "Makefile"),
    *("scripts/*.sh", "deploy/*", ".ci/*", "requirements*.txt", "benchmarks/**/*.txt"),
    *(".env.example", "pyproject.toml", "package.json", "tests/**/*.yaml", "tests/**/*.toml"),
)
# Python: only comments and docstrings (code names template and static paths, which are
# not repository paths).
PYTHON = ("*.py", "heroes/**/*.py", "heroproject/**/*.py", "tests/**/*.py")
PYTHON += ("benchmarks/**/*.py", "scripts/**/*.py")


def _comments_and_docstrings(source: str) -> str:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    comments = [token.string for token in tokens if token.type == tokenize.COMMENT]
    tree = ast.parse(source)
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    nodes = [node for node in ast.walk(tree) if isinstance(node, kinds)]
    docstrings = [ast.get_docstring(node) or "" for node in nodes]
    return "\n".join(comments + docstrings)


def _texts() -> dict[str, str]:
    texts = {}
    for pattern in WHOLE_TEXT:
        for path in BASE_DIR.glob(pattern):
            if path.is_file():
                texts[str(path.relative_to(BASE_DIR))] = path.read_text()
    for pattern in PYTHON:
        for path in BASE_DIR.glob(pattern):
            texts[str(path.relative_to(BASE_DIR))] = _comments_and_docstrings(path.read_text())
    return texts


def named_paths(text: str) -> set[str]:
    """The repository paths a text names."""
    found = {match.rstrip(".") for match in PATH.findall(text)}
    return {path for path in found if path.endswith("/") or FILE.search(path)}


def test_named_paths_finds_files_and_folders_only():
    text = "See `heroes/api/views.py`, heroes/speed/ and docs/benchmarks.md. Not /docs/ or "
    text += "artifacts/benchmarks/x.json, tests/test_<module>.py nor heroes.models."
    assert named_paths(text) == {"heroes/api/views.py", "heroes/speed/", "docs/benchmarks.md"}


def test_docs_and_comments_name_existing_paths():
    texts = _texts()
    # The scan reads what it should: the README, the docs, comments and the Makefile.
    assert {"README.md", "docs/tutorial.md", "Makefile", "heroes/models.py"} <= texts.keys()
    missing = sorted(
        f"{name}: {path}"
        for name, text in texts.items()
        for path in named_paths(text)
        if not (BASE_DIR / path).exists()
    )
    assert missing == []
