# shellcheck shell=bash
# Shared settings for the scripts in this folder; source it, do not run it.
# Every value can be overridden from the environment.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$REPO_ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
# Generated files (configs, logs, test filestore) live here; it is git-ignored.
RUN_DIR="${RUN_DIR:-$REPO_ROOT/.run}"
# Absolute paths: the scripts change directory.
[[ "$VENV" == /* ]] || VENV="$PWD/$VENV"
[[ "$RUN_DIR" == /* ]] || RUN_DIR="$PWD/$RUN_DIR"
ODOO_DEFAULT_SRC="${XDG_CACHE_HOME:-$HOME/.cache}/mirakl_connector/odoo-18.0"
ODOO_GIT_URL="https://github.com/odoo/odoo"
# shellcheck disable=SC2034  # used by the scripts that source this file
ADDON=mirakl_connector

# Standard libpq variables, so Odoo, psql and psycopg2 all reach the same server.
export PGHOST="${PGHOST:-localhost}"
export PGPORT="${PGPORT:-5432}"

die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

log() {
    printf '==> %s\n' "$*" >&2
}

# Print the Odoo 18.0 source folder: $ODOO_SRC, else the default cache folder
# (shallow-cloned from GitHub when absent). Exits with one sentence on failure.
resolve_odoo_src() {
    local src="${ODOO_SRC:-$ODOO_DEFAULT_SRC}"
    if [[ -z "${ODOO_SRC:-}" && ! -e "$src" ]]; then
        log "Odoo 18.0 not found at $src, cloning it from $ODOO_GIT_URL"
        mkdir -p "$(dirname "$src")"
        if ! git clone --quiet --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$src" >&2; then
            rm -rf "$src"
            die "Could not get Odoo 18.0 (git clone of $ODOO_GIT_URL failed): set ODOO_SRC to an Odoo 18.0 source tree or place one at $ODOO_DEFAULT_SRC."
        fi
    fi
    if ! grep -qs "^version_info = (18, 0," "$src/odoo/release.py"; then
        die "No Odoo 18.0 source tree at $src (odoo/release.py missing or not 18.0): set ODOO_SRC to an Odoo 18.0 source tree or place one at $ODOO_DEFAULT_SRC."
    fi
    (cd "$src" && pwd -P)
}

# Fail with one sentence when PostgreSQL cannot be reached with the PG* settings.
check_postgres() {
    local reason
    if ! reason="$("$VENV/bin/python" "$REPO_ROOT/scripts/pgtool.py" check)"; then
        die "PostgreSQL is not reachable at $PGHOST:$PGPORT as user ${PGUSER:-$(id -un)} ($reason): start it (e.g. 'sudo systemctl start postgresql') or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
    fi
}

# Make sure a Chromium-family browser is on PATH for the Odoo browser tests (HttpCase tours,
# Hoot suites): Odoo looks for google-chrome, chromium, chromium-browser, google-chrome-stable
# and silently skips those tests when none is found. Installs Debian's `chromium` otherwise.
ensure_chromium() {
    local browser
    for browser in google-chrome chromium chromium-browser google-chrome-stable; do
        if command -v "$browser" >/dev/null 2>&1; then
            return 0
        fi
    done
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 \
            || die "Chromium is missing and sudo is not available to install it: install the Debian package 'chromium' (apt-get install chromium) as root, then run the tests again."
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null 2>&1 \
        || die "Chromium is missing and apt-get is not available: install Chromium or Google Chrome so that 'chromium' or 'google-chrome' is on PATH, then run the tests again."
    log "installing the Debian package chromium for the browser tests"
    if ! { ${sudo[@]+"${sudo[@]}"} apt-get update -qq \
        && ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends chromium; } >&2; then
        die "Could not install Chromium with apt-get (see above): install the Debian package 'chromium' by hand, then run the tests again."
    fi
    command -v chromium >/dev/null 2>&1 \
        || die "apt-get installed chromium but no 'chromium' command is on PATH: check the package, then run the tests again."
}
