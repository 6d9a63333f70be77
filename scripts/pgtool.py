"""Small PostgreSQL helper for the scripts (the psql client is not always installed).

Connection settings come from the standard PG* environment variables.

    pgtool.py check                   exit 0 when the server is reachable, else print why
    pgtool.py exists DB               exit 0 when the database exists
    pgtool.py drop DB                 drop the database if it exists
    pgtool.py module-state DB MODULE  print the module state ('' when unknown)
"""

import sys
from contextlib import closing

import psycopg2
from psycopg2 import sql


def connect(dbname="postgres"):
    # autocommit: DROP DATABASE cannot run inside a transaction block
    conn = psycopg2.connect(dbname=dbname, connect_timeout=5)
    conn.autocommit = True
    return closing(conn)


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "check":
        try:
            with connect():
                pass
        except psycopg2.OperationalError as err:
            print(str(err).strip().splitlines()[0])  # libpq's reason, for the caller's message
            return 1
        return 0
    if command == "exists":
        with connect() as conn, conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args[0],))
            return 0 if cr.fetchone() else 1
    if command == "drop":
        with connect() as conn, conn.cursor() as cr:
            cr.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args[0]))
            )
        return 0
    if command == "module-state":
        with connect(args[0]) as conn, conn.cursor() as cr:
            cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (args[1],))
            row = cr.fetchone()
            print(row[0] if row else "")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
