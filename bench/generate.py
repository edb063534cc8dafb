"""Synthetic manifests of N services for the benchmarks (deterministic for a given N).

Each service has env vars, dependencies on shared data services, domains, health
endpoints and a cost line; every other service gets a hand-written narrative, and the
project gets N/2 hand-written pages that mention facts (so the drift gate has work).

Two shapes of catalog (``SHAPES``): ``spread``, where the services share N/50 databases
(about 50 readers each), and ``shared``, where every service that runs needs the one
PostgreSQL and the one Redis (``DATABASE_URL`` and ``REDIS_URL`` read by hundreds or
thousands of services: the hubs whose lists would grow with the catalog).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml

SHAPES = ("spread", "shared")
"""Catalog shapes :func:`manifest` can generate."""
KINDS = ["backend", "frontend", "worker", "gateway"]
STATUSES = ["active", "active", "active", "development", "planned", "experimental"]


def _postgres(description: str, variable: str, storage: str, connections: int) -> dict[str, object]:
    """A PostgreSQL service exporting its connection string as ``variable``."""
    return {
        "description": description,
        "kind": "database",
        "status": "active",
        "phase": 1,
        "provider": "railway",
        "technology": "PostgreSQL",
        "version": "15+",
        "exports": [
            {
                "name": variable,
                "description": "Connection string",
                "format": "postgresql://user:pass@host:5432/db",
            }
        ],
        "resources": {"storage": storage, "max_connections": connections},
        "backups": {"frequency": "daily", "retention": "30d"},
    }


def _shared_stores() -> dict[str, object]:
    """One PostgreSQL and one Redis that every service of the ``shared`` shape needs."""
    return {
        "postgres": _postgres("The one PostgreSQL cluster", "DATABASE_URL", "100GB", 5000),
        "redis": {
            "description": "The one Redis",
            "kind": "cache",
            "status": "active",
            "phase": 1,
            "provider": "railway",
            "technology": "Redis",
            "version": "7.2",
            "exports": [
                {"name": "REDIS_URL", "description": "Connection string", "format": "redis://host"}
            ],
        },
    }


def manifest(n: int, seed: int = 1, shape: str = "spread") -> dict[str, object]:
    """A valid v1 manifest with ``n`` application services plus shared data services."""
    if shape not in SHAPES:
        raise ValueError(f"unknown catalog shape {shape!r} (one of {', '.join(SHAPES)})")
    rng = random.Random(seed)
    dbs = 0 if shape == "shared" else max(1, n // 50)
    services: dict[str, object] = _shared_stores() if shape == "shared" else {}
    for i in range(dbs):
        services[f"db-{i:03d}"] = _postgres(
            f"Shared PostgreSQL cluster {i}", f"DB{i}_URL", "10GB", 200
        )
    for i in range(n):
        name = f"svc-{i:04d}"
        status = STATUSES[i % len(STATUSES)]
        if shape == "shared":
            stores = [("postgres", "DATABASE_URL"), ("redis", "REDIS_URL")]
        else:
            db = f"db-{rng.randrange(dbs):03d}"
            stores = [(db, f"DB{int(db[3:])}_URL")]
        deps = [store for store, _ in stores] if status != "planned" else []
        env = [
            *(
                {
                    "name": var,
                    "tier": "required",
                    "description": "Connection string",
                    "provided_by": store,
                }
                for store, var in stores
            ),
            {
                "name": "LOG_LEVEL",
                "tier": "optional",
                "description": "Log verbosity",
                "allowed": ["debug", "info", "warning"],
                "default": "info",
            },
            {
                "name": f"SVC_{i:04d}_API_KEY",
                "tier": "important",
                "description": "Key for the upstream API",
                "secret": True,
            },
        ]
        services[name] = {
            "description": f"Synthetic service {i} | handles <batch> jobs",
            "aliases": [f"Service {i:04d}"],
            "kind": KINDS[i % len(KINDS)],
            "status": status,
            "phase": 1 + i % 3,
            "owner": f"team-{i % 17}",
            "repo": f"example/svc-{i:04d}",
            "language": "python",
            "framework": "FastAPI 0.110",
            "provider": "railway",
            "deploy": {
                "builder": "dockerfile",
                "dockerfile": "Dockerfile",
                "start_command": "uvicorn app:app --port $PORT",
                "port": 8000,
                "replicas": 1 + i % 3,
                "health_check": {
                    "path": "/health",
                    "interval": "30s",
                    "timeout": "5s",
                    "retries": 3,
                },
            },
            "domains": {
                "prod": f"svc-{i:04d}.example.org",
                "staging": f"svc-{i:04d}.staging.example.org",
            },
            "routes": [{"path": "/api/*", "serves": "REST API", "type": "api"}],
            "depends_on": deps,
            "env": env,
            "health": [{"path": "/health", "description": "Liveness"}],
        }
    return {
        "schema_version": 1,
        "organization": {
            "name": "Example Org",
            "control_plane_repo": "example/infra",
            "docs_url": "https://docs.example.org",
        },
        "phases": [
            {"id": 1, "name": "Now", "status": "current"},
            {"id": 2, "name": "Next", "status": "planned", "target": "2027-Q2"},
            {"id": 3, "name": "Later", "status": "planned"},
        ],
        "providers": {
            "railway": {"name": "Railway", "kind": "hosting", "region": "us-west1"},
            "cloudflare": {"name": "Cloudflare", "kind": "dns"},
        },
        "services": services,
        "domains": [
            {
                "name": "example.org",
                "tier": "primary",
                "purpose": "Main",
                "hosting": "railway",
                "yearly_cost": "10.00",
                "dns": {"ssl_mode": "full"},
            }
        ],
        "costs": [
            {
                "item": f"Plan {i}",
                "provider": "railway",
                "amount": "5.00",
                "period": "month",
                "phase": 1,
                "service": f"svc-{i:04d}",
            }
            for i in range(0, n, 10)
        ],
    }


def write_project(root: Path, n: int, shape: str = "spread") -> Path:
    """Write manifest.yml, docs/ (N/2 pages, narratives for half the services) under root."""
    data = manifest(n, shape=shape)
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.yml").write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    docs = root / "docs"
    (docs / "services").mkdir(parents=True, exist_ok=True)
    (docs / "notes").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Example\n\nAll services are generated.\n", "utf-8")
    for i in range(0, n, 2):
        (docs / "services" / f"svc-{i:04d}.md").write_text(
            f"## Usage\n\nService {i:04d} keeps its `LOG_LEVEL` at info; "
            f"the health check path is `/health` every 30s.\n",
            "utf-8",
        )
    for j in range(n // 2):
        i = (j * 7) % n
        (docs / "notes" / f"note-{j:04d}.md").write_text(
            f"# Note {j}\n\n## Service {i:04d}\n\n"
            f"- **Port**: 8000\n- **Region**: us-west1 for Railway\n"
            f"- nginx keeps 128MB of buffers; Next.js 14+ renders the UI.\n\n"
            f"| Variable | Meaning |\n| --- | --- |\n| `LOG_LEVEL` | verbosity |\n",
            "utf-8",
        )
    return root / "manifest.yml"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--shape", choices=SHAPES, default="spread")
    args = parser.parse_args()
    print(write_project(args.out, args.n, args.shape))
