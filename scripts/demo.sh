#!/usr/bin/env bash
# Demo: database mirakl_demo with mirakl_connector (and Odoo demo data), the Mirakl
# operator simulator in the background, a Marketplace connected to it, then Odoo
# served with queue_job's job runner until Ctrl-C (which also stops the simulator).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEMO_DB="${DEMO_DB:-mirakl_demo}"
HTTP_PORT="${ODOO_HTTP_PORT:-8069}"
SIMULATOR_PORT="${SIMULATOR_PORT:-8900}"
SIMULATOR_URL="http://127.0.0.1:$SIMULATOR_PORT"
DEMO_API_KEY=demo-shop-key

"$REPO_ROOT/scripts/bootstrap.sh"
ODOO_SRC="$(resolve_odoo_src)"
mkdir -p "$RUN_DIR"
cd "$REPO_ROOT"

# Exit status 0 when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    "$VENV/bin/python" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
        "$1" 2>/dev/null
}

for port in "$HTTP_PORT" "$SIMULATOR_PORT"; do
    if port_open "$port"; then
        die "Port $port is already in use (another Odoo or simulator?): stop that process or set ODOO_HTTP_PORT / SIMULATOR_PORT."
    fi
done

conf="$RUN_DIR/odoo-demo.conf"
# queue_job must be a server-wide module for its job runner to start with the server.
cat >"$conf" <<CONF
[options]
addons_path = $REPO_ROOT,$ODOO_SRC/addons
db_name = $DEMO_DB
dbfilter = ^$DEMO_DB\$
http_port = $HTTP_PORT
server_wide_modules = base,web,queue_job

[queue_job]
channels = root:4,root.mirakl:4,root.mirakl.catalog:1,root.mirakl.orders:2,root.mirakl.stock:1:throttle=15,root.mirakl.prices:1:throttle=15,root.mirakl.shipments:1,root.mirakl.documents:1,root.mirakl.refunds:1,root.mirakl.messages:1,root.mirakl.payouts:1
CONF

state=""
if "$VENV/bin/python" scripts/pgtool.py exists "$DEMO_DB"; then
    state="$("$VENV/bin/python" scripts/pgtool.py module-state "$DEMO_DB" "$ADDON")"
fi
if [[ "$state" == installed ]]; then
    log "updating $ADDON in database $DEMO_DB"
    "$VENV/bin/odoo" --config="$conf" --update="$ADDON" --stop-after-init --log-level=warn
else
    log "installing $ADDON with demo data in database $DEMO_DB (takes a minute or two)"
    "$VENV/bin/odoo" --config="$conf" --init="$ADDON" --stop-after-init --log-level=warn
fi

log "starting the Mirakl simulator on $SIMULATOR_URL (log: $RUN_DIR/simulator.log)"
PYTHONPATH="$REPO_ROOT/tests" "$VENV/bin/python" -m mirakl_simulator \
    --host 127.0.0.1 --port "$SIMULATOR_PORT" --demo >"$RUN_DIR/simulator.log" 2>&1 &
simulator_pid=$!
trap 'kill "$simulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    port_open "$SIMULATOR_PORT" && break
    kill -0 "$simulator_pid" 2>/dev/null || die "The simulator did not start: see $RUN_DIR/simulator.log"
    sleep 0.2
done
port_open "$SIMULATOR_PORT" || die "The simulator is not listening on $SIMULATOR_URL after 10 s: see $RUN_DIR/simulator.log"

log "configuring the Marketplace 'Demo Marketplace (simulator)'"
MIRAKL_DEMO_URL="$SIMULATOR_URL" MIRAKL_DEMO_API_KEY="$DEMO_API_KEY" \
    "$VENV/bin/odoo" shell --config="$conf" --log-level=warn <scripts/demo_marketplace.py

cat <<BANNER

  Odoo is starting on http://localhost:$HTTP_PORT  (login: admin, password: admin)
  Marketplace: Mirakl > Configuration > Marketplaces > Demo Marketplace (simulator)
  Mirakl simulator: $SIMULATOR_URL (API key $DEMO_API_KEY)
  Press Ctrl-C to stop Odoo and the simulator.

BANNER
"$VENV/bin/odoo" --config="$conf"
