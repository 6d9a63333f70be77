#!/usr/bin/env bash
# Build (or refresh) the virtualenv with Odoo 18.0, queue_job and the project's
# requirements, then check that PostgreSQL is reachable (unless --no-db-check, for
# tasks such as linting that do not need it). Fast no-op when nothing changed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "$PYTHON is older than Python 3.10, which Odoo 18.0 requires: set PYTHON to a newer interpreter."

ODOO_SRC="$(resolve_odoo_src)"
# Odoo's setup.py lists setup/odoo as a script, but some source copies lack it;
# it is the same file as odoo-bin.
if [[ ! -e "$ODOO_SRC/setup/odoo" ]]; then
    mkdir -p "$ODOO_SRC/setup"
    cp "$ODOO_SRC/odoo-bin" "$ODOO_SRC/setup/odoo"
fi

STAMP="$VENV/.mirakl_bootstrap"
# Reinstall only when one of the inputs changes: interpreter, Odoo tree, requirement files, this script.
inputs_hash="$(
    {
        "$PYTHON" -VV
        echo "$ODOO_SRC"
        cat "$ODOO_SRC/requirements.txt" "$REPO_ROOT"/requirements*.txt \
            "$REPO_ROOT/scripts/bootstrap.sh" "$REPO_ROOT/scripts/odoo_requirements.py"
    } | cksum
)"

if [[ -x "$VENV/bin/odoo" && -f "$STAMP" && "$(cat "$STAMP")" == "$inputs_hash" ]]; then
    log "virtualenv $VENV is up to date"
else
    start=$SECONDS
    if [[ ! -x "$VENV/bin/python" ]]; then
        log "creating virtualenv $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    pip=("$VENV/bin/python" -m pip install --quiet)
    "${pip[@]}" --upgrade pip wheel setuptools packaging

    log "installing Odoo's Python requirements"
    "$VENV/bin/python" "$REPO_ROOT/scripts/odoo_requirements.py" "$ODOO_SRC/requirements.txt" \
        >"$VENV/odoo-requirements.txt"
    "${pip[@]}" -r "$VENV/odoo-requirements.txt"

    # Editable in "compat" mode (a .pth path entry): the default import-hook mode makes
    # site-packages/odoo/addons, where OCA addon wheels such as queue_job land, shadow
    # the odoo package. --no-deps: setup.py asks for psycopg2 (needs a compiler), the
    # requirements above already provide psycopg2-binary. --no-build-isolation: build
    # with the setuptools just installed rather than whatever is newest on PyPI.
    # Skipped when already there, so a refresh never breaks `import odoo` for a running
    # process. Setuptools prints pages of warnings about Odoo's setup.py: keep them in a log.
    odoo_installed_from="$("$VENV/bin/python" -c 'import odoo, os; print(os.path.dirname(odoo.__path__[0]))' 2>/dev/null || true)"
    if [[ "$odoo_installed_from" != "$ODOO_SRC" || ! -x "$VENV/bin/odoo" ]]; then
        log "installing Odoo from $ODOO_SRC (editable)"
        "${pip[@]}" --no-deps --no-build-isolation --editable "$ODOO_SRC" \
            --config-settings editable_mode=compat >"$VENV/odoo-install.log" 2>&1 \
            || die "pip could not install Odoo from $ODOO_SRC, see $VENV/odoo-install.log"
    fi

    log "installing queue_job and the project requirements"
    "${pip[@]}" -r "$REPO_ROOT/requirements.txt" -r "$REPO_ROOT/requirements-dev.txt"
    "${pip[@]}" --no-deps -r "$REPO_ROOT/requirements-addons.txt"
    echo "$inputs_hash" >"$STAMP"
    log "virtualenv ready in $((SECONDS - start)) s"
fi

if [[ "${1:-}" != --no-db-check ]]; then
    check_postgres
fi
