"""Check PostgreSQL and Redis before start-up, and create the database when it is missing."""

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg2 import sql

from core.health import check_redis

PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
REDIS_START = "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"


class Command(BaseCommand):
    help = "Checks that PostgreSQL and Redis answer, and creates the portal database if it is missing."

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        params = {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "connect_timeout": 3,
        }
        try:
            conn = psycopg2.connect(dbname="postgres", **params)
        except psycopg2.OperationalError as exc:
            raise CommandError(
                f"PostgreSQL is not reachable at {db.get('HOST')}:{db.get('PORT')} "
                f"({str(exc).strip().splitlines()[0]}). Start it, e.g.: {PG_START}"
            ) from None
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                self.stdout.write(f"Created database {db['NAME']}.")
        conn.close()

        if problem := check_redis():
            raise CommandError(
                f"Redis is not reachable at {settings.REDIS_URL} ({problem}). Start it, e.g.: {REDIS_START}"
            )
        self.stdout.write("PostgreSQL and Redis are up.")
