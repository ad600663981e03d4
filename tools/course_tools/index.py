"""What an index already holds, read from its PEP 503 simple pages, compared with dist/.

Before `nox -s publish` uploads a file it looks the file up on the index's
simple page of that project (`<simple>/<name>/`, one link per file, most with
a `#sha256=...` fragment). A file already there is compared with the one in
dist/: the same digest means the upload is done (skipped); another digest is
a rebuilt file of a version already published, which an index will not
replace and a user must not get two of, so it is an error naming the file.
A link without a digest is downloaded and compared byte for byte.

Where the simple pages are: `--simple-url`, else derived from the upload URL
(PyPI's and TestPyPI's known, else `<upload URL>/simple/`, pypiserver's
layout). Cost: one GET per package, plus one download per file without a
digest on the page.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from packaging.utils import canonicalize_name

KNOWN = {"pypi": "https://pypi.org/simple/", "testpypi": "https://test.pypi.org/simple/"}
KNOWN_UPLOADS = {"upload.pypi.org": KNOWN["pypi"], "test.pypi.org": KNOWN["testpypi"]}
TIMEOUT = 60


@dataclass(frozen=True)
class IndexFile:
    """One file of a project's simple page: its absolute URL and the digests it carries."""

    name: str
    url: str
    hashes: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Seen:
    """What the index holds of one local file."""

    kind: str  # same | differs | absent | unknown
    reason: str = ""


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def parse_simple(html: str, page_url: str) -> dict[str, IndexFile]:
    """File name -> `IndexFile` from a PEP 503 project page (links relative to `page_url`)."""
    parser = _Links()
    parser.feed(html)
    files = {}
    for href in parser.hrefs:
        url, fragment = urldefrag(urljoin(page_url, href))
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        hashes = {}
        if "=" in fragment:
            algo, digest = fragment.split("=", 1)
            if algo in hashlib.algorithms_available:
                hashes[algo] = digest.lower()
        if name:
            files[name] = IndexFile(name, url, hashes)
    return files


def simple_url_for(upload_url: str | None, repository: str | None,
                   sections: dict[str, str]) -> str | None:
    """The simple index that goes with an upload URL or a repository name (None: unknown)."""
    if repository:
        if repository in KNOWN:
            return KNOWN[repository]
        upload_url = sections.get(repository)
    if not upload_url:
        return None
    host = urlsplit(upload_url).hostname or ""
    if host in KNOWN_UPLOADS:
        return KNOWN_UPLOADS[host]
    return upload_url.rstrip("/") + "/simple/"


def digest(path: Path, algo: str) -> str:
    h = hashlib.new(algo)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.read()


class Index:
    """The simple pages of one index, read once per project."""

    def __init__(self, simple_url: str, get: Callable[[str], bytes] = _get) -> None:
        self.simple_url = simple_url.rstrip("/") + "/"
        self.get = get
        self.pages: dict[str, dict[str, IndexFile] | str] = {}  # project -> files, or an error

    def files(self, dist: str) -> dict[str, IndexFile] | str:
        """The project's files on the index, or why they could not be read."""
        name = canonicalize_name(dist)
        if name not in self.pages:
            url = f"{self.simple_url}{name}/"
            try:
                self.pages[name] = parse_simple(self.get(url).decode("utf-8", "replace"), url)
            except urllib.error.HTTPError as exc:
                self.pages[name] = {} if exc.code == 404 else f"{url} answered {exc.code}"
            except (urllib.error.URLError, OSError, ValueError) as exc:
                self.pages[name] = f"cannot read {url}: {getattr(exc, 'reason', exc)}"
        return self.pages[name]

    def seen(self, dist: str, path: Path) -> Seen:
        """Whether `path` is on the index, with the same bytes or not."""
        files = self.files(dist)
        if isinstance(files, str):
            return Seen("unknown", files)
        there = files.get(path.name)
        if there is None:
            return Seen("absent")
        algo = next((a for a in ("sha256", "sha512", "sha384", "sha224") if a in there.hashes),
                    next(iter(there.hashes), None))
        if algo is not None:
            theirs, ours = there.hashes[algo], digest(path, algo)
        else:
            try:
                data = self.get(there.url)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                return Seen("unknown", f"cannot download {there.url} to compare: {exc}")
            algo, theirs = "sha256", hashlib.sha256(data).hexdigest()
            ours = digest(path, algo)
        if theirs == ours:
            return Seen("same", f"already on the index, same bytes ({algo} {ours[:12]})")
        return Seen("differs", (
            f"{path.name} is already on the index with different bytes ({algo} {theirs[:12]} "
            f"there, {ours[:12]} in {path.parent.name}/): the same version was rebuilt; an index "
            "keeps the first upload, so release a new version (nox -s release) instead"))
