"""Account and platform: A01 (shop account), PC01 (platform configuration), V01 (health check)."""

import copy

from ..routing import route

SIMULATOR_VERSION = "3.230.0-simulator"


@route("GET", "/api/account", op="A01")
def get_account(ctx):
    return ctx.shop.account_body(ctx.store)


@route("GET", "/api/platform/configuration", op="PC01")
def get_platform_configuration(ctx):
    return copy.deepcopy(ctx.store.platform_configuration)


@route("GET", "/api/version", op="V01")
def get_version(ctx):
    """The spec documents no body ("check the status code"); a small JSON object is sent anyway."""
    return {"version": SIMULATOR_VERSION}
