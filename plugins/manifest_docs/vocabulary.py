"""The words readers use for a manifest field, kept beside the field in the model.

A field of :mod:`manifest_docs.model` that prose can state carries a :class:`Words`
in its ``Annotated`` metadata::

    memory: Annotated[Size | None, Words((r"memory", r"ram"), keys=("maxmemory",))] = None

The drift gate reads it (see :mod:`manifest_docs.factwalk`): a field becomes checkable
by giving it words, not by writing a rule. Pydantic keeps unknown metadata out of the
JSON Schema, so the words change no validation and no schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "FRAMEWORKS",
    "FRAMEWORK_PHRASE",
    "FRAMEWORK_SPELLINGS",
    "PACKAGES",
    "PARSERS",
    "PLATFORM_HOSTS",
    "Words",
    "framework_choices",
    "framework_spellings",
    "platform_of",
    "same_product",
    "setting",
]

PARSERS = frozenset(
    {
        "",
        "command",
        "path",
        "word",
        "region",
        "enum",
        "bool",
        "int",
        "size",
        "duration",
        "version",
        "ssl",
        "quarter",
        "host",
        "key",
        "subject",
        "framework",
        "team",
        "cpu",
        "percent",
        "address",
        "cron",
    }
)
"""Value parsers a field may ask for; ``""`` means "by the field's type"."""


@dataclass(frozen=True, kw_only=True)
class Words:
    """How prose names one field, and how a value found next to those words is read."""

    phrases: tuple[str, ...] = field(kw_only=False)
    """Regular-expression fragments for the attribute, matched case-insensitively as
    whole words (``r"ram"``, ``r"time-?outs?"``)."""
    rule: str = ""
    """The finding's rule id is ``fact/<rule>``; defaults to the field name with
    ``-`` for ``_``. Fields sharing a rule are one attribute (any of them agrees)."""
    keys: tuple[str, ...] = ()
    """Keys that state the field in config files (``healthcheckPath``, ``maxmemory``),
    compared without case, ``_``, ``-`` or ``.``."""
    key_values: tuple[tuple[str, str, str], ...] = ()
    """(key, config value, manifest value) where a config file says a value its own way
    (``appendonly yes`` is AOF persistence)."""
    synonyms: tuple[tuple[str, str], ...] = ()
    """(pattern, value) pairs: prose spellings of the field's values
    (``("append[- ]only", "aof")``, ``("grey cloud|dns[- ]only", "false")``). A value
    ``a|b`` agrees with either (*not required* is ``important|optional``)."""
    needs: str = ""
    """A pattern the unit or its headings must contain for the field to apply
    (health-check timeouts are only read in health-check context)."""
    parse: str = ""
    """Value parser when the type does not say (``command``, ``path``, ``word``,
    ``region``); one of :data:`PARSERS`. ``subject`` means the value is something the
    prose names (a provider): the words must come right before that name."""
    qualifier: str = ""
    """A sibling field whose value must appear in the text too (a key namespace's
    ``prefix`` for its TTL)."""
    label_only: tuple[str, ...] = ()
    """Phrases that name the field only as a label (``**Size**:``, a ``Size`` column),
    never in running prose."""
    affirm: tuple[str, ...] = ()
    """For booleans: phrases that by themselves say the field is true (``redirects HTTP
    to HTTPS``), false when negated (``does not autoscale``)."""
    self_naming: bool = False
    """Whether a synonym names the field by itself (``DNS-only``, ``append-only file``)."""
    pattern: str = ""
    """A pattern a value must match to be this field's (``.github/workflows/*.yml``);
    with :attr:`self_naming`, a value that matches names the field by itself."""
    adjacent: bool = False
    """Whether the value must follow the words directly (``phase 3``)."""
    named: bool = False
    """Whether the subject must be named in the sentence itself, not only by a heading
    (``the planned phase 2 services`` on the Postgres page is not about Postgres)."""
    collective: bool = False
    """Whether the field is also a fact of the manifest as a whole, for prose that names
    no subject (a deploy step "Runs Alembic migrations"); any value written agrees."""
    unit_from: str = ""
    """A sibling field whose value ends in the unit of this field's bare number
    (``ACCESS_TOKEN_EXPIRE_MINUTES``'s default ``30`` is 30 minutes); only values that
    have such a unit are facts of this reading."""
    implied: str = ""
    """A pattern that, in text naming no subject at all, makes the one service stating
    this field its subject ("Backups are kept for seven days" in a guide: the only
    service with backups); two services stating it leave such text to nobody."""
    also: tuple[Words, ...] = ()
    """Further readings of the same field, each its own attribute (a variable's default
    is a name, and for ``*_MINUTES`` variables also a duration)."""

    def __post_init__(self) -> None:
        if self.parse not in PARSERS:
            msg = f"unknown parser {self.parse!r}; use one of {sorted(PARSERS)}"
            raise ValueError(msg)


def setting(name: str, pattern: str = "") -> Words:
    """The words of a server setting named like its config key (``shared_buffers``).

    Prose writes it with a space or an underscore; the rule keeps the key's spelling.
    """
    return Words((pattern or name.replace("_", "[_ ]"),), keys=(name,), rule=name)


PLATFORM_HOSTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("up.railway.app", "Railway", ("railway",)),
    ("railway.app", "Railway", ("railway",)),
    ("github.io", "GitHub Pages", ("githubpages", "ghpages", "pages")),
    ("vercel.app", "Vercel", ("vercel",)),
    ("netlify.app", "Netlify", ("netlify",)),
    ("fly.dev", "Fly.io", ("fly", "flyio")),
    ("herokuapp.com", "Heroku", ("heroku",)),
    ("onrender.com", "Render", ("render",)),
    ("pages.dev", "Cloudflare Pages", ("cloudflarepages", "cloudflare")),
    ("workers.dev", "Cloudflare Workers", ("cloudflareworkers", "cloudflare")),
    ("azurewebsites.net", "Azure App Service", ("azure", "microsoftazure", "appservice")),
    ("azurestaticapps.net", "Azure Static Web Apps", ("azure", "microsoftazure")),
    ("run.app", "Google Cloud Run", ("gcp", "googlecloud", "cloudrun", "google")),
    ("appspot.com", "Google App Engine", ("gcp", "googlecloud", "appengine", "google")),
    ("web.app", "Firebase Hosting", ("firebase", "gcp", "google")),
    ("firebaseapp.com", "Firebase Hosting", ("firebase", "gcp", "google")),
    ("amplifyapp.com", "AWS Amplify", ("aws", "amazon", "amplify")),
    ("deno.dev", "Deno Deploy", ("deno", "denodeploy")),
    ("surge.sh", "Surge", ("surge",)),
    ("ondigitalocean.app", "DigitalOcean App Platform", ("digitalocean", "do")),
)
"""Host suffixes that only one hosting platform hands out: (suffix, platform, the ids or
names a manifest gives that platform, without case or punctuation). A DNS record whose
target ends in ``.up.railway.app`` says the name is served by Railway. Load balancers
and CDNs (``elb.amazonaws.com``, ``cloudfront.net``) front many platforms and are left
out."""


def platform_of(host: str) -> tuple[str, tuple[str, ...]] | None:
    """The platform that hands out ``host`` and its names, if one does."""
    host = host.lower().rstrip(".")
    for suffix, platform, names in PLATFORM_HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return platform, names
    return None


FRAMEWORKS: tuple[str, ...] = (
    # Python
    "FastAPI", "Flask", "Django", "Starlette", "Litestar", "Quart", "Sanic", "Tornado",
    "Pyramid", "Falcon", "aiohttp", "Celery", "Dramatiq", "Streamlit",
    # JavaScript / TypeScript
    "Express", "Koa", "Hapi", "Fastify", "NestJS", "Next.js", "Nuxt", "Remix", "Gatsby",
    "Astro", "SvelteKit", "Svelte", "React", "Preact", "Vue", "Angular", "Ember", "SolidJS",
    "Vite", "Docusaurus", "VitePress", "Eleventy",
    # Documentation and static sites
    "MkDocs", "Sphinx", "Hugo", "Jekyll", "Zensical",
    # Other ecosystems
    "Rails", "Sinatra", "Sidekiq", "Laravel", "Symfony", "Spring Boot", "Quarkus",
    "Micronaut", "ASP.NET Core", "ASP.NET", "Gin", "Echo", "Fiber", "Actix", "Axum",
    "Rocket", "Phoenix", "Ktor",
)  # fmt: skip
"""Web, worker and site frameworks prose names a service's framework by. A service's
``framework`` that names one of them is contradicted by prose giving it another
("a small Flask app" where the manifest says FastAPI); names outside this list
("custom", "Vanilla JS") are never read from prose."""

PACKAGES: dict[str, str] = {
    "next": "Next.js", "react": "React", "react-dom": "React", "vue": "Vue", "nuxt": "Nuxt",
    "@angular/core": "Angular", "svelte": "Svelte", "@sveltejs/kit": "SvelteKit",
    "astro": "Astro", "gatsby": "Gatsby", "@remix-run/react": "Remix", "express": "Express",
    "koa": "Koa", "fastify": "Fastify", "@hapi/hapi": "Hapi", "@nestjs/core": "NestJS",
    "vite": "Vite", "@docusaurus/core": "Docusaurus", "vitepress": "VitePress",
}  # fmt: skip
"""npm package names of frameworks whose package is not their name (``next`` is
Next.js): a pinned dependency in a ``package.json`` states the framework's version."""

FRAMEWORK_PHRASE = (
    r"(?:\b(?:is|are|be|been|being|as|becomes?|stays?|remains?)|[:—–])\s+"
    r"(?:an?|the|our|its)\s+(?:\w+\s+)?(?=(?:"
    + "|".join(re.escape(n) for n in sorted(FRAMEWORKS, key=len, reverse=True))
    + r")(?:\s+v?\d[\w.+]*)?\s+(?:app|application|project|site|service|server|codebase)\b)"
)
"""``is a small Flask app``, ``site: a Sphinx project``: what the service is (not
``talks to a Django project`` or ``the Django admin app`` of some other system)."""
FRAMEWORK_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Next.js": ("NextJS", "Nextjs"), "Vue": ("Vue.js", "VueJS"), "NestJS": ("Nest.js",),
    "Express": ("Express.js",), "Nuxt": ("Nuxt.js",), "MkDocs": ("mkdocs",),
    "SolidJS": ("Solid.js",), "Django": ("django",), "Flask": ("flask",),
}  # fmt: skip
"""Other ways pages write a framework's name (``NextJS``, ``Vue.js``)."""


def framework_spellings() -> frozenset[str]:
    """Every spelling of every framework in :data:`FRAMEWORKS`."""
    return frozenset(FRAMEWORKS) | {s for v in FRAMEWORK_SPELLINGS.values() for s in v}


_CHOICE_SPLIT = re.compile(r"\s+(?:or|/|\||\+)\s+|\s*[,;]\s*")
_CHOICE_TAIL = re.compile(r"\s*(?:\(.*|\b(?:with|on|plus|using|and)\b.*)$", re.IGNORECASE)
_CHOICE = re.compile(r"^([A-Za-z][\w.+#-]*(?:\s[A-Za-z][\w.+#-]*)?)(?:\s+(v?\d[\w.]*\+?))?$")


def framework_choices(text: str) -> list[tuple[str, str | None]]:
    """The products a ``framework``/``runtime`` value allows, each with its version.

    ``React 18+ or Vanilla JS`` allows React 18 or later and Vanilla JS;
    ``MkDocs 1.5+ with Material theme`` is MkDocs 1.5 or later.
    """
    out = []
    for part in _CHOICE_SPLIT.split(text.strip()):
        m = _CHOICE.match(_CHOICE_TAIL.sub("", part).strip())
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def same_product(a: str, b: str) -> bool:
    """Whether two spellings name one product (``Next.js`` and ``NextJS``).

    One may extend the other: ``ASP.NET Core`` is ``ASP.NET``, ``React Native`` React.
    """

    def norm(name: str) -> str:
        squashed = re.sub(r"[^a-z0-9]+", "", name.lower())
        return squashed[:-2] if squashed.endswith("js") and len(squashed) > 4 else squashed

    x, y = norm(a), norm(b)
    return bool(x and y) and (x.startswith(y) or y.startswith(x))
