"""A second, plain PostgreSQL connection beside Django's, for tests that act on the server
itself (dropping a session, dropping a database)."""

import psycopg2
from django.conf import settings


def server_settings() -> dict:
    db = settings.DATABASES["default"]
    return {
        "user": db.get("USER") or "postgres",
        "host": db.get("HOST") or "localhost",
        "port": db.get("PORT") or 5432,
        "password": db.get("PASSWORD"),
    }


def run_outside_django(sql: str, params=(), dbname: str = "postgres") -> None:
    """Run one statement in autocommit on its own connection, then close it."""
    conn = psycopg2.connect(dbname=dbname, **server_settings())
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        conn.close()
