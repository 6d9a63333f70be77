"""STO01 stock files: ``offer-sku;quantity;warehouse-code;update-delete``, one quantity a line.

Rows are independent: a bad row is reported (unknown SKU, quantity that is not a non-negative
integer, unknown warehouse code, a second line for the same offer and warehouse, global and
per-warehouse lines mixed for one offer) and the others are applied. A line without warehouse
sets the offer's global quantity (and drops its warehouse split); warehouse lines set those
warehouses' quantities and the offer's quantity becomes their sum. ``delete`` zeroes the global
quantity or removes the warehouse.
"""

from .catalog import Catalog
from .files import check_columns, error_report
from .jobs import Outcome
from .values import RowError, integer, required

COLUMNS = ("offer-sku", "quantity", "warehouse-code", "update-delete")
REQUIRED = ("offer-sku", "quantity")
GLOBAL = None  # the warehouse of a line without warehouse-code


def _parse(row, catalog, warehouses, seen):
    """``(offer_id, warehouse or GLOBAL, quantity or None to delete)`` of a valid row."""
    sku = required(row.get("offer-sku"), "offer-sku")
    offer_id = catalog.find(sku)
    if offer_id is None:
        raise RowError(f"The offer with SKU '{sku}' does not exist")
    action = row.get("update-delete").lower()
    if action not in ("", "update", "delete"):
        raise RowError(f"Invalid update-delete value '{row.get('update-delete')}'")
    warehouse = row.get("warehouse-code") or GLOBAL
    if warehouse is not GLOBAL and warehouse not in warehouses:
        raise RowError(f"The warehouse with code '{warehouse}' does not exist")
    quantity = None
    if action != "delete":
        quantity = integer(required(row.get("quantity"), "quantity"), "quantity")
    kinds = seen.setdefault(offer_id, set())
    if warehouse in kinds:
        where = f"warehouse '{warehouse}'" if warehouse else "no warehouse"
        raise RowError(f"The offer '{sku}' is listed twice for {where}")
    if kinds and (warehouse is GLOBAL or GLOBAL in kinds):
        raise RowError(f"The offer '{sku}' mixes a global quantity and warehouse quantities")
    kinds.add(warehouse)
    return offer_id, warehouse, quantity


def _apply(catalog, offer_id, lines):
    """Apply the ``{warehouse: quantity or None}`` lines of one offer."""
    if GLOBAL in lines:
        catalog.update(offer_id, {"quantity": lines[GLOBAL] or 0, "warehouses": []})
        return
    stock = {w["code"]: w["quantity"] for w in catalog.offer(offer_id).get("warehouses") or []}
    for warehouse, quantity in lines.items():
        if quantity is None:
            stock.pop(warehouse, None)
        else:
            stock[warehouse] = quantity
    warehouses = [{"code": code, "quantity": quantity} for code, quantity in stock.items()]
    catalog.update(offer_id, {"quantity": sum(stock.values()), "warehouses": warehouses})


def process_stock(shop, job, now):
    """Check and apply a stock file (``ImportJob.process`` of STO01 imports)."""
    check_columns(job.columns, REQUIRED, lambda column: column in COLUMNS)
    catalog = Catalog(shop, now)
    warehouses = set(shop.warehouse_codes)
    failures, changes, seen = [], {}, {}
    for row in job.rows:
        try:
            offer_id, warehouse, quantity = _parse(row, catalog, warehouses, seen)
        except RowError as error:
            failures.append((row, error.message))
            continue
        changes.setdefault(offer_id, {})[warehouse] = quantity
    for offer_id, lines in changes.items():
        _apply(catalog, offer_id, lines)
    counters = {
        "lines_in_success": len(job.rows) - len(failures),
        "lines_in_error": len(failures),
    }
    report = error_report(job.columns, failures, errors_first=True) if failures else None
    return Outcome(failures, counters, report)
