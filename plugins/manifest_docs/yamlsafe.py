"""Safe YAML reading that keeps the line and column of every node.

PyYAML's own loaders silently keep the last of two duplicate keys, expand aliases
without bound and forget where each value came from. This module composes the node
graph (libyaml when available), then builds plain Python data itself, recording a
position for every path and refusing what a manifest never needs: duplicate keys,
unknown tags, alias bombs and absurd nesting.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from .errors import Loc, Problem

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_NODES",
    "MAX_SCALAR",
    "SourceMap",
    "YamlDocument",
    "line_col",
    "read_yaml",
]

MAX_BYTES = 10 * 1024 * 1024
"""Largest manifest accepted, in bytes."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted."""
MAX_ITEMS = 10_000
"""Most entries in one mapping or list (services included)."""
MAX_NODES = 1_000_000
"""Most values (scalars, mappings and lists) in the whole document."""
MAX_SCALAR = 65_536
"""Longest single value or key, in characters."""

try:  # pragma: no branch - depends on how PyYAML was built
    _Loader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_MAYBE_TYPED = frozenset("yYnNtTfFoO")
"""First letters of YAML 1.1 booleans and null (yes/no/true/false/on/off/null)."""
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
    text: str | None = field(default=None, repr=False)
    """Text whose positions are still to be recorded (filled on first use)."""

    def _fill(self) -> None:
        """Record positions now: the fast path leaves them until a message needs one."""
        if self.text is not None:
            text, self.text = self.text, None
            with contextlib.suppress(yaml.YAMLError):  # it parsed once already
                _EventBuilder(self).run(text)

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
        self._fill()
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
    text: str | None = None
    """The text that was parsed (when it could be read)."""


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
            return fail(
                f"file is {size:,} bytes; a manifest may be at most {MAX_BYTES:,} bytes", 1, 1
            )
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
        return fail("file is empty; expected a mapping starting with 'schema_version: 2'", 1, 1)
    return text, []


def _tab_problems(text: str, shown: str) -> list[Problem]:
    if "\t" not in text:  # the common case, without splitting 1 MB into lines
        return []
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


@dataclass
class _Frame:
    """A mapping or sequence being built from the event stream."""

    is_map: bool
    value: Any
    loc: Loc
    anchor: str | None
    mark: Any = None
    size: int = 0
    key: str | None = None
    discard: bool = False
    merging: bool = False
    merges: list[Any] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    flow: bool = False


class _OverBudget(Exception):
    """The document exceeds a size budget; the builder stops (the problem is recorded)."""


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


class _EventBuilder:
    """Builds plain data straight from libyaml's event stream, iteratively.

    One pass and no recursion (libyaml's own composer recurses in C and crashes the
    interpreter on deep nesting); positions are recorded as nodes start; an alias
    shares the anchored value instead of copying it, and its expanded size is counted
    so that an alias bomb is refused before anything walks the data.
    """

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.anchors: dict[str, tuple[Any, int, Any]] = {}
        self.mark: Any = None
        """Start mark of the value being delivered (for merge problems)."""
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.root_size = 0
        self.root_mark: Any = None
        self.nodes = 0
        self.recoverable = 0
        """How many problems leave the data usable (a duplicate key keeps its first value)."""

    def fail(self, mark: Any, loc: Loc, msg: str) -> None:
        line, col = _pos(mark)
        self.problems.append(Problem(self.source.file, line, col, msg, loc))

    def over(self, mark: Any, loc: Loc, msg: str) -> None:
        """Record a budget problem and stop: nothing after it is worth the time."""
        self.fail(mark, loc, msg)
        raise _OverBudget

    def _child_loc(self) -> Loc | None:
        """Where the next value goes (``None``: it is discarded)."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if not top.is_map:
            return (*top.loc, len(top.value))
        if top.key is None or top.discard or top.merging:
            return None
        return (*top.loc, top.key)

    def _start(self, mark: Any) -> Loc:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.over(
                mark,
                self.stack[-1].loc if self.stack else (),
                f"the document holds more than {MAX_NODES:,} values; a manifest needs far fewer",
            )
        if self.root_mark is None:
            self.root_mark = mark
        loc = self._child_loc()
        if loc is not None:
            self.source.positions.setdefault(loc, _pos(mark))
            return loc
        return self.stack[-1].loc if self.stack else ()

    def _deliver(self, value: Any, size: int) -> None:
        if not self.stack:
            self.root, self.root_size = value, size
            return
        top = self.stack[-1]
        top.size += size
        if len(top.value) >= MAX_ITEMS and top.key != "<<":
            what = "mapping has" if top.is_map else "list has"
            self.over(
                top.mark,
                top.loc,
                f"this {what} more than {MAX_ITEMS:,} entries; a manifest needs far fewer "
                "(split the data, or keep it outside the manifest)",
            )
        if not top.is_map:
            top.value.append(value)
        elif top.key is None:  # a collection used as a key: reported, dropped
            top.key, top.discard = "", True
        else:
            if top.merging:
                top.merges.append((value, self.mark))
            elif not top.discard:
                top.value[top.key] = value
            top.key, top.discard, top.merging = None, False, False

    def _key(self, top: _Frame, event: yaml.ScalarEvent, tag: str) -> None:
        mark = event.start_mark
        if tag == _MERGE:
            top.key, top.merging = "<<", True
            return
        if tag not in _SCALAR_TAGS:
            self.fail(mark, top.loc, "mapping keys must be plain text")
            top.key, top.discard = "", True
            return
        key = str(event.value)
        child = (*top.loc, key)
        if key in top.seen:
            self.fail(
                mark,
                child,
                f"duplicate key {key!r} (first defined at line "
                f"{top.seen[key]}); remove one of them",
            )
            self.recoverable += 1
            top.key, top.discard = key, True
            return
        top.seen[key] = _pos(mark)[0]
        self.source.keys[child] = _pos(mark)
        top.key = key

    def scalar(self, loader: Any, event: yaml.ScalarEvent) -> None:
        if len(event.value) > MAX_SCALAR:
            self.over(
                event.start_mark,
                self._child_loc() or (self.stack[-1].loc if self.stack else ()),
                f"this value is {len(event.value):,} characters long; a manifest value may "
                f"be at most {MAX_SCALAR:,} (link to longer text instead)",
            )
        tag = event.tag
        if tag is None:
            first = event.value[:1]
            if not event.implicit[0] or (first.isalpha() and first not in _MAYBE_TYPED):
                tag = _STR  # quoted, or plain text that no YAML type starts with
            else:
                tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        elif tag == "!":
            tag = _STR
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and top.key is None:
            self._key(top, event, tag)
            return
        loc = self._start(event.start_mark)
        value: Any = None
        if tag == _STR:
            value = event.value
        elif tag not in _SCALAR_TAGS:
            self.fail(event.start_mark, loc, _tag_message(tag))
        else:
            node = yaml.ScalarNode(tag, event.value, style=event.style)
            try:
                value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
            except Exception:  # any constructor failure is a bad value, never a crash
                hint = (
                    f" as !!{tag.rsplit(':', 1)[-1]}; fix the value or drop the tag"
                    if event.tag is not None
                    else "; quote it if it is text"
                )
                self.fail(event.start_mark, loc, f"cannot read value {event.value!r}{hint}")
        if event.anchor:
            self.anchors[event.anchor] = (value, 1, event.start_mark)
        self.mark = event.start_mark
        self._deliver(value, 1)

    def start(self, event: yaml.CollectionStartEvent, is_map: bool) -> bool:
        if len(self.stack) >= MAX_DEPTH:
            # Fatal, and whatever else was found on the way down is a consequence of it.
            line, col = _pos(event.start_mark)
            self.problems = [
                Problem(
                    self.source.file,
                    line,
                    col,
                    f"nested more than {MAX_DEPTH} levels deep; a manifest needs far fewer",
                )
            ]
            return False
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and top.key is None:
            self.fail(event.start_mark, top.loc, "mapping keys must be plain text")
        loc = self._start(event.start_mark)
        expected = _MAP if is_map else _SEQ
        if event.tag not in (None, "!", expected):
            self.fail(event.start_mark, loc, _tag_message(event.tag))
        frame = _Frame(is_map, {} if is_map else [], loc, event.anchor, event.start_mark)
        frame.flow = bool(event.flow_style)
        self.stack.append(frame)
        return True

    def end(self, event: yaml.Event) -> None:
        frame = self.stack.pop()
        value = frame.value
        for src, mark in frame.merges:
            for part in src if isinstance(src, list) else [src]:
                if not isinstance(part, dict):
                    self.fail(mark, frame.loc, "'<<' merges only mappings")
                    continue
                for k, v in part.items():
                    value.setdefault(k, v)
        size = frame.size + 1
        if frame.anchor:
            self.anchors[frame.anchor] = (value, size, frame.mark)
        self.mark = frame.mark
        self._deliver(value, size)

    def alias(self, event: yaml.AliasEvent) -> None:
        anchor = event.anchor or ""
        if anchor not in self.anchors:
            holder = next((f for f in self.stack if f.anchor == anchor), None)
            if holder is not None:  # the alias sits inside the node it names
                loc = self._child_loc() or (self.stack[-1].loc if self.stack else ())
                self.fail(holder.mark, loc, _RECURSIVE)
                self._skip()
                return
            loc = self._start(event.start_mark)
            self.fail(
                event.start_mark, loc, f"unknown alias *{anchor}; define &{anchor} before using it"
            )
            self._deliver(None, 1)
            return
        self._start(event.start_mark)
        value, size, self.mark = self.anchors[anchor]
        self._deliver(value, size)

    def _skip(self) -> None:
        """Drop the value being delivered (already reported)."""
        if not self.stack:
            return
        top = self.stack[-1]
        if top.is_map:
            top.key, top.discard, top.merging = None, False, False

    def run(self, text: str) -> None:
        """Consume the whole stream (raises PyYAML's errors for syntax problems)."""
        loader = _Loader(text)
        documents = 0
        try:
            while True:
                event = loader.get_event()
                if event is None:
                    return
                kind = type(event)
                if kind is yaml.ScalarEvent:
                    self.scalar(loader, event)
                elif isinstance(event, yaml.MappingStartEvent):
                    if not self.start(event, True):
                        return
                elif isinstance(event, yaml.SequenceStartEvent):
                    if not self.start(event, False):
                        return
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    self.end(event)
                elif isinstance(event, yaml.AliasEvent):
                    self.alias(event)
                elif isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        self.fail(
                            event.start_mark,
                            (),
                            "more than one YAML document (a "
                            "second '---'); a manifest is a single document",
                        )
                        return
        except _OverBudget:
            return
        finally:
            loader.dispose()


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


_SCALAR_EVENT, _MAP_START, _SEQ_START = (
    yaml.ScalarEvent,
    yaml.MappingStartEvent,
    yaml.SequenceStartEvent,
)
_MAP_END, _SEQ_END = yaml.MappingEndEvent, yaml.SequenceEndEvent
_DOC_START = yaml.DocumentStartEvent


class _Bail(Exception):
    """The fast path met something only the full builder handles (or reports)."""


_MISS = object()
_CACHED = 64
"""Longest plain scalar whose typed value :func:`_fast_scalar` remembers per document."""


def _fast_scalar(loader: Any, event: yaml.ScalarEvent, typed: dict[str, Any]) -> Any:
    """The value of a scalar; ``typed`` remembers plain ones already resolved.

    A plain scalar's type depends on its text alone (``2``, ``true``, ``512MB``), and
    every value resolved here is immutable, so one resolution serves every repeat.
    """
    tag = event.tag
    value = event.value
    plain = False
    if tag is None:
        first = value[:1]
        if not event.implicit[0] or (first.isalpha() and first not in _MAYBE_TYPED):
            return value
        plain = len(value) <= _CACHED
        if plain:
            hit = typed.get(value, _MISS)
            if hit is not _MISS:
                return hit
        tag = loader.resolve(yaml.ScalarNode, value, event.implicit)
    elif tag == "!":
        return value
    if tag == _STR:
        result: Any = value
    elif tag not in _SCALAR_TAGS:
        raise _Bail
    else:
        try:
            result = _CONSTRUCTOR.yaml_constructors[tag](
                _CONSTRUCTOR, yaml.ScalarNode(tag, value, style=event.style)
            )
        except Exception:  # the full builder reports it at its line
            raise _Bail from None
    if plain:
        typed[value] = result
    return result


def _fast_build(text: str) -> Any:
    """Plain data for an ordinary, valid document — or raise :class:`_Bail`.

    The common case (no aliases, merge keys, tags, duplicate keys or odd nesting)
    costs little more than libyaml's own parse: the collection being filled, whether
    it is a mapping and its pending key are kept in locals, and a plain scalar that
    cannot be anything but text is stored without resolving its type. Anything else
    goes to :class:`_EventBuilder`, which records positions and reports problems.
    """
    loader = _Loader(text)
    get = loader.get_event
    parents: list[tuple[Any, bool, Any]] = []  # (collection, is a mapping, its pending key)
    top: Any = None  # the collection being filled (None: at the top)
    is_map = False
    key: Any = None  # the key awaiting its value, in a mapping
    root: Any = _Bail
    documents = 0
    nodes = 0
    typed: dict[str, Any] = {}
    try:
        while True:
            event = get()
            if event is None:
                break
            kind = type(event)
            if kind is _SCALAR_EVENT:
                value = event.value
                if len(value) > MAX_SCALAR:  # an anchor alone changes nothing; aliases bail
                    raise _Bail
                if is_map and key is None:
                    if event.tag is not None or value in top or value == "<<":
                        raise _Bail
                    key = value
                    continue
                if event.tag is None and (
                    not event.implicit[0] or (value[:1].isalpha() and value[:1] not in _MAYBE_TYPED)
                ):
                    pass  # quoted, or a plain word: text whatever it says
                else:
                    value = _fast_scalar(loader, event, typed)
                if is_map:
                    top[key] = value
                    key = None
                elif top is not None:
                    if len(top) >= MAX_ITEMS:
                        raise _Bail
                    top.append(value)
                else:
                    root = value
            elif kind is _MAP_START or kind is _SEQ_START:
                if event.tag not in (None, "!") or len(parents) >= MAX_DEPTH:
                    raise _Bail
                if is_map and key is None:
                    raise _Bail  # a collection as a key
                parents.append((top, is_map, key))
                is_map = kind is _MAP_START
                top = {} if is_map else []
                key = None
            elif kind is _MAP_END or kind is _SEQ_END:
                done = top
                nodes += len(done) + 1
                if len(done) > MAX_ITEMS or nodes > MAX_NODES:
                    raise _Bail  # the builder says which budget, and where
                top, is_map, key = parents.pop()
                if is_map:
                    top[key] = done
                    key = None
                elif top is not None:
                    top.append(done)
                else:
                    root = done
            elif kind is _DOC_START:
                documents += 1
                if documents > 1:
                    raise _Bail
            elif kind is yaml.AliasEvent:
                raise _Bail
    except yaml.YAMLError:
        raise _Bail from None
    finally:
        loader.dispose()
    if not isinstance(root, dict):
        raise _Bail
    return root


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index`` in ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _byte_position(text: str, offset: int) -> tuple[int, int]:
    """(line, column) of a UTF-8 byte ``offset`` (libyaml reports reader errors in bytes)."""
    if _Loader is yaml.SafeLoader:  # pragma: no cover - the pure-Python reader counts characters
        return line_col(text, offset)
    prefix = text.encode("utf-8")[:offset].decode("utf-8", errors="ignore")
    return line_col(text, len(prefix))


def _surrogate_problems(text: str, shown: str) -> list[Problem]:
    """A lone surrogate (only possible in text handed over by code) cannot be UTF-8 encoded."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line, col = line_col(text, exc.start)
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
        data = _fast_build(text)
    except _Bail:
        pass
    else:
        source.text = text  # positions are recorded when a message first needs one
        return YamlDocument(data, source, [], text)
    builder = _EventBuilder(source)
    try:
        try:
            builder.run(text)
        except yaml.MarkedYAMLError as exc:
            # libyaml (>= 0.2.6) refuses more than 1,000 open flow collections while it
            # scans ahead, before any event reaches the builder. The text up to that
            # point holds the builder's own, shallower, limit: read that prefix instead.
            mark = exc.problem_mark
            if "maximum nesting depth" not in (exc.problem or "") or mark is None:
                raise
            builder = _EventBuilder(source)
            builder.run(text[: mark.index])
            if not builder.problems:
                raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.context}, {exc.problem}"
        start = exc.context_mark
        opened = next((f for f in reversed(builder.stack) if f.flow), None)
        if mark is not None and opened is not None and not text[mark.index :].strip():
            # The file ended inside a [list] or {mapping}: say where it was opened.
            line, col = _pos(opened.mark)
            pair = "{}" if opened.is_map else "[]"
            what = f"this '{pair[0]}' is never closed; add the matching '{pair[1]}' ({what})"
        elif (
            start is not None
            and mark is not None
            and start.line != mark.line
            and (exc.context or "").startswith("while ")
        ):
            if not text[mark.index :].strip():  # the file ended inside it: point at its start
                line, col = start.line + 1, start.column + 1
                what += f" (the file ends at line {mark.line + 1} before it is closed)"
            else:  # an unclosed quote or bracket is found far below where it was opened
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
    if len(builder.problems) > builder.recoverable:
        return YamlDocument(None, source, builder.problems)
    if builder.nodes == 0:
        return YamlDocument(
            None,
            source,
            [
                Problem(
                    shown,
                    1,
                    1,
                    "file is empty; expected a mapping starting with 'schema_version: 2'",
                )
            ],
        )
    if builder.root_size > 10 * builder.nodes + 100_000:
        line, col = _pos(builder.root_mark)
        return YamlDocument(
            None,
            source,
            [
                Problem(
                    shown,
                    line,
                    col,
                    "document expands to too many nodes (aliases that multiply, a 'billion "
                    "laughs'?); write values out",
                )
            ],
        )
    data = builder.root
    if not isinstance(data, dict):
        line, col = _pos(builder.root_mark)
        kind = _TOP_KINDS.get(type(data), type(data).__name__)
        builder.problems.append(
            Problem(
                shown,
                line,
                col,
                f"expected a mapping of keys (schema_version, services, …) at the top, got {kind}",
            )
        )
    return YamlDocument(data, source, builder.problems, text)


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
