"""Print Odoo's requirements.txt adapted to a virtualenv built from wheels only.

Usage: odoo_requirements.py ODOO_SRC/requirements.txt

- Markers are evaluated as if Python were at least 3.12: several pins Odoo keeps for
  Python 3.11 (Debian 12 versions) have no wheels for current platforms and fail to
  build, whereas the Ubuntu 24.04 pins work on 3.11 too.
- psycopg2 becomes psycopg2-binary (same version): no compiler or libpq headers needed.
- python-ldap is dropped: it needs a compiler and libldap, and only auth_ldap uses it.
"""

import platform
import sys

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.version import Version

MIN_PYTHON = "3.12"
RENAMED = {"psycopg2": "psycopg2-binary"}
DROPPED = {"python-ldap"}


def adapted_requirements(lines):
    env = default_environment()
    if Version(platform.python_version()) < Version(MIN_PYTHON):
        env.update(python_version=MIN_PYTHON, python_full_version=f"{MIN_PYTHON}.0")
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker and not req.marker.evaluate(env):
            continue
        if req.name.lower() in DROPPED:
            continue
        req.name = RENAMED.get(req.name.lower(), req.name)
        req.marker = None
        yield str(req)


def main(path):
    with open(path, encoding="utf-8") as requirements:
        for requirement in adapted_requirements(requirements):
            print(requirement)


if __name__ == "__main__":
    main(sys.argv[1])
