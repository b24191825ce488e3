import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def test_readme_fits_on_a_screen():
    # A front page, not a manual: the rest lives in docs/ (issue 28 sets 10 KB).
    assert (BASE_DIR / "README.md").stat().st_size <= 10 * 1024


def test_build_docs_site_strict(tmp_path):
    # --strict with mkdocs.yml's validation: a broken link or anchor, a page missing from
    # docs/ or left out of the nav, or a README section the home page includes, fails it.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=BASE_DIR,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "index.html").read_text()
    assert 'id="quick-start"' in home
    assert "hero_token" in home
    assert (tmp_path / "tutorial" / "index.html").exists()
