"""`nox -s publish`: where to, what (in chain order), twine's answers, the failure policy,
and that credentials never reach a command line or a log. The real index: test_index_e2e.py."""

from __future__ import annotations

import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from course_tools import publish
from course_tools.index import Seen
from course_tools.manifest import load
from course_tools.options import UsageError
from course_tools.publish import Outcome, Target, Upload

URL = "http://127.0.0.1:8080/"


# -- where to ----------------------------------------------------------------------------
def test_target_from_a_url_or_a_pypirc_section(tmp_path: Path) -> None:
    pypirc = tmp_path / ".pypirc"
    assert publish.target_for(URL, None, pypirc).args == ("--repository-url", URL)
    assert publish.target_for(None, "pypi", pypirc).args == ("--repository", "pypi")
    pypirc.write_text("[distutils]\nindex-servers = course\n\n[course]\n"
                      "repository = http://127.0.0.1:8080\nusername = teacher\n")
    target = publish.target_for(URL, None, pypirc)  # the URL of a section: its credentials
    assert target.args == ("--config-file", str(pypirc), "--repository", "course")
    assert "[course] section" in target.credentials


@pytest.mark.parametrize(
    ("url", "name", "message"),
    [(None, None, "exactly one of"), (URL, "pypi", "exactly one of"),
     ("http://teacher:s3cret@127.0.0.1:8080/", None, "must not hold credentials"),
     ("ftp://127.0.0.1/", None, "expected an http"), ("127.0.0.1:8080", None, "expected an http")],
)
def test_bad_targets_are_refused(url: str | None, name: str | None, message: str,
                                 tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=message):
        publish.target_for(url, name, tmp_path / ".pypirc")


# -- what ----------------------------------------------------------------------------------
def fake_wheel(folder: Path, dist: str, version: str, requires: list[str]) -> Path:
    stem = f"{dist.replace('-', '_')}-{version}"
    path = folder / f"{stem}-py3-none-any.whl"
    meta = f"Metadata-Version: 2.4\nName: {dist}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{stem}.dist-info/METADATA", meta)
    return path


def fake_sdist(folder: Path, dist: str, version: str) -> Path:
    stem = f"{dist.replace('-', '_')}-{version}"
    path = folder / f"{stem}.tar.gz"
    data = f"Metadata-Version: 2.4\nName: {dist}\nVersion: {version}\n".encode()
    with tarfile.open(path, "w:gz") as tf:
        info = tarfile.TarInfo(f"{stem}/PKG-INFO")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return path


def test_collect_orders_by_the_chain_and_reads_the_requirements(tmp_path: Path) -> None:
    fake_wheel(tmp_path, "tt-layers", "0.1.1", ["numpy>=1.24", "tt-tensor>=0.2,<0.3"])
    fake_sdist(tmp_path, "tt-layers", "0.1.1")
    fake_wheel(tmp_path, "tt-tensor", "0.10.0", [])
    fake_wheel(tmp_path, "tt-tensor", "0.2.0", [])
    fake_sdist(tmp_path, "tt-setup", "0.1.0")
    uploads = publish.collect(tmp_path, load())
    assert [(u.dist, u.version) for u in uploads] == [
        ("tt-setup", "0.1.0"), ("tt-tensor", "0.2.0"), ("tt-tensor", "0.10.0"),
        ("tt-layers", "0.1.1")]
    assert [p.name for p in uploads[-1].files] == ["tt_layers-0.1.1-py3-none-any.whl",
                                                   "tt_layers-0.1.1.tar.gz"]  # wheel first
    assert uploads[-1].requires == {"tt-tensor"}


def test_collect_refuses_strays_and_nothing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="holds no built packages"):
        publish.collect(tmp_path, load())
    with pytest.raises(UsageError, match="does not exist"):
        publish.collect(tmp_path / "nope", load())
    fake_wheel(tmp_path, "tt-tensor", "0.1.0", [])
    fake_wheel(tmp_path, "requests", "2.0.0", [])
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UsageError, match=r"not packages of course.toml: notes.txt, "
                                         r"requests-2.0.0-py3-none-any.whl"):
        publish.collect(tmp_path, load())


# -- twine's answers (outputs of twine 7 against pypiserver 2.4, --verbose, trimmed) -----------
HEAD = """Uploading distributions to http://127.0.0.1:8080/
INFO     dist/tt_tensor-0.1.0-py3-none-any.whl (28.9 KB)
INFO     username: teacher
INFO     password: <hidden>
Uploading tt_tensor-0.1.0-py3-none-any.whl
"""
FORBIDDEN = HEAD + """INFO     Response from http://127.0.0.1:8080/:
         403 Forbidden
INFO     <h1>Error: 403 Forbidden</h1> <pre>None</pre>
\x1b[31mERROR   \x1b[0m HTTPError: 403 Forbidden from http://127.0.0.1:8080/
         Forbidden
"""
EXISTS_400 = HEAD + """INFO     Response from http://127.0.0.1:8080/:
         400 Bad Request
INFO         <pre>Package &#039;tt_tensor-0.1.0-py3-none-any.whl&#039; already
         exists!
           You may start server with `--overwrite` option.</pre>
ERROR    HTTPError: 400 Bad Request from http://127.0.0.1:8080/
         Bad Request
"""
OTHER_400 = HEAD + """INFO         <pre>Invalid distribution metadata</pre>
ERROR    HTTPError: 400 Bad Request from http://127.0.0.1:8080/
         Bad Request
"""
NO_CREDENTIALS = """Uploading distributions to http://127.0.0.1:8080/
INFO     Querying keyring for username
ERROR    NonInteractive: Credential not found for username.
"""
REFUSED = """Traceback (most recent call last):
urllib3.exceptions.MaxRetryError: HTTPConnectionPool(host='127.0.0.1', port=8080): Max retries
requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=8080): [Errno 111]
"""


@pytest.mark.parametrize(
    ("code", "output", "kind", "reason"),
    [(0, HEAD + "INFO     Response from http://127.0.0.1:8080/:\n  200 OK\n", "uploaded", ""),
     (1, FORBIDDEN, "refused", f"{URL} refused the credentials (403 Forbidden)"),
     (1, FORBIDDEN.replace("403 Forbidden", "401 Unauthorized"), "refused",
      f"{URL} refused the credentials (401 Unauthorized)"),
     (1, EXISTS_400, "exists", "400 Bad Request: already on the index"),
     (1, FORBIDDEN.replace("403 Forbidden", "409 Conflict"), "exists",
      "409 Conflict: already on the index"),
     (1, FORBIDDEN.replace("<pre>None</pre>", "Not enough permissions to overwrite artifact"),
      "exists", "403 Forbidden: already on the index"),
     (1, OTHER_400, "failed", f"{URL} answered 400 Bad Request"),
     (1, FORBIDDEN.replace("403 Forbidden", "405 Method Not Allowed"), "wrong-url",
      f"{URL} answered 405 Method Not Allowed: is it the index's upload URL?"),
     (1, NO_CREDENTIALS, "no-credentials", f"no credentials for {URL}"),
     (1, REFUSED, "unreachable", f"cannot reach {URL}"),
     (1, "ERROR    InvalidDistribution: Unknown distribution format: 'x.zip'\n", "failed",
      "InvalidDistribution: Unknown distribution format: 'x.zip'")],
)
def test_classify(code: int, output: str, kind: str, reason: str) -> None:
    assert publish.classify(code, output, URL) == Outcome(kind, reason)


# -- the policy ------------------------------------------------------------------------------
def uploads_abcd() -> list[Upload]:
    """tt-a; tt-b needs tt-a; tt-c needs tt-b; tt-d needs nothing."""
    return [Upload("tt-a", "0.1.0", [Path("tt_a-0.1.0-py3-none-any.whl"),
                                     Path("tt_a-0.1.0.tar.gz")]),
            Upload("tt-b", "0.1.0", [Path("tt_b.whl")], {"tt-a"}),
            Upload("tt-c", "0.1.0", [Path("tt_c.whl")], {"tt-b"}),
            Upload("tt-d", "0.1.0", [Path("tt_d.whl")])]


def run_policy(answers: dict[str, Outcome], on_index: dict[str, Seen] | None = None,
               ) -> tuple[list[publish.Result], list[str]]:
    sent: list[str] = []

    def upload_file(path: Path) -> Outcome:
        sent.append(path.name)
        return answers.get(path.name, Outcome("uploaded"))

    def lookup(up: Upload, path: Path) -> Seen:
        return (on_index or {}).get(path.name, Seen("absent"))

    return publish.publish(uploads_abcd(), upload_file, log=lambda line: None,
                           lookup=lookup), sent


SAME = Seen("same", "already on the index, same bytes (sha256 0123456789ab)")


def test_a_failure_spares_its_dependents_and_lets_the_others_go() -> None:
    bad = Outcome("failed", f"{URL} answered 400 Bad Request")
    results, sent = run_policy({"tt_a-0.1.0-py3-none-any.whl": bad})
    assert sent == ["tt_a-0.1.0-py3-none-any.whl", "tt_d.whl"]  # the sdist is not tried either
    assert [(r.dist, r.status, r.detail) for r in results] == [
        ("tt-a", "failed", f"{URL} answered 400 Bad Request"),
        ("tt-b", "not attempted", "needs tt-a, which failed"),
        ("tt-c", "not attempted", "needs tt-b, not attempted because tt-a failed"),
        ("tt-d", "uploaded", "1 file(s)"),
    ]
    assert not publish.ok(results)
    assert publish.counts(results) == "1 uploaded, 0 skipped, 1 failed, 2 not attempted"


def test_refused_credentials_stop_everything_after() -> None:
    refused = Outcome("refused", f"{URL} refused the credentials (403 Forbidden)")
    results, sent = run_policy({"tt_a-0.1.0-py3-none-any.whl": refused})
    assert sent == ["tt_a-0.1.0-py3-none-any.whl"]
    assert [r.status for r in results] == ["failed"] + ["not attempted"] * 3
    assert results[3].detail == f"stopped after tt-a: {URL} refused the credentials (403 Forbidden)"


def test_files_there_with_the_same_bytes_are_skipped_without_an_upload() -> None:
    results, sent = run_policy({}, {"tt_a-0.1.0-py3-none-any.whl": SAME,
                                    "tt_a-0.1.0.tar.gz": SAME, "tt_b.whl": SAME})
    assert sent == ["tt_c.whl", "tt_d.whl"]
    assert [(r.dist, r.status) for r in results] == [
        ("tt-a", "skipped"), ("tt-b", "skipped"), ("tt-c", "uploaded"), ("tt-d", "uploaded")]
    assert results[0].detail == "already on the index, same bytes"
    assert publish.ok(results)


def test_a_rebuilt_file_with_different_bytes_is_an_error_naming_it() -> None:
    differs = Seen("differs", "tt_a-0.1.0.tar.gz is already on the index with different bytes "
                              "(sha256 aaaaaaaaaaaa there, bbbbbbbbbbbb in dist/): ...")
    results, sent = run_policy({}, {"tt_a-0.1.0-py3-none-any.whl": SAME,
                                    "tt_a-0.1.0.tar.gz": differs})
    assert sent == ["tt_d.whl"]  # nothing re-sent; the dependents of tt-a spared
    assert results[0].status == "failed"
    assert results[0].detail == ("half on the index: tt_a-0.1.0-py3-none-any.whl there, "
                                 f"tt_a-0.1.0.tar.gz not; {differs.reason}")
    assert [r.status for r in results[1:]] == ["not attempted", "not attempted", "uploaded"]
    assert not publish.ok(results)


def test_an_existing_file_that_cannot_be_compared_is_not_skipped() -> None:
    exists = Outcome("exists", "409 Conflict: already on the index")
    results, _ = run_policy({"tt_b.whl": exists})  # not in the listing, yet the index has it
    assert results[1].status == "failed"
    assert results[1].detail.startswith("tt_b.whl is already on the index (409 Conflict: already"
                                        " on the index), but its bytes could not be compared")
    # no lookup at all (the simple pages unknown): the same, and the reason says so
    alone = publish.publish(uploads_abcd()[3:], lambda f: exists, log=lambda line: None)
    assert alone[0].status == "failed" and "give --simple-url" in alone[0].detail


def test_a_half_published_package_is_reported_then_completed_on_rerun() -> None:
    gone = Outcome("unreachable", f"cannot reach {URL}")
    first, _ = run_policy({"tt_a-0.1.0.tar.gz": gone})  # the wheel went, then the network
    assert (first[0].status, first[0].detail) == (
        "failed", "half on the index: tt_a-0.1.0-py3-none-any.whl there, tt_a-0.1.0.tar.gz not; "
                  f"cannot reach {URL}; rerun to complete it")
    assert [r.status for r in first[1:]] == ["not attempted"] * 3
    again, sent = run_policy({}, {"tt_a-0.1.0-py3-none-any.whl": SAME})
    assert sent[0] == "tt_a-0.1.0.tar.gz"
    assert (again[0].status, again[0].detail) == (
        "uploaded", "completed a half-published package: uploaded tt_a-0.1.0.tar.gz; "
                    "tt_a-0.1.0-py3-none-any.whl already there, same bytes")
    assert publish.ok(again)


def test_the_table() -> None:
    results, _ = run_policy({})
    lines = publish.table(results)
    assert lines[0].split() == ["package", "version", "status", "detail"]
    assert lines[1].split() == ["tt-a", "0.1.0", "uploaded", "2", "file(s)"]


# -- credentials stay out of command lines and logs ---------------------------------------------
FAKE_TWINE = """import json, os, sys
record = {"argv": sys.argv[1:], "user": os.environ.get("TWINE_USERNAME"),
          "has_password": "TWINE_PASSWORD" in os.environ}
open(sys.argv[-1] + ".json", "w").write(json.dumps(record))
print("INFO     password: " + os.environ["TWINE_PASSWORD"])  # a careless tool
print("INFO     Response from x:\\n         200 OK")
"""


def test_twine_gets_credentials_from_the_environment_only(tmp_path: Path) -> None:
    script = tmp_path / "fake_twine.py"
    script.write_text(FAKE_TWINE)
    wheel = tmp_path / "tt_a-0.1.0-py3-none-any.whl"
    wheel.write_text("")
    env = {"TWINE_USERNAME": "teacher", "TWINE_PASSWORD": "s3cret-pw", "PATH": ""}
    target = Target(("--repository-url", URL), URL, "env")
    outcome = publish.twine_upload([sys.executable, str(script)], target, wheel, env,
                                   tmp_path / "logs")
    assert outcome == Outcome("uploaded")
    record = json.loads((tmp_path / (wheel.name + ".json")).read_text())
    assert record["argv"] == ["upload", "--non-interactive", "--verbose", "--disable-progress-bar",
                              "--repository-url", URL, str(wheel)]
    assert record["user"] == "teacher" and record["has_password"]
    log = (tmp_path / "logs" / f"{wheel.name}.log").read_text()
    assert "s3cret-pw" not in log and "password: <hidden>" in log


# -- what the index holds (PEP 503 simple pages) ------------------------------------------------
SIMPLE_PAGE = """<!DOCTYPE html><html><head><title>Links for tt-a</title></head><body>
<h1>Links for tt-a</h1>
<a href="../../packages/tt_a-0.1.0-py3-none-any.whl#sha256={wheel}">
tt_a-0.1.0-py3-none-any.whl</a><br>
<a href="https://files.example.org/t/tt_a-0.1.0.tar.gz"
   data-requires-python="&gt;=3.10">tt_a-0.1.0.tar.gz</a><br>
</body></html>"""


def test_parse_simple_reads_links_and_digests() -> None:
    from course_tools import index

    page = "http://127.0.0.1:8080/simple/tt-a/"
    files = index.parse_simple(SIMPLE_PAGE.format(wheel="AB" * 32), page)
    wheel = files["tt_a-0.1.0-py3-none-any.whl"]
    assert wheel.url == "http://127.0.0.1:8080/packages/tt_a-0.1.0-py3-none-any.whl"
    assert wheel.hashes == {"sha256": "ab" * 32}
    assert files["tt_a-0.1.0.tar.gz"].hashes == {}


@pytest.mark.parametrize(
    ("url", "name", "simple"),
    [("http://127.0.0.1:8080/", None, "http://127.0.0.1:8080/simple/"),
     ("http://127.0.0.1:8080", None, "http://127.0.0.1:8080/simple/"),
     ("https://upload.pypi.org/legacy/", None, "https://pypi.org/simple/"),
     (None, "testpypi", "https://test.pypi.org/simple/"),
     (None, "course", "https://pypi.example.edu/simple/"), (None, "elsewhere", None)])
def test_simple_url_for(url: str | None, name: str | None, simple: str | None) -> None:
    from course_tools import index

    sections = {"course": "https://pypi.example.edu/"}
    assert index.simple_url_for(url, name, sections) == simple


def test_index_compares_digests_and_downloads_when_there_is_none(tmp_path: Path) -> None:
    import hashlib
    import urllib.error

    from course_tools import index

    wheel = fake_wheel(tmp_path, "tt-a", "0.1.0", [])
    sdist = fake_sdist(tmp_path, "tt-a", "0.1.0")
    gets: list[str] = []

    def get(url: str) -> bytes:
        gets.append(url)
        if url.endswith("/tt-a/"):
            return SIMPLE_PAGE.format(wheel=hashlib.sha256(wheel.read_bytes()).hexdigest()).encode()
        if url.endswith(".tar.gz"):
            return sdist.read_bytes() + b"rebuilt"
        if url.endswith("/tt-b/"):
            raise urllib.error.HTTPError(url, 404, "Not Found", None, None)  # type: ignore[arg-type]
        raise urllib.error.URLError("connection refused")

    idx = index.Index("http://127.0.0.1:8080/simple", get)
    assert idx.seen("tt-a", wheel).kind == "same"
    differs = idx.seen("tt_a", sdist)  # downloaded, compared: another build
    assert differs.kind == "differs"
    assert differs.reason.startswith(f"{sdist.name} is already on the index with different bytes")
    assert gets.count("http://127.0.0.1:8080/simple/tt-a/") == 1  # one page per project
    assert idx.seen("tt-a", tmp_path / "tt_a-0.2.0.tar.gz").kind == "absent"
    assert idx.seen("tt-b", tmp_path / "tt_b-0.1.0.tar.gz").kind == "absent"  # 404: no project
    unknown = idx.seen("tt-c", tmp_path / "tt_c-0.1.0.tar.gz")
    assert unknown.kind == "unknown" and "cannot read http://127.0.0.1:8080/simple/tt-c/" in \
        unknown.reason
