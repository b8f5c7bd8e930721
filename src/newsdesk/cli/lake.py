"""`newsdesk lake init` and `newsdesk lake maintain`: set a lake up on a PostgreSQL server, and keep
it small.

init, given an admin connection string, creates what the NEWSDESK_LAKE_CATALOG string names (its
database, owned by its user, the writer role), a read-only analyst role with its grants, and
Dagster's database when NEWSDESK_DAGSTER_PG_DB is set; then it creates the lake's tables as the
writer. Every step is "if missing", so it is safe to run again. Role and database names come from
the settings and are checked to be plain identifiers.
"""

from __future__ import annotations

import argparse
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from newsdesk.config import Settings
from newsdesk.errors import UserError

_NAME = re.compile(r"[a-z_][a-z0-9_]*")
EXAMPLES = """\
examples:
  newsdesk lake init --admin 'host=pg user=postgres dbname=postgres'
  newsdesk lake maintain
  newsdesk lake maintain --keep-days 7 --orphan-age-hours 48
  (`newsdesk lake ACTION --help` lists each action's options)"""


def add_lake_command(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `lake` command group, added to the newsdesk parser."""
    lake = sub.add_parser(
        "lake",
        help="set up a DuckLake (roles, databases) and run its maintenance",
        description=__doc__,
        parents=[common],
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = lake.add_subparsers(dest="lake_command", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init", help="create the catalog database, writer and analyst roles, and the tables"
    )
    init.add_argument(
        "--admin",
        required=True,
        metavar="DSN",
        help="libpq string of a role that may create roles and databases, e.g. "
        "'host=pg user=postgres dbname=postgres'",
    )
    init.add_argument(
        "--analyst",
        default="newsdesk_analyst",
        metavar="ROLE",
        help="the read-only role analysts log in as (default newsdesk_analyst)",
    )
    maintain = actions.add_parser(
        "maintain",
        help="flush, rewrite, merge, expire snapshots, delete old and "
        "orphaned files (DuckLake maintenance)",
    )
    maintain.add_argument(
        "--keep-days",
        type=float,
        metavar="DAYS",
        help="expire snapshots older than this (default NEWSDESK_LAKE_KEEP_SNAPSHOTS_DAYS)",
    )
    maintain.add_argument(
        "--orphan-age-hours",
        type=float,
        metavar="HOURS",
        help="delete unreferenced files only when older than this (default 24; it must exceed "
        "the longest write transaction)",
    )


def run_lake(args: argparse.Namespace, settings: Settings) -> int:
    if settings.store.backend != "ducklake":
        raise UserError(
            "`newsdesk lake` needs NEWSDESK_STORAGE=ducklake (and NEWSDESK_LAKE_CATALOG, "
            "NEWSDESK_LAKE_DATA)"
        )
    if args.lake_command == "init":
        init_lake_server(settings, args.admin, args.analyst)
    else:
        run_maintenance(settings, args.keep_days, args.orphan_age_hours)
    return 0


def run_maintenance(
    settings: Settings, keep_days: float | None, orphan_hours: float | None
) -> None:
    from newsdesk.store.lake_store import LakeStore
    from newsdesk.store.maintenance import MaintenancePolicy, maintain

    store = LakeStore(settings.store)
    store.ensure_schema()
    days = settings.store.lake_keep_snapshots_days if keep_days is None else keep_days
    hours = settings.store.lake_orphan_age_hours if orphan_hours is None else orphan_hours
    if days < 0 or hours < 0:
        raise UserError("--keep-days and --orphan-age-hours must be >= 0")
    policy = MaintenancePolicy(
        keep_snapshots=timedelta(days=days), orphan_age=timedelta(hours=hours)
    )
    report = maintain(store.lake, policy)
    print(f"maintenance of {store.describe()}")
    for line in report.lines():
        print("  " + line)


def _dsn_parts(dsn: str, what: str) -> dict[str, str]:
    from psycopg2 import ProgrammingError
    from psycopg2.extensions import parse_dsn

    try:
        parts = parse_dsn(dsn)
    except ProgrammingError as exc:
        raise UserError(f"{what} is not a libpq connection string ({str(exc).strip()})") from None
    return dict(parts)


def _identifier(value: str | None, what: str) -> str:
    if not value or not _NAME.fullmatch(value):
        raise UserError(
            f"{what} must name a lower-case identifier (letters, digits, _), got {value!r}"
        )
    return value


def _with(base: dict[str, str], **parts: str) -> str:
    from psycopg2.extensions import make_dsn

    merged = {
        k: v for k, v in base.items() if k != "password"
    } | parts  # never reuse the admin's password
    return make_dsn(**merged)


def init_lake_server(settings: Settings, admin_dsn: str, analyst: str) -> None:
    import psycopg2
    from psycopg2 import sql

    from newsdesk.store.lake_store import LakeStore

    if not settings.store.lake_data_path:
        raise UserError(
            "set NEWSDESK_LAKE_DATA (a folder every writer sees, or s3://...) before `lake init`"
        )
    catalog = _dsn_parts(settings.store.lake_catalog, "NEWSDESK_LAKE_CATALOG")
    database = _identifier(catalog.get("dbname"), "NEWSDESK_LAKE_CATALOG's dbname")
    writer = _identifier(catalog.get("user"), "NEWSDESK_LAKE_CATALOG's user")
    analyst = _identifier(analyst, "--analyst")
    admin = _dsn_parts(admin_dsn, "--admin")
    wanted = [(database, writer)]
    if os.environ.get(
        "NEWSDESK_DAGSTER_PG_DB"
    ):  # Dagster's own database, for dagster_home_lake/dagster.yaml
        wanted.append(
            (
                _identifier(os.environ["NEWSDESK_DAGSTER_PG_DB"], "NEWSDESK_DAGSTER_PG_DB"),
                _identifier(
                    os.environ.get("NEWSDESK_DAGSTER_PG_USER", writer), "NEWSDESK_DAGSTER_PG_USER"
                ),
            )
        )
    try:
        con = psycopg2.connect(admin_dsn, connect_timeout=10)
    except psycopg2.Error as exc:
        raise UserError(
            f"cannot connect with --admin: {str(exc).strip().splitlines()[0]}"
        ) from None
    try:
        con.autocommit = True
        with con.cursor() as cur:
            for role in {writer, analyst, *(owner for _, owner in wanted)}:
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                if cur.fetchone() is None:
                    cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
                    print(f"created role {role}")
            for db, owner in wanted:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
                if cur.fetchone() is None:
                    cur.execute(
                        sql.SQL("CREATE DATABASE {} OWNER {}").format(
                            sql.Identifier(db), sql.Identifier(owner)
                        )
                    )
                    print(f"created database {db} (owner {owner})")
    finally:
        con.close()

    LakeStore(
        settings.store
    ).ensure_schema()  # as the writer: the catalog's tables are the writer's
    _grant_read(_with(admin, dbname=database), database, writer, analyst)
    print(
        f"lake {settings.store.lake_name} ready: writers use "
        f"NEWSDESK_LAKE_CATALOG='{settings.store.lake_catalog}'"
    )
    print(f"analysts (read-only): NEWSDESK_LAKE_CATALOG='{_with(catalog, user=analyst)}'")


def _grant_read(dsn: str, database: str, writer: str, analyst: str) -> None:
    """SELECT on the catalog's tables now and on those the writer creates later (DuckLake adds a
    table per inlined table), nothing else: an analyst's writes fail in PostgreSQL."""
    import psycopg2
    from psycopg2 import sql

    con = psycopg2.connect(dsn, connect_timeout=10)
    try:
        con.autocommit = True
        ids = {
            "db": sql.Identifier(database),
            "writer": sql.Identifier(writer),
            "analyst": sql.Identifier(analyst),
        }
        with con.cursor() as cur:
            for statement in (
                "GRANT CONNECT ON DATABASE {db} TO {analyst}",
                "GRANT USAGE ON SCHEMA public TO {analyst}",
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {analyst}",
                "ALTER DEFAULT PRIVILEGES FOR ROLE {writer} IN SCHEMA public "
                "GRANT SELECT ON TABLES TO {analyst}",
            ):
                cur.execute(sql.SQL(statement).format(**ids))
    finally:
        con.close()


def missing_instance_env(dagster_home: Path) -> list[str]:
    """The environment variables a Dagster instance yaml reads (`env: NAME`) that are not set."""
    import yaml

    path = dagster_home / "dagster.yaml"
    if not path.exists():
        return []
    names: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if set(node) == {"env"} and isinstance(node["env"], str):
                names.append(node["env"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return [name for name in names if name not in os.environ]


def check_instance_env(dagster_home: Path) -> None:
    """One line naming what is missing, instead of Dagster's traceback when it loads the
    instance."""
    missing = missing_instance_env(dagster_home)
    if missing:
        raise UserError(
            f"{dagster_home / 'dagster.yaml'} reads {', '.join(missing)} from the environment: set "
            "them (README, 'Beyond one machine')"
        )
