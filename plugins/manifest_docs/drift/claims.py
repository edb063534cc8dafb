"""Whether a piece of text makes a claim about today's infrastructure at all.

Every drift rule asks the same questions before it compares a value, so they are
answered here once: is the statement negated or modal ("is not live yet", "will
run three replicas"), conditional ("once the console ships"), reported or past
("older pages say", "before 2025 we ran"), introduced as an example ("for
example:"), or about another environment (a laptop, docker-compose, CI)?
"""

from __future__ import annotations

import functools
import re

__all__ = [
    "about_elsewhere",
    "conditional",
    "future",
    "hedged",
    "hypothetical",
    "introduced_as_example",
    "modal",
    "negated",
    "not_about_today",
    "other_environment",
    "question",
]

_HEDGED = re.compile(
    r"\b(?:not|never|no longer|yet|isn't|aren't|won't|will|would|should|could|might|"
    r"planned|plan(?:s|ned)?\s+to|soon|eventually|to\s+be|none|neither|nor|nothing|"
    r"meant\s+for|intended\s+for|ready\s+for|was|were|used\s+to|previously|formerly|"
    r"instead\s+of)\b|n't\b",
    re.IGNORECASE,
)
"""Negation, modality and the past near a verb: "is not live yet", "will be deployed",
"was hosted on"."""
_INTENT = r"(?:intends?|plans?|wants?|aims?|hopes?|expects?|proposes?|is about)\s+to"
_IRREGULAR_PAST = (
    r"ran|(?<!has )(?<!have )(?<!'ve )had|did|went|took|gave|grew|shrank|began|became|wrote"
    r"|fell|rose|drove|broke"
)
"""Past forms that are nothing else (``ran on 2 tasks``); ``-ed`` forms and forms shared
with the participle are often today's passive (``is hosted``, ``are kept``)."""
_MODAL = re.compile(
    rf"\b(?:will|would|won't|going to|used to|was|were|had been|by the end of|{_INTENT}"
    rf"|{_IRREGULAR_PAST})\b",
    re.IGNORECASE,
)
"""The future and the past: "will have", "were". Not "may" or "should": "each probe may
take up to 5 s" states the setting (and "May" is a month)."""
_FUTURE = re.compile(
    rf"\b(?:will|won't|going to|is to be|are to be|shall|{_INTENT})\b", re.IGNORECASE
)
_PAST = re.compile(
    rf"\b(?:was|were|had been|used to|in (?:19|20)\d\d|{_IRREGULAR_PAST})\b", re.IGNORECASE
)
_NEGATION = (
    r"(?:\b(?:not|never|no longer|without|no|nor|instead of|rather than)|n't"
    r"|\bno\s+\w+\s+(?:is|are)|\bnone of the \w+ (?:is|are))\s+(?:\w+\s+){0,%d}[`'\"]?$"
)
_NEGATED = re.compile(_NEGATION % 2, re.IGNORECASE)
_NEGATED_FAR = re.compile(_NEGATION % 4, re.IGNORECASE)
"""A negation right before a word: "not disabled", "does not autoscale", "no zone is",
"there is no Dockerfile", "Nixpacks instead of a Dockerfile"."""
_CONDITIONAL = re.compile(
    r"\b(?:once|when|whenever|until|till|if|unless|after|before|as soon as)\b", re.IGNORECASE
)
"""Words that make what follows a condition, not a fact: "once the console is live"."""
_NOT_ABOUT_TODAY = re.compile(
    r"\b(?:other|many|most|some)\s+(?:projects|repos(?:itories)?|teams|companies|"
    r"organi[sz]ations|people|setups)\b(?!['’]s)|\belsewhere\b|"
    r"(?:\b(?:notes?|pages?|docs?|documents?|guides?|wikis?|tickets?|posts?|articles?|readme)"
    r"|[\w-]\.md)\b"
    r"[^.;]{0,60}?\b(?:say|says|said|claim|claims|claimed|mention|mentions|mentioned|state|"
    r"states|stated|give|gives|gave|list|lists|listed|suggest|suggests|suggested|recommend|"
    r"recommends|recommended|call|calls|called)\b"
    r"|\b(?:before|until|till|back in|prior to)\s+(?:early\s+|late\s+|mid-?)?(?:19|20)\d\d\b"
    r"|\b(?:in|on|during)\s+(?:early\s+|late\s+|mid-?)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep"
    r"|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?(?:19|20)\d\d\b"
    r"|\b(?:on|during)\s+(?:19|20)\d\d-\d\d-\d\d\b"
    r"|\b(?:during|in)\s+(?:the\s+|an?\s+|last\s+\w+'s\s+)?(?:[A-Z]+-\d+|incident|outage"
    r"|post-?mortem)\b|\b(?:last|previous)\s+(?:week|month|year|quarter|sprint)\b"
    r"|\byesterday\b|\b\d+\s+(?:days?|weeks?|months?|years?)\s+ago\b"
    r"|\b(?:used to|previously|formerly|originally|back then|at the time)\b",
    re.IGNORECASE,
)
"""Reported speech ("older pages say …"), the past ("before 2025 we ran …"), events of a
date ("in March 2025 we upgraded …", "during INC-2417 …", "last week") and other
people's setups ("other projects often call it …"). Not "since March 2025": that still
holds."""
_EXAMPLE = re.compile(
    r"\b(?:for example|for instance|e\.\s?g\.|an example|example:|such as|"
    r"made[- ]up|something like|hypothetical|imaginary|fictional|would (?:write|look|be)|"
    r"a sample|placeholder)",
    re.IGNORECASE,
)
"""What introduces an example."""
_ELSEWHERE = re.compile(
    r"\b(?:locally|on your (?:machine|laptop)|local (?:setup|development|container|"
    r"compose|stack)|docker[- ]compose|compose file|for tests?|in tests|test suite|in CI|"
    r"dev(?:elopment)? only|not (?:the |our )?(?:production|railway)(?:'s)?|"
    r"for your (?:machine|laptop)|compose (?:databases?|services?)|local \.env|"
    r"(?:in|on|for) (?:staging|preview)|(?:staging|preview) (?:overrides?|values?|settings?))\b",
    re.IGNORECASE,
)
"""Another environment than the one the manifest describes (a laptop, compose, CI)."""


_HYPOTHETICAL = re.compile(
    r"^\W*(?:(?:if|should|in case|suppose)\s+(?:you|we|ever)\b"
    r"|(?:for example|for instance|e\.\s?g\.|say|imagine|suppose|picture)\b[\s,:]"
    r"|(?:an? )?(?:example|sample|hypothetical)\s*:)",
    re.I,
)
"""A sentence that opens with the reader's hypothetical ("If you ever need more …") or
with an example ("For example, a service with `replicas: 3` …")."""


_OTHER_ENVIRONMENT = re.compile(
    r"^\W*(?:(?:in|on|for)\s+)?(?:the\s+)?(?P<env>staging|preview|dev|development|local|test)"
    r"(?:\s+(?:environment|env|stack|setup|deploys?|deployments?|instance|project))?"
    r"(?:\s*,|\s+(?:runs?|has|have|uses?|gets?|is|keeps?|needs?|serves?|sets?)\b)",
    re.IGNORECASE,
)
"""A sentence whose subject is another environment: "staging runs 2 replicas", "In
staging, …" (the manifest states production)."""


def other_environment(text: str) -> str | None:
    """The environment other than production that ``text`` opens with as its subject."""
    found = _OTHER_ENVIRONMENT.search(text)
    return found.group("env").lower() if found else None


def hypothetical(text: str) -> bool:
    """Whether ``text`` opens with a hypothetical ("If you ever need more than 2 …").

    Not "When you deploy, Railway runs …": that states what happens.
    """
    return _HYPOTHETICAL.search(text) is not None


def hedged(text: str) -> bool:
    """Whether ``text`` (the words around a verb) negates it, makes it modal or past."""
    return _HEDGED.search(text) is not None


def negated(before: str, *, far: bool = False) -> bool:
    """Whether the text ``before`` a value or phrase negates it (``HSTS is not`` …).

    Up to two words may stand between the negation and the value; with ``far``, four
    ("is not owned by the Data team": the verb and its preposition come between).
    """
    if far:
        return _NEGATED_FAR.search(before[-60:]) is not None
    return _NEGATED.search(before[-40:]) is not None


def question(text: str) -> bool:
    """Whether ``text`` asks rather than states ("Should Redis get 512 MB?")."""
    return text.rstrip(" *_)\"'").endswith("?")


def modal(text: str) -> bool:
    """Whether ``text`` speaks of the future or the past ("will run four services").

    Narrower than :func:`hedged`: a status word ("planned") is not a hedge here.
    """
    return _MODAL.search(text) is not None


def future(text: str) -> bool:
    """Whether ``text`` speaks of the future only ("will be a Next.js app"), not the past."""
    return _FUTURE.search(text) is not None and _PAST.search(text) is None


def conditional(text: str) -> bool:
    """Whether ``text`` holds a condition ("once", "if", "until"…)."""
    return _CONDITIONAL.search(text) is not None


@functools.lru_cache(maxsize=8192)
def not_about_today(text: str) -> bool:
    """Whether ``text`` reports what others say or what used to be (no claim to check)."""
    return _NOT_ABOUT_TODAY.search(text) is not None


def introduced_as_example(text: str) -> bool:
    """Whether ``text`` (what introduces a block) presents it as an example."""
    return _EXAMPLE.search(text) is not None


def about_elsewhere(text: str) -> bool:
    """Whether ``text`` (what introduces a config block) is about another environment.

    Only for introductions: a sentence may well say "the same locally and on Railway".
    """
    return _ELSEWHERE.search(text) is not None
