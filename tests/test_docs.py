import subprocess
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def test_readme_fits_on_a_screen():
    # A front page, not a manual: the rest lives in docs/ (issue 28 sets 10 KB).
    assert (BASE_DIR / "README.md").stat().st_size <= 10 * 1024


def test_make_docs_builds_site_strict(tmp_path):
    # mkdocs.yml's validation makes --strict fail on a broken link or anchor, a page missing
    # from docs/ or left out of the nav, or a README section the home page includes.
    site = tmp_path / "site"
    result = subprocess.run(
        ["make", "--no-print-directory", "docs", f"SITE_DIR={site}"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    home = (site / "index.html").read_text()
    assert 'id="quick-start"' in home
    assert "hero_token" in home
    assert (site / "tutorial" / "index.html").exists()
