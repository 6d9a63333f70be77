"""Control plane under ``/_simulator/`` so another process (Odoo tests, a shell) can steer faults
and read the journal. Not authenticated and never journaled."""

import json

from .accounting import control as accounting_control
from .context import Reply
from .faults import Fault

PREFIX = "/_simulator/"


def handle(app, method, path, body):
    """Dispatch one control-plane request of ``app`` (an ``Application``)."""
    endpoint = (method, path.rstrip("/"))
    if endpoint == ("POST", "/_simulator/faults"):
        try:
            fault = app.faults.add(Fault(**json.loads(body or b"{}")))
        except (TypeError, ValueError) as error:
            return Reply(400, {"status": 400, "message": f"Invalid fault: {error}"})
        return Reply(201, fault.as_dict())
    if endpoint == ("GET", "/_simulator/faults"):
        return Reply(200, [fault.as_dict() for fault in app.faults.pending()])
    if endpoint == ("DELETE", "/_simulator/faults"):
        app.faults.clear()
        return Reply(204)
    if endpoint == ("GET", "/_simulator/requests"):
        return Reply(200, [request.as_dict() for request in app.journal.requests])
    if endpoint == ("GET", "/_simulator/responses"):
        return Reply(200, [response.as_dict() for response in app.journal.responses])
    if endpoint == ("DELETE", "/_simulator/requests"):
        app.journal.reset()
        return Reply(204)
    accounting = accounting_control.handle(app.store, endpoint, body)
    if accounting is not None:
        return accounting
    return Reply(404, {"status": 404, "message": f"No control endpoint {method} {path}"})
