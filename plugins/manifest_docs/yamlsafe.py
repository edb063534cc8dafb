"""Safe YAML reading that keeps the line and column of every node.

PyYAML's own loaders silently keep the last of two duplicate keys, expand aliases
without bound and forget where each value came from. This module composes the node
graph (libyaml when available), then builds plain Python data itself, recording a
position for every path and refusing what a manifest never needs: duplicate keys,
unknown tags, alias bombs and absurd nesting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from .errors import Loc, Problem

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["MAX_BYTES", "MAX_DEPTH", "SourceMap", "YamlDocument", "read_yaml"]

MAX_BYTES = 10 * 1024 * 1024
"""Largest manifest accepted, in bytes."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted."""

try:  # pragma: no branch - depends on how PyYAML was built
    _Loader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used


@dataclass
class SourceMap:
    """Where each path of a document was written.

    ``positions`` maps a path to the 1-based (line, column) of its value and
    ``keys`` to that of its key. ``redirects`` lets a converted document (the legacy
    format) point its new paths at the old ones.
    """

    file: str
    """The file as the user named it."""
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """Path → (line, column) of the value node."""
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """Path → (line, column) of the key that introduces the value."""
    redirects: dict[Loc, Loc] = field(default_factory=dict)
    """Converted path prefix → original path prefix."""

    def _original(self, loc: Loc) -> Loc:
        if not self.redirects:
            return loc
        for cut in range(len(loc), -1, -1):
            target = self.redirects.get(loc[:cut])
            if target is not None:
                return target + loc[cut:]
        return loc

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The (line, column) of ``loc``, or of its nearest written ancestor."""
        loc = self._original(loc)
        if key and loc in self.keys:
            return self.keys[loc]
        for cut in range(len(loc), -1, -1):
            pos = self.positions.get(loc[:cut])
            if pos is not None:
                return pos
        return (1, 1)

    def problem(
        self, loc: Loc, message: str, *, key: bool = False, warning: bool = False
    ) -> Problem:
        """A :class:`Problem` at ``loc`` in this file."""
        line, col = self.locate(loc, key=key)
        return Problem(self.file, line, col, message, loc, "warning" if warning else "error")


@dataclass
class YamlDocument:
    """The result of :func:`read_yaml`: data (or ``None``), where it came from, and problems."""

    data: Any
    """Plain Python data: dicts, lists, str, int, float, bool, None, dates."""
    source: SourceMap
    """Positions of every node."""
    problems: list[Problem]
    """Everything that stopped the document from being read."""


def _read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    def fail(msg: str, line: int = 0, col: int = 0) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, line, col, msg)]

    try:
        if not path.exists():
            return fail("no such file; create it or pass --manifest PATH")
        if path.is_dir():
            return fail("is a directory, expected a YAML file such as manifest.yml")
        size = path.stat().st_size
        if size > MAX_BYTES:
            return fail(f"file is {size:,} bytes; a manifest may be at most {MAX_BYTES:,} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        return fail(f"cannot read file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # Columns count characters, as everywhere else; the line before the bad byte is valid.
        prefix = before[before.rfind(b"\n") + 1 :].decode("utf-8")
        col = len(prefix.removeprefix("\ufeff") if line == 1 else prefix) + 1
        return fail(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", line, col
        )
    text = text.removeprefix("\ufeff")
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return fail("file is empty; expected a mapping starting with 'schema_version: 1'", 1, 1)
    return text, []


def _tab_problems(text: str, shown: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            problems.append(
                Problem(
                    shown,
                    number,
                    indent.index("\t") + 1,
                    "tab used for indentation; YAML needs spaces",
                )
            )
    return problems


class _Builder:
    """Turns a composed node graph into plain data, recording positions."""

    def __init__(self, source: SourceMap, budget: int) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.budget = budget
        self.open: set[int] = set()
        """Ids of the collection nodes being built (to catch an alias inside itself)."""

    def _mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _fail(self, node: yaml.Node, loc: Loc, msg: str) -> None:
        line, col = self._mark(node)
        self.problems.append(Problem(self.source.file, line, col, msg, loc))

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            if self.budget == -1:
                self._fail(
                    node,
                    loc,
                    "document expands to too many nodes "
                    "(aliases that multiply, a 'billion laughs'?); write values out",
                )
            return None
        self.source.positions.setdefault(loc, self._mark(node))
        if depth > MAX_DEPTH:
            self._fail(node, loc, f"nested more than {MAX_DEPTH} levels deep")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, loc)
        if id(node) in self.open:
            self._fail(node, loc, _RECURSIVE)
            return None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._fail(node, loc, _tag_message(node.tag))
                return None
            self.open.add(id(node))
            items = [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
            self.open.discard(id(node))
            return items
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self._fail(node, loc, _tag_message(node.tag))
                return None
            return self._mapping(node, loc, depth)
        return None  # pragma: no cover - composer yields only the three kinds

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._fail(node, loc, _tag_message(node.tag))
            return None
        try:
            value = _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)
        except (ValueError, yaml.YAMLError, OverflowError):
            self._fail(node, loc, f"cannot read value {node.value!r}; quote it if it is text")
            return None
        return value

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        self.open.add(id(node))
        try:
            return self._mapping_items(node, loc, depth)
        finally:
            self.open.discard(id(node))

    def _mapping_items(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.update(self._merge(value_node, loc, depth))
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self._fail(key_node, loc, "mapping keys must be plain text")
                continue
            key = str(key_node.value)
            child = (*loc, key)
            line, col = self._mark(key_node)
            if key in seen:
                self._fail(
                    key_node,
                    child,
                    f"duplicate key {key!r} (first defined at line "
                    f"{seen[key]}); remove one of them",
                )
                continue
            seen[key] = line
            self.source.keys[child] = (line, col)
            out[key] = self.build(value_node, child, depth + 1)
        for key, value in merged.items():
            out.setdefault(key, value)
        return out

    def _merge(self, node: yaml.Node, loc: Loc, depth: int) -> dict[str, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        result: dict[str, Any] = {}
        for src in sources:
            if not isinstance(src, yaml.MappingNode):
                self._fail(src, loc, "'<<' merges only mappings")
                continue
            if id(src) in self.open:
                self._fail(src, loc, _RECURSIVE)
                continue
            for key, value in self._mapping(src, loc, depth).items():
                result.setdefault(key, value)
        return result


_RECURSIVE = "an alias refers to a node that contains it, so it would never end; write values out"


def _tag_message(tag: str) -> str:
    shown = (
        "!!" + tag.removeprefix("tag:yaml.org,2002:")
        if tag.startswith("tag:yaml.org,2002:")
        else tag
    )
    if "python/" in tag:
        return f"YAML tag {shown!r} is not allowed (it would run code); write plain values"
    return (
        f"unsupported YAML tag {shown!r}; only plain strings, numbers, booleans, "
        "dates, null, lists and mappings are allowed"
    )


def _count_nodes(root: yaml.Node) -> int:
    """Distinct nodes in the graph (aliases counted once)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
    return len(seen)


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where nesting first exceeds :data:`MAX_DEPTH`, found from the event stream.

    libyaml's composer recurses in C and crashes the interpreter on pathological
    nesting, so the depth is measured first with the (iterative) event parser.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return (mark.line + 1, mark.column + 1) if mark else (0, 0)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index`` in ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _byte_position(text: str, offset: int) -> tuple[int, int]:
    """(line, column) of a UTF-8 byte ``offset`` (libyaml reports reader errors in bytes)."""
    if _Loader is yaml.SafeLoader:  # pragma: no cover - the pure-Python reader counts characters
        return _line_col(text, offset)
    prefix = text.encode("utf-8")[:offset].decode("utf-8", errors="ignore")
    return _line_col(text, len(prefix))


def _surrogate_problems(text: str, shown: str) -> list[Problem]:
    """A lone surrogate (only possible in text handed over by code) cannot be UTF-8 encoded."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line, col = _line_col(text, exc.start)
        bad = ord(text[exc.start])
        return [Problem(shown, line, col, f"not valid text (lone surrogate U+{bad:04X})")]
    return []


def parse_yaml(text: str, shown: str) -> YamlDocument:
    """Parse YAML text into located plain data; never raises for bad input."""
    source = SourceMap(shown)
    problems = _tab_problems(text, shown) or _surrogate_problems(text, shown)
    if problems:
        return YamlDocument(None, source, problems)
    try:
        too_deep = _too_deep(text)
        if too_deep is not None:
            return YamlDocument(
                None,
                source,
                [
                    Problem(
                        shown,
                        too_deep[0],
                        too_deep[1],
                        f"nested more than {MAX_DEPTH} levels deep; a manifest needs far fewer",
                    )
                ],
            )
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.context}, {exc.problem}"
        start = exc.context_mark
        if (
            start is not None
            and mark is not None
            and start.line != mark.line
            and (exc.context or "").startswith("while ")
        ):
            # An unclosed quote or bracket is found far below where it was opened.
            what += f" (it started at line {start.line + 1}, column {start.column + 1})"
        return YamlDocument(None, source, [Problem(shown, line, col, f"YAML syntax error: {what}")])
    except yaml.reader.ReaderError as exc:
        line, col = _byte_position(text, exc.position)
        return YamlDocument(
            None,
            source,
            [
                Problem(
                    shown,
                    line,
                    col,
                    f"character U+{exc.character:04X} is not allowed in YAML "
                    f"({exc.reason}); remove it",
                )
            ],
        )
    except yaml.YAMLError as exc:
        return YamlDocument(None, source, [Problem(shown, 0, 0, f"YAML error: {exc}")])
    except RecursionError:
        return YamlDocument(
            None,
            source,
            [
                Problem(
                    shown,
                    0,
                    0,
                    f"nested too deeply to read; a manifest nests at most {MAX_DEPTH} levels",
                )
            ],
        )
    if root is None:
        return YamlDocument(
            None,
            source,
            [
                Problem(
                    shown,
                    1,
                    1,
                    "file is empty; expected a mapping starting with 'schema_version: 1'",
                )
            ],
        )
    builder = _Builder(source, budget=_count_nodes(root) * 4 + 10_000)
    data = builder.build(root, (), 0)
    if not builder.problems and not isinstance(data, dict):
        line, col = builder._mark(root)
        kind = _TOP_KINDS.get(type(data), type(data).__name__)
        builder.problems.append(
            Problem(
                shown,
                line,
                col,
                f"expected a mapping of keys (schema_version, services, …) at the top, got {kind}",
            )
        )
    return YamlDocument(data, source, builder.problems)


_TOP_KINDS: dict[type, str] = {
    list: "a list",
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    type(None): "null",
}


def read_yaml(path: Path, shown: str | None = None) -> YamlDocument:
    """Read and parse ``path``; every failure becomes a located :class:`Problem`."""
    name = shown if shown is not None else str(path)
    text, problems = _read_text(path, name)
    if text is None:
        return YamlDocument(None, SourceMap(name), problems)
    return parse_yaml(text, name)
