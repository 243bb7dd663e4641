"""The vendored NL Design System CSS (`make vendor`): the files are the ones VENDORED.md
records, and nothing in them loads from another origin or needs a CSP exception."""

import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "raak" / "static"
UTRECHT = STATIC / "utrecht"


def test_vendored_files_match_their_recorded_checksums():
    rows = re.findall(
        r"^\| (\S+) \| @utrecht/component-library-css \| 9\.0\.4 \| EUPL-1\.2 \| ([0-9a-f]{64}) \|$",
        (UTRECHT / "VENDORED.md").read_text(),
        re.MULTILINE,
    )
    assert {name for name, _ in rows} == {"index.css", "LICENSE.md"}
    for name, digest in rows:
        assert hashlib.sha256((UTRECHT / name).read_bytes()).hexdigest() == digest, name
    assert "European Union Public Licence" in (UTRECHT / "LICENSE.md").read_text()


def test_no_stylesheet_loads_anything_from_another_origin():
    for path in [UTRECHT / "index.css", *sorted((STATIC / "raak").glob("*.css"))]:
        css = path.read_text()
        assert "@import" not in css, path.name
        for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
            # data: images are allowed by img-src; anything else would be another origin
            # or a path RAAK does not serve.
            assert target.startswith("data:image/"), (path.name, target[:60])
        # CSP style-src 'self' forbids nothing inside a stylesheet, but expression() and
        # behavior: are script in old browsers: none here.
        assert not re.search(r"expression\(|(?<![-\w])behavior\s*:", css), path.name
