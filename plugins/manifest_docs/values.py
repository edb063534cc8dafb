"""Typed scalar values parsed from manifest text: sizes, durations, versions, money.

Each value keeps the exact text it was written as (``text``) next to its parsed
form, so pages show what the author wrote while code compares real quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic_core import core_schema

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue

__all__ = [
    "MAX_AMOUNT",
    "MAX_SECONDS",
    "MAX_SIZE",
    "MONEY_PLACES",
    "NUMBER_WORDS",
    "SPELLED_NUMBER",
    "Duration",
    "Size",
    "Version",
    "cpu_amounts",
    "number",
    "parse_cpu",
    "parse_money",
    "spelled",
]

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)  # fmt: skip
NUMBER_WORDS: dict[str, int] = {word: n for n, word in enumerate(_ONES)} | {
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
"""Numbers as prose spells them (``three instances``, ``thirty seconds``)."""
SPELLED_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)).replace("-", "[- ]")
"""A regular-expression alternation of :data:`NUMBER_WORDS` (longest first)."""


def number(text: str) -> int | None:
    """``text`` as a whole number, in digits or spelled (``14``, ``fourteen``, ``forty five``)."""
    word = " ".join(text.strip().lower().split()).replace(" ", "-")
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


CPU_AMOUNT = re.compile(
    rf"(?<![\w.])(\d+(?:\.\d+)?|half an?|an?|{SPELLED_NUMBER})[\s-]*"
    r"(v?cpus?|vcores?|(?:cpu )?cores?|m(?=\s*(?:cpu|vcpu)?\b)(?![\w.-]))(?![\w-])"
    r"|(?<![\w-])(shared|dedicated)(?![\w-])",
    re.IGNORECASE,
)
"""A CPU amount as written: ``1 vCPU``, ``2 cores``, ``half a vCPU``, ``500m``, ``shared``."""


def cpu_amounts(text: str) -> Iterator[tuple[re.Match[str], float | str]]:
    """Each CPU amount in ``text`` with its value.

    Cores as a float (``500m`` is 0.5), or ``shared``/``dedicated``.
    """
    for m in CPU_AMOUNT.finditer(text):
        if m.group(3):
            yield m, m.group(3).lower()
            continue
        said = m.group(1).lower()
        amount = 0.5 if said.startswith("half") else 1 if said in ("a", "an") else number(said)
        if amount is None:
            amount_f = float(said) if re.fullmatch(r"\d+\.\d+", said) else None
        else:
            amount_f = float(amount)
        if amount_f is None:
            continue
        yield m, amount_f / 1000 if m.group(2).lower() == "m" else amount_f


def parse_cpu(text: str) -> float | str | None:
    """A manifest's CPU allocation as compared: the first amount, or a bare number of cores."""
    bare = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*", text)
    if bare:
        return float(bare.group(1))
    return next((value for _, value in cpu_amounts(text)), None)


def spelled(n: int) -> str:
    """``n`` as prose spells it (``two``); digits when there is no word for it."""
    return next((w for w, v in NUMBER_WORDS.items() if v == n), str(n))


MAX_AMOUNT = Decimal(10) ** 12
"""Amounts of money must be below this (a trillion in any currency)."""
MONEY_PLACES = 6
"""Most decimal places an amount may have."""


class _TextValue:
    """Shared pydantic plumbing: validate from a string, serialise back to it."""

    pattern: ClassVar[str]
    example: ClassVar[str]
    kind: ClassVar[str]
    text: str

    @classmethod
    def parse(cls, text: str) -> Any:  # pragma: no cover - overridden
        """Parse ``text`` or raise ``ValueError``."""
        raise NotImplementedError

    @classmethod
    def _validate(cls, value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"expected {cls.kind} like {cls.example!r}, got {value!r}")
        return cls.parse(str(value) if isinstance(value, str) else repr(value))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: v.text, when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": cls.pattern, "examples": [cls.example]}

    def __str__(self) -> str:
        return self.text


_SIZE_UNITS = {
    "B": 1,
    "KB": 1024,
    "MB": 1024**2,
    "GB": 1024**3,
    "TB": 1024**4,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
    "TIB": 1024**4,
}
_SIZE_RE = re.compile(r"^\s*(\d{1,16}(?:\.\d{1,9})?)\s*([KMGT]i?B|B)\s*$", re.IGNORECASE)
MAX_SIZE = 1024**5
"""Largest size accepted: 1 PB (sizes describe memory and disks, not the universe)."""


@dataclass(frozen=True, order=False)
class Size(_TextValue):
    """A memory or storage size such as ``256MB`` or ``1GB`` (binary multiples)."""

    text: str
    """The size exactly as written in the manifest."""
    bytes: int = field(compare=True)
    """The size in bytes (``MB`` and ``MiB`` both mean 1024² bytes)."""

    pattern: ClassVar[str] = r"^\d{1,16}(\.\d{1,9})?\s*([KMGTkmgt][iI]?[bB]|[bB])$"
    example: ClassVar[str] = "256MB"
    kind: ClassVar[str] = "a size"

    @classmethod
    def parse(cls, text: str) -> Size:
        """Parse ``256MB``-style text; raise ``ValueError`` with an example otherwise."""
        m = _SIZE_RE.match(text)
        if not m:
            raise ValueError(f"expected a size like '256MB', got {text!r}")
        amount = Decimal(m.group(1)) * _SIZE_UNITS[m.group(2).upper()]
        if amount > MAX_SIZE:
            raise ValueError(f"expected a size of at most 1024TB, got {text!r}")
        return cls(text=text, bytes=int(amount))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Size) and other.bytes == self.bytes

    def __hash__(self) -> int:
        return hash(self.bytes)


_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_RE = re.compile(r"^\s*(\d{1,16}(?:\.\d{1,9})?)\s*(ms|s|min|m|h|d|w)\s*$")
MAX_SECONDS = 3650 * 86400
"""Longest duration accepted: ten years (retention periods are the longest durations)."""


@dataclass(frozen=True)
class Duration(_TextValue):
    """A time span such as ``30s``, ``5m``, ``1h``, ``24h`` or ``30d``."""

    text: str
    """The duration exactly as written in the manifest."""
    seconds: float
    """The duration in seconds."""

    pattern: ClassVar[str] = r"^\d{1,16}(\.\d{1,9})?\s*(ms|s|min|m|h|d|w)$"
    example: ClassVar[str] = "30s"
    kind: ClassVar[str] = "a duration"

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``30s``-style text; raise ``ValueError`` with an example otherwise."""
        m = _DURATION_RE.match(text)
        if not m:
            hint = " (add a unit: s, m, h, d)" if text.strip().isdigit() else ""
            raise ValueError(f"expected a duration like '30s' or '1h', got {text!r}{hint}")
        seconds = float(m.group(1)) * _DURATION_UNITS[m.group(2)]
        if seconds > MAX_SECONDS:
            raise ValueError(f"expected a duration of at most ten years ('3650d'), got {text!r}")
        return cls(text=text, seconds=seconds)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and other.seconds == self.seconds

    def __hash__(self) -> int:
        return hash(self.seconds)


_VERSION_RE = re.compile(r"^\s*v?(\d{1,9}(?:\.\d{1,9}){0,7})\s*(\+|\.x)?\s*$")
_DATE_VERSION_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
"""A dated API version, as Stripe and others name them (``2024-06-20``)."""


@dataclass(frozen=True)
class Version(_TextValue):
    """A version: ``15+`` (15 or later), ``7``, ``0.104.1``, or a dated one (``2024-06-20``)."""

    text: str
    """The version exactly as written in the manifest."""
    parts: tuple[int, ...]
    """The numeric components, e.g. ``(0, 104, 1)``."""
    or_later: bool = False
    """True when written with a trailing ``+`` (this version or any later one)."""

    pattern: ClassVar[str] = r"^(v?\d{1,9}(\.\d{1,9}){0,7}(\+|\.x)?|\d{4}-\d{2}-\d{2})$"
    example: ClassVar[str] = "15+"
    kind: ClassVar[str] = "a version"

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``15+``-style text; raise ``ValueError`` with an example otherwise."""
        dated = _DATE_VERSION_RE.match(text)
        if dated:  # 2024-06-20: compared part by part like 2024.6.20
            return cls(text=text, parts=tuple(int(p) for p in dated.groups()))
        m = _VERSION_RE.match(text)
        if not m:
            raise ValueError(f"expected a version like '15+' or '3.11', got {text!r}")
        parts = tuple(int(p) for p in m.group(1).split("."))
        return cls(text=text, parts=parts, or_later=m.group(2) == "+")

    def same_as(self, other: Version) -> bool:
        """Whether two versions state the same thing (``15+`` vs ``15.0+`` agree)."""

        def norm(p: tuple[int, ...]) -> tuple[int, ...]:
            while len(p) > 1 and p[-1] == 0:
                p = p[:-1]
            return p

        return norm(self.parts) == norm(other.parts) and self.or_later == other.or_later


def parse_money(value: object) -> Decimal:
    """Turn a YAML scalar into an exact ``Decimal`` amount (never through float text loss).

    Accepts strings (``"20"``, ``"20.00"``, ``"$20"``) and integers. Floats are accepted
    via their shortest ``repr`` so ``19.99`` stays ``19.99``.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected an amount like '20.00', got {value!r}")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip().lstrip("$").replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"expected an amount like '20.00', got {value!r}") from None
    else:
        raise ValueError(f"expected an amount like '20.00', got {value!r}")
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"expected a non-negative amount like '20.00', got {value!r}")
    if amount >= MAX_AMOUNT or amount.as_tuple().exponent < -MONEY_PLACES:  # type: ignore[operator]
        raise ValueError(
            f"expected an amount below 1,000,000,000,000 with at most {MONEY_PLACES} "
            f"decimal places, like '20.00', got {value!r}"
        )
    # '1e3' is a thousand: give it the exponent 0 so it prints as 1000, not 1E+3.
    return amount.quantize(Decimal(1)) if amount.as_tuple().exponent > 0 else amount  # type: ignore[operator]
