#!/usr/bin/env bash
# Run every test: pytest on tests/ (simulator, client, contract; no Odoo), then the
# addon's Odoo tests in a freshly created database. The last line of output is always
# "tests: N passed, M failed"; the exit status is non-zero when anything failed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TEST_DB="${ODOO_TEST_DB:-mirakl_connector_test}"
# Not 8069, so the tests can run while `make demo` serves.
TEST_HTTP_PORT="${ODOO_TEST_HTTP_PORT:-8169}"

passed=0
failed=0
problems=()

# Print the problems and the summary on every exit, also when a step aborts the script
# (set -e), for instance a bootstrap error: such an abort counts as one more failure.
finish() {
    local status=$?
    if ((status != 0 && failed == 0)); then
        failed=1
    fi
    for problem in ${problems[@]+"${problems[@]}"}; do
        printf 'FAILED: %s\n' "$problem"
    done
    echo "tests: $passed passed, $failed failed"
}
trap finish EXIT

"$REPO_ROOT/scripts/bootstrap.sh"
ensure_chromium
ODOO_SRC="$(resolve_odoo_src)"
mkdir -p "$RUN_DIR"
cd "$REPO_ROOT"

# Add one stage's "PASSED FAILED SKIPPED" counts to the totals.
add_counts() {
    local stage_passed stage_failed stage_skipped
    read -r stage_passed stage_failed stage_skipped <<<"$1"
    passed=$((passed + stage_passed))
    failed=$((failed + stage_failed))
    log "$2: $stage_passed passed, $stage_failed failed, $stage_skipped skipped"
}

# Record a stage's problems (arguments 2..n). A stage that failed outside any counted
# test (crash, install error, rejected log line, nothing collected) still counts as one
# failure, so the summary never says "0 failed" for a failing run.
stage_failed() {
    local counted_failures="$1"
    shift
    problems+=("$@")
    if ((counted_failures == 0)); then
        failed=$((failed + 1))
    fi
}

log "pytest tests/"
junit="$RUN_DIR/pytest.xml"
rm -f "$junit"
pytest_rc=0
"$VENV/bin/python" -m pytest tests -p no:cacheprovider --junitxml="$junit" || pytest_rc=$?
if ((pytest_rc == 5)); then
    stage_failed 0 "pytest collected no tests under tests/"
elif [[ ! -f "$junit" ]]; then
    stage_failed 0 "pytest crashed (exit status $pytest_rc) before writing $junit"
else
    counts="$("$VENV/bin/python" scripts/test_report.py pytest "$junit")"
    add_counts "$counts" pytest
    if ((pytest_rc != 0)); then
        stage_failed "$(cut -d' ' -f2 <<<"$counts")" "pytest failed (exit status $pytest_rc)"
    fi
fi

log "Odoo tests of $ADDON in a new database $TEST_DB"
conf="$RUN_DIR/odoo-test.conf"
odoo_log="$RUN_DIR/odoo-test.log"
data_dir="$RUN_DIR/odoo-test-data"
# A fresh database and filestore every run; Odoo creates the database itself.
"$VENV/bin/python" scripts/pgtool.py drop "$TEST_DB"
rm -rf "$data_dir"
# Without demo data: faster, and tests must build the records they need.
cat >"$conf" <<CONF
[options]
addons_path = $REPO_ROOT,$ODOO_SRC/addons
data_dir = $data_dir
db_name = $TEST_DB
http_port = $TEST_HTTP_PORT
max_cron_threads = 0
without_demo = all
log_level = info
CONF
odoo_rc=0
"$VENV/bin/odoo" --config="$conf" --init="$ADDON" --test-tags="/$ADDON" --stop-after-init 2>&1 \
    | tee "$odoo_log" || odoo_rc=$?
report_rc=0
counts="$("$VENV/bin/python" scripts/test_report.py odoo "$odoo_log" 2>"$RUN_DIR/odoo-test.problems")" || report_rc=$?
add_counts "$counts" "Odoo tests"
odoo_problems=()
if ((odoo_rc != 0)); then
    odoo_problems+=("Odoo exited with status $odoo_rc")
fi
if [[ "$("$VENV/bin/python" scripts/pgtool.py module-state "$TEST_DB" "$ADDON" 2>/dev/null)" != installed ]]; then
    odoo_problems+=("$ADDON is not installed in $TEST_DB after the run")
fi
if ((report_rc != 0)); then
    odoo_problems+=("the Odoo log has errors or unexpected warnings (log: $odoo_log):
$(cat "$RUN_DIR/odoo-test.problems")")
fi
if ((${#odoo_problems[@]} > 0)); then
    stage_failed "$(cut -d' ' -f2 <<<"$counts")" "${odoo_problems[@]}"
fi

((failed == 0))
