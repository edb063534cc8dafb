"""Manifest values never become syntax: every generated file read back by a real parser.

Each hostile value is put in every field of an environment variable (value, default,
example, source, description, allowed, generate) and in ``start_command``,
``build_command`` and ``dockerfile``; the files generated from that manifest are then
read by python-dotenv, by bash (``set -a; . file``, run for real), by ``tomllib`` and by
``json``. The escapers of :mod:`manifest_docs.render.escape` are also tested directly,
with hypothesis, and so are terminal output and error messages.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from click.testing import CliRunner
from dotenv import dotenv_values
from dotenv.parser import parse_stream
from hypothesis import given, settings
from hypothesis import strategies as st
from manifest_docs import artefacts
from manifest_docs.cli import main
from manifest_docs.codecontext import (
    MERMAID_LABEL_FILTER,
    MERMAID_TEXT_FILTER,
    VERBATIM_FILTER,
    protect_code,
)
from manifest_docs.errors import (
    INVISIBLE,
    ManifestError,
    Problem,
    escape_char,
    format_loc,
    quote,
    visible,
)
from manifest_docs.facts import Facts, mermaid_label, mermaid_text, plain_text
from manifest_docs.load import load_text
from manifest_docs.render import escape
from manifest_docs.render.pages import render_site
from test_ops import run_on_terminal

BR_OPS = Path(sys.executable).parent / "br-ops"
BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")

HOSTILE: dict[str, str] = {
    "newline": "a\nDEBUG=true",
    "crlf": "a\r\nINJECTED=1",
    "carriage-return": "a\rINJECTED=1",
    "nul": "a\x00b",
    "escape-sequences": "\x1b]0;pwned\x07\x1b[2Jx",
    "del": "a\x7fb",
    "c1-csi": "a\x9b2Jb",
    "backticks": "`touch pwned-tick`",
    "command-substitution": "$(touch pwned-sub)",
    "id": "$(id)",
    "parameter": "${HOME}",
    "semicolon": "x; touch pwned-semi",
    "single-quote": "it's",
    "single-quote-break": "'; touch pwned-single; '",
    "double-quote": 'say "hi"',
    "double-quote-break": '"; touch pwned-double; "',
    "backslash": "C:\\dir\\file",
    "double-backslash": "a\\\\b",
    "trailing-backslash": "end\\",
    "escaped-quote": "a\\'b",
    "quote-and-dollar": "it's $(touch pwned-mixed)",
    "backslash-and-tick": "a\\\\`touch pwned-bt`",
    "hash": "a #b",
    "equals": "A=B=C",
    "spaces": "  padded  ",
    "tab": "a\tb",
    "unicode": "é日本😀",
    "bidi": "admin\u202e\u2066txt.exe",
    "line-separator": "a\u2028b\u2029c",
    "long": "x" * 5000 + "$(touch pwned-long)" + "y" * 3000,
}
"""Hostile text, by name; no value starts a command (files named ``pwned-*`` tell)."""

UNWRITABLE = re.compile(f"(?!\t){INVISIBLE.pattern}")
"""What no line of a generated file may hold raw: the invisible characters but the tab."""

FIELDS = ("value", "default", "example", "source")


# --------------------------------------------------------------------------- the contract


def needs_double_quotes(v: str) -> bool:
    """Whether :func:`escape.dotenv` must use its double-quoted form for ``v``."""
    return "'" in v or "\\\\" in v or v.endswith("\\") or UNWRITABLE.search(v) is not None


def dotenv_reads(v: str) -> str:
    """What python-dotenv (interpolate=False) reads back, per the documented rules."""
    if not needs_double_quotes(v):
        return v
    out = []
    for c in v:
        if c in "$`":
            out.append("\\" + c)
        elif c in "\n\r" or not UNWRITABLE.fullmatch(c):
            out.append(c)
        else:
            out.append(escape_char(c))
    return "".join(out)


def shell_reads(v: str) -> str:
    """What a POSIX shell reads back after ``. file``, per the documented rules."""
    if not needs_double_quotes(v):
        return v
    table = {"\n": "\\n", "\r": "\\r"}
    return "".join(table.get(c, escape_char(c) if UNWRITABLE.fullmatch(c) else c) for c in v)


# --------------------------------------------------------------------------- helpers


def hostile_manifest(minimal_manifest: str, v: str) -> str:
    """The minimal manifest with ``v`` in every env var field and in the deploy commands."""
    data = yaml.safe_load(minimal_manifest)
    backend = data["services"]["backend"]
    for field in FIELDS:
        backend["env"].append(
            {
                "name": f"HOSTILE_{field.upper()}",
                "tier": "optional",
                "description": v,
                field: v,
                "allowed": [v, "ok"],
                "generate": v,
            }
        )
    backend["deploy"] = {
        "builder": "dockerfile",
        "dockerfile": v,
        "build_command": v,
        "start_command": v,
        "restart_policy": "on_failure",
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 20)


def load_hostile(minimal_manifest: str, name: str) -> Any:
    """The loaded manifest holding ``HOSTILE[name]`` — or a skip when the loader refuses it.

    A refusal must still be one bounded line per problem.
    """
    v = HOSTILE[name]
    try:
        m = load_text(hostile_manifest(minimal_manifest, v)).manifest
    except ManifestError as exc:
        assert_one_line_each(exc.problems)
        pytest.skip(f"the loader refuses {name!r} (fine: it never reaches a file)")
    var = next(e for e in m.services["backend"].env if e.name == "HOSTILE_VALUE")
    assert var.value == v, "YAML did not carry the value through"
    return m


def assert_one_line_each(problems: list[Problem]) -> None:
    for p in problems:
        line = str(p)
        assert "\n" not in line
        assert INVISIBLE.search(line) is None, line
        assert len(line) <= 1000


def assert_no_raw_controls(text: str) -> None:
    """Lines end with ``\\n``; nothing else invisible is in ``text`` (the tab is allowed)."""
    assert UNWRITABLE.search(text.replace("\n", "")) is None, repr(
        UNWRITABLE.search(text.replace("\n", ""))
    )


def bash_source(folder: Path, file_name: str) -> tuple[dict[str, str], str]:
    """The variables ``set -a; . ./file`` defines in a clean bash, and bash's stderr."""
    assert BASH is not None

    def run(target: str) -> tuple[dict[str, str], str]:
        result = subprocess.run(
            [
                "env",
                "-i",
                "PATH=/usr/bin:/bin",
                BASH,
                "--noprofile",
                "--norc",
                "-c",
                f"set -a; . {target}; env -0",
            ],
            cwd=folder,
            capture_output=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        pairs = [e.split(b"=", 1) for e in result.stdout.split(b"\0") if e]
        env = {k.decode(): v.decode("utf-8", "surrogateescape") for k, v in pairs}
        return env, result.stderr.decode("utf-8", "replace")

    before, _ = run("/dev/null")
    after, err = run(f"./{file_name}")
    defined = {k: v for k, v in after.items() if k != "_" and before.get(k) != v}
    return defined, err


def env_text(m: Any) -> str:
    return artefacts.env_example("backend", m.services["backend"])


def expected_keys(m: Any) -> list[str]:
    return [v.name for v in m.services["backend"].env]


# --------------------------------------------------------------------------- .env.example


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_env_example_is_one_line_per_entry(minimal_manifest: str, name: str) -> None:
    m = load_hostile(minimal_manifest, name)
    text = env_text(m)
    assert_no_raw_controls(text)
    lines = text.split("\n")
    assert lines[-1] == ""
    for line in lines[:-1]:
        assert line == "" or line.startswith("# ") or re.match(r"[A-Z][A-Z0-9_]*=", line), line
    entries = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    assert sorted(entries) == sorted(expected_keys(m))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_env_example_reads_back_with_python_dotenv(minimal_manifest: str, name: str) -> None:
    v = HOSTILE[name]
    m = load_hostile(minimal_manifest, name)
    text = env_text(m)
    bindings = list(parse_stream(io.StringIO(text)))
    assert not [b.original for b in bindings if b.error]
    assert sorted(b.key for b in bindings if b.key is not None) == sorted(expected_keys(m))
    read = dotenv_values(stream=io.StringIO(text), interpolate=False)
    for field in FIELDS:
        assert read[f"HOSTILE_{field.upper()}"] == dotenv_reads(v)
    assert read["SECRET_KEY"] == ""  # secrets stay empty, whatever else the file holds
    one_line = UNWRITABLE.search(v.replace("\n", "").replace("\r", "")) is None
    if one_line and not (needs_double_quotes(v) and any(c in v for c in "$`")):
        assert read["HOSTILE_VALUE"] == v  # the original text, newlines included
    if "${" not in v:  # python-dotenv expands ${NAME} in every value (documented)
        assert dotenv_values(stream=io.StringIO(text)) == read


@needs_bash
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_env_example_sourced_by_bash_runs_nothing(
    minimal_manifest: str, name: str, tmp_path: Path
) -> None:
    v = HOSTILE[name]
    m = load_hostile(minimal_manifest, name)
    (tmp_path / ".env.example").write_text(env_text(m), encoding="utf-8")
    defined, err = bash_source(tmp_path, ".env.example")
    assert err == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env.example"]  # no pwned-*
    assert sorted(defined) == sorted(set(expected_keys(m)))
    for field in FIELDS:
        assert defined[f"HOSTILE_{field.upper()}"] == shell_reads(v)
    assert defined["SECRET_KEY"] == ""


def test_values_python_dotenv_and_the_shell_read_differently_are_the_documented_ones() -> None:
    # Double-quoted on purpose: a ' (or \\) and a $ cannot both be exact for both readers.
    assert escape.dotenv("it's $(id)") == '"it\'s \\$(id)"'
    assert escape.dotenv("a\nb") == '"a\\nb"'
    assert escape.dotenv("a\x1bb") == '"a\\x1bb"'
    assert escape.dotenv("`id`") == "'`id`'"
    assert escape.dotenv("postgresql://u:p@h:5432/db") == "postgresql://u:p@h:5432/db"
    assert escape.dotenv("") == ""


def test_allowed_items_with_a_newline_stay_in_the_comment(minimal_manifest: str) -> None:
    data = yaml.safe_load(minimal_manifest)
    level = data["services"]["backend"]["env"][2]
    level["allowed"] = ["text\nDEBUG=true", "INFO"]
    level["default"] = "INFO"
    m = load_text(yaml.safe_dump(data, allow_unicode=True)).manifest
    text = env_text(m)
    assert "\nDEBUG=" not in text
    assert "# Log verbosity one of: text DEBUG=true, INFO\nLOG_LEVEL=INFO\n" in text


def test_env_dotenv_command_prints_the_escaped_file(minimal_manifest: str, tmp_path: Path) -> None:
    path = tmp_path / "manifest.yml"
    path.write_text(hostile_manifest(minimal_manifest, HOSTILE["escape-sequences"]), "utf-8")
    result = CliRunner().invoke(main, ["env", "backend", "--format", "dotenv", "-m", str(path)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert 'HOSTILE_VALUE="\\x1b]0;pwned\\x07\\x1b[2Jx"\n' in result.stdout


# --------------------------------------------------------------------------- railway files


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_railway_files_read_back_exactly(minimal_manifest: str, name: str) -> None:
    v = HOSTILE[name]
    m = load_hostile(minimal_manifest, name)
    files = {f.path: f.text for f in artefacts.render_files(m)}
    toml_text = files["backend/railway.toml"]
    json_text = files["backend/railway.json"]
    for text in (toml_text, json_text):
        assert_no_raw_controls(text)
    as_toml = tomllib.loads(toml_text)
    as_json = json.loads(json_text)
    for doc in (as_toml, as_json):
        assert doc["build"]["dockerfilePath"] == v
        assert doc["build"]["buildCommand"] == v
        assert doc["deploy"]["startCommand"] == v
    assert as_toml == {k: val for k, val in as_json.items() if k != "$schema"}
    assert len(toml_text.splitlines()) == 12  # header, blank, [build] + 3, blank, [deploy] + 4


def test_a_del_in_start_command_is_valid_toml() -> None:
    text = artefacts.railway_toml("api", {"deploy": {"startCommand": "run\x7f now\x00"}})
    assert "\x7f" not in text
    assert tomllib.loads(text)["deploy"]["startCommand"] == "run\x7f now\x00"


def test_toml_comment_of_the_header_is_one_line() -> None:
    text = artefacts.railway_toml("a\nb\x1b", {"deploy": {"numReplicas": 1}})
    assert (
        text.splitlines()[0] == "# railway.toml for a b\\x1b — generated from manifest.yml by "
        "'br-ops render';"
    )
    tomllib.loads(text)


# --------------------------------------------------------------------------- escapers


TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("'\"\\$`#=;|&<>(){}[]%! \t\n\r\x00\x1b\x7f\x9b\u202e\u2066\u2028")),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_dotenv_value_property(v: str) -> None:
    written = escape.dotenv(v)
    assert UNWRITABLE.search(written) is None
    assert "\n" not in written
    assert "\r" not in written
    read = dotenv_values(stream=io.StringIO(f"K={written}\nL=after\n"), interpolate=False)
    assert read == {"K": dotenv_reads(v), "L": "after"}


@needs_bash
@settings(max_examples=25, deadline=None)
@given(values=st.lists(TEXT, min_size=1, max_size=8))
def test_dotenv_values_sourced_by_bash_property(values: list[str], tmp_path_factory: Any) -> None:
    folder = tmp_path_factory.mktemp("dotenv")
    text = "".join(f"K{i}={escape.dotenv(v)}\n" for i, v in enumerate(values))
    (folder / "f.env").write_text(text, encoding="utf-8")
    defined, err = bash_source(folder, "f.env")
    assert err == ""
    assert defined == {f"K{i}": shell_reads(v) for i, v in enumerate(values)}


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_dotenv_comment_property(text: str) -> None:
    comment = escape.dotenv_comment(text)
    assert INVISIBLE.search(comment) is None
    read = dotenv_values(stream=io.StringIO(f"# {comment}\nK=v\n"))
    assert read == {"K": "v"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_toml_string_property(v: str) -> None:
    written = escape.toml_string(v)
    assert INVISIBLE.search(written) is None
    assert tomllib.loads(f"k = {written}\n") == {"k": v}


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | TEXT,
        lambda c: st.lists(c) | st.dictionaries(TEXT, c),
        max_leaves=10,
    )
)
def test_json_text_property(value: Any) -> None:
    for indent in (None, 2):
        written = escape.json_text(value, indent=indent)
        assert INVISIBLE.search(written.replace("\n", "")) is None
        assert json.loads(written) == value


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_shell_word_property(v: str) -> None:
    assert shlex.split(escape.shell(v)) == [v]


@needs_bash
def test_shell_words_are_literal_in_bash(tmp_path: Path) -> None:
    assert BASH is not None
    for v in (x for x in HOSTILE.values() if "\x00" not in x):
        out = subprocess.run(
            [BASH, "-c", f"printf %s {escape.shell(v)}"],
            cwd=tmp_path,
            capture_output=True,
            check=True,
        ).stdout
        assert out.decode("utf-8", "surrogateescape") == v
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_terminal_text_property(v: str) -> None:
    shown = escape.terminal(v)
    assert INVISIBLE.search(shown) is None
    if INVISIBLE.search(v) is None:
        assert shown == v
    assert shown == visible(v)


def test_terminal_text_shows_what_is_there() -> None:
    assert escape.terminal("a\x1b[2Jb\u202ec\x00\x7f\n") == "a\\x1b[2Jb\\u202ec\\x00\\x7f\\x0a"
    assert escape.terminal(None) == ""


def test_every_invisible_character_of_this_python_is_covered() -> None:
    import unicodedata

    categories = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    missed = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in categories and not INVISIBLE.fullmatch(chr(cp))
    ]
    assert missed == []


# --------------------------------------------------------------------------- Mermaid

MERMAID_EVIL = (
    'x"] --> evil["pwned"]\nclick a call alert(1)\n%%{init: {"securityLevel": "loose"}}%%\n'
    "end\nstyle a fill:#f00 <img src=x onerror=alert(1)> | ; #quot; `md` [(db)] {d} ~~~ -.->"
)


def _entities(label: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label)


def _skeleton(line: str) -> str:
    """``line`` with every quoted string reduced to ``"…"``: the diagram's structure."""
    return re.sub(r'"[^"]*"', '"…"', line)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_mermaid_label_property(v: str) -> None:
    label = str(escape.mermaid(v))
    assert label.startswith('"')
    assert label.endswith('"')
    inner = label[1:-1]
    assert re.fullmatch(r"(?:[^\W_]|[ .\-_/:,?!'@+=]|#\d+;)*", inner), inner
    assert _entities(inner) == visible(" ".join(v.split()))


def test_a_hostile_label_stays_inside_its_node() -> None:
    lines = [
        "flowchart LR",
        f"  a[{escape.mermaid(MERMAID_EVIL)}] --> b[{escape.mermaid(MERMAID_EVIL)}]",
        f'  b --> c{{"{escape.mermaid_text(MERMAID_EVIL)}?"}}',
    ]
    diagram = "\n".join(lines)
    assert [_skeleton(line) for line in diagram.splitlines()] == [
        "flowchart LR",
        '  a["…"] --> b["…"]',
        '  b --> c{"…"}',
    ]
    outside = _skeleton(diagram)
    for word in ("click", "%%", "style", "end", "evil", "<img"):
        assert word not in outside
    # Mermaid drops the last ";" of a line with "style …:…#…;" before it decodes entities.
    assert "style" not in diagram
    assert "classDef" not in str(escape.mermaid("classDef x fill:#f00;"))


def hostile_facts(text: str, minimal_manifest: str) -> Facts:
    data = yaml.safe_load(minimal_manifest)
    data["services"]["backend"]["description"] = text
    return Facts(load_text(yaml.safe_dump(data, allow_unicode=True)).manifest)


MERMAID_PAGE = """\
# Flow

```mermaid
flowchart LR
  a["{{ service('backend').description }}"] --> b[{{ service('backend').description }}]
  b --> c{"{{ service('backend').domains.prod }} or {{ service('backend').description }}?"}
  {% if service('backend').description %}c --> d{% endif %}
```
"""


def _render_with_macros(page: str, facts: Facts) -> str:
    """``page`` through the same rewrite and filters the mkdocs-macros pluglet uses."""
    env = jinja2.Environment(autoescape=False)  # as mkdocs-macros renders pages
    env.filters[VERBATIM_FILTER] = plain_text
    env.filters[MERMAID_LABEL_FILTER] = mermaid_label
    env.filters[MERMAID_TEXT_FILTER] = mermaid_text
    return env.from_string(protect_code(page)).render(**facts.functions())


def test_facts_in_a_mermaid_block_stay_labels(minimal_manifest: str) -> None:
    out = _render_with_macros(MERMAID_PAGE, hostile_facts(MERMAID_EVIL, minimal_manifest))
    block = out.split("```mermaid\n", 1)[1].split("```", 1)[0].splitlines()
    assert [_skeleton(line) for line in block] == [
        "flowchart LR",
        '  a["…"] --> b["…"]',
        '  b --> c{"…"}',
        "  c --> d",
    ]
    labels = re.findall(r'"([^"]*)"', "\n".join(block))
    assert _entities(labels[0]) == visible(" ".join(MERMAID_EVIL.split()))
    assert labels[2] == "api.example.com or " + escape.mermaid_text(MERMAID_EVIL) + "?"


def test_the_architecture_diagram_is_svg_with_escaped_labels(minimal_manifest: str) -> None:
    # The generated diagram is static SVG now: its text goes through escape.md, the
    # Markdown/HTML escaper (hostile strings in a diagram: tests/test_graph.py).
    m = load_text(minimal_manifest).manifest
    page = next(p for p in render_site(m).pages if p.src_uri == "architecture/index.md")
    assert "mermaid" not in page.content
    block = page.content.split('<div class="mdocs-graph">', 1)[1].split("</div>", 1)[0]
    for text in re.findall(r"<text[^>]*>([^<]*)</text>", block):
        assert text == str(escape.md(html.unescape(text)))


# --------------------------------------------------------------------------- terminal

SGR = re.compile(r"\x1b\[[0-9;]*m")
"""The colour codes br-ops itself writes on a terminal."""


def terminal_manifest(minimal_manifest: str, v: str) -> str:
    data = yaml.safe_load(minimal_manifest)
    data["organization"]["name"] = "Org " + v
    data["phases"][0]["name"] = "Launch " + v
    data["services"]["backend"]["env"].append(
        {
            "name": "HOSTILE",
            "tier": "required",
            "description": "desc " + v,
            "example": "ex " + v,
            "source": "src " + v,
            "allowed": ["al " + v],
            "generate": "gen " + v,
        }
    )
    data["services"]["backend"]["description"] = "svc " + v
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


TERMINAL_HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x00\x7f\x9b1m\u202e\u2066\nnext line"


def _run_on_terminal(args: list[str], cwd: Path) -> str:
    """Run br-ops with stdout on a pseudo-terminal, colours on; what it printed there."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "BR_MANIFEST")}
    return run_on_terminal(args, cwd, env).decode("utf-8").replace("\r\n", "\n")


@pytest.fixture
def terminal_project(minimal_manifest: str, tmp_path: Path) -> Path:
    path = tmp_path / "manifest.yml"
    path.write_text(terminal_manifest(minimal_manifest, TERMINAL_HOSTILE), "utf-8")
    return path


@pytest.mark.parametrize(
    "args", [["env", "backend"], ["status"], ["list"], ["repo", "backend"], ["open", "backend"]]
)
def test_text_output_has_no_raw_controls(terminal_project: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "-m", str(terminal_project)])
    assert result.exit_code in (0, 1), result.output
    assert_no_raw_controls(result.stdout)
    assert "next line" not in result.stdout.replace("\\x0anext line", "")


@pytest.mark.parametrize("args", [["env", "backend"], ["status"], ["list"]])
def test_on_a_real_terminal_only_colours_are_escape_codes(
    terminal_project: Path, args: list[str]
) -> None:
    out = _run_on_terminal(args, terminal_project.parent)
    assert "\x1b[" in out  # colour is on
    assert_no_raw_controls(SGR.sub("", out))


def test_env_text_keeps_each_value_on_its_line(terminal_project: Path) -> None:
    result = CliRunner().invoke(main, ["env", "backend", "-m", str(terminal_project)])
    lines = result.stdout.splitlines()
    shown = escape.terminal(TERMINAL_HOSTILE)
    assert f"  HOSTILE  desc {shown}" in lines
    for key in ("example: ex ", "source: src ", "allowed: al ", "generate: gen "):
        assert f"      {key}{shown}" in lines
    status = CliRunner().invoke(main, ["status", "-m", str(terminal_project)]).stdout
    assert status.splitlines()[0] == f"Org {shown}"


def test_json_output_is_exact_and_terminal_safe(terminal_project: Path) -> None:
    result = CliRunner().invoke(main, ["env", "backend", "--json", "-m", str(terminal_project)])
    assert_no_raw_controls(result.stdout)
    data = json.loads(result.stdout)
    var = next(v for v in data["variables"] if v["name"] == "HOSTILE")
    assert var["description"] == "desc " + TERMINAL_HOSTILE


def test_an_unknown_service_argument_is_shown_escaped(terminal_project: Path) -> None:
    result = CliRunner().invoke(main, ["env", "\x1b[2Jnope\u202e", "-m", str(terminal_project)])
    assert result.exit_code == 2
    assert_no_raw_controls(result.stderr)
    assert "unknown service '\\x1b[2Jnope\\u202e'" in result.stderr


# --------------------------------------------------------------------------- problems


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=300),
    st.text(max_size=3000),
    st.lists(st.one_of(st.text(max_size=80), st.integers(0, 10**6)), max_size=12),
    st.sampled_from(["error", "warning"]),
)
def test_a_problem_is_one_bounded_line(file: str, message: str, loc: list[Any], sev: str) -> None:
    line = str(Problem(file, 12, 3, message, tuple(loc), sev))  # type: ignore[arg-type]
    assert INVISIBLE.search(line) is None
    assert len(line) <= 1000


def test_a_problem_shows_its_controls_and_keeps_its_hint() -> None:
    p = Problem("m.yml", 3, 4, "bad \x1b[2J\nvalue " + "x" * 10_000 + " (did you mean 'y'?)")
    line = str(p)
    assert line.startswith("m.yml:3:4: bad \\x1b[2J\\x0avalue xxx")
    assert "…" in line
    assert line.endswith("x (did you mean 'y'?)")


def test_format_loc_quotes_keys_that_are_not_names() -> None:
    assert format_loc(("services", "redis", "depends_on", 1)) == "services.redis.depends_on[1]"
    assert format_loc(("services", "a.b", "kind")) == "services['a.b'].kind"
    assert format_loc(("services", "a\nb", "kind")) == "services['a\\nb'].kind"
    assert format_loc(("services", "x" * 500)).startswith("services['xxxx")
    assert len(format_loc(("k" * 300,) * 50)) <= 200
    assert format_loc(()) == "(document)"


def test_quote_is_short_and_visible() -> None:
    assert quote("lots") == "'lots'"
    assert quote("a\x1bb\u202e") == "'a\\x1bb\\u202e'"
    long = quote("x" * 6_000_000)
    assert long == "'" + "x" * 79 + "…'"
    assert len(quote("\x00" * 1000)) <= 82
    assert quote(42) == "42"
    assert len(quote(list(range(10_000)))) <= 80


def test_a_key_with_a_newline_is_one_problem_on_one_line(minimal_manifest: str) -> None:
    text = minimal_manifest.replace(
        "    kind: worker\n", '    kind: worker\n    "bad.key\\nDEBUG: 1": 1\n'
    )
    with pytest.raises(ManifestError) as info:
        load_text(text)
    assert_one_line_each(info.value.problems)
    assert len(str(info.value).splitlines()) == len(info.value.problems)
    assert any("['bad.key\\nDEBUG: 1']" in str(p) for p in info.value.problems)


def test_a_six_megabyte_bad_value_gives_a_short_message(
    minimal_manifest: str, tmp_path: Path
) -> None:
    huge = "lots\\e[2J" + "x" * 6_000_000  # \e: YAML's escape for ESC
    text = minimal_manifest.replace("memory: 256MB", f'memory: "{huge}"')
    path = tmp_path / "manifest.yml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "-m", str(path)])
    assert result.exit_code == 2
    assert len(result.stderr) < 5000
    assert_no_raw_controls(result.stderr)
    for line in result.stderr.splitlines():
        assert len(line) <= 1000
