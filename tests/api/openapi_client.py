"""Uses a client generated from dealflow's OpenAPI document by openapi-python-client: creates a
source, a hook and a deal against a live server, and prints their ids as JSON.

Run by tests/api/openapi_client.rs as: python openapi_client.py BASE_URL ADMIN_PASSWORD HOOK_URL,
with the generated package `dealflow_client` on PYTHONPATH.
"""

import base64
import builtins
import json
import sys

# openapi-python-client 0.29.1 annotates a body of several content types (a hook as JSON or as
# Mautic's form) with `Unset` without importing it (a Jinja scoping slip in its template); the
# generated modules are used unchanged, with the name provided here.
from dealflow_client.types import Unset

builtins.Unset = Unset

from dealflow_client import AuthenticatedClient  # noqa: E402
from dealflow_client.api.deals import new_deal  # noqa: E402
from dealflow_client.api.hooks import new_hook  # noqa: E402
from dealflow_client.api.sources import new_source  # noqa: E402
from dealflow_client.models import DealAnswer, HookAnswer, HookInput, NewDeal, SourceInput, SourceWithSecret  # noqa: E402

base_url, password, hook_url = sys.argv[1:4]
credentials = base64.b64encode(f"admin:{password}".encode()).decode()
client = AuthenticatedClient(base_url=base_url, token=credentials, prefix="Basic", raise_on_unexpected_status=True)

source = new_source.sync(client=client, body=SourceInput(name="Website form"))
assert isinstance(source, SourceWithSecret), source

hook = new_hook.sync(
    client=client,
    body=HookInput(name="CRM sync", webhook_url=hook_url, triggers=["dealflow.deal.created"]),
)
assert isinstance(hook, HookAnswer), hook

deal = new_deal.sync(
    client=client,
    body=NewDeal(title="Acme Corp - Enterprise Plan", amount=15000, currency="USD", close_date="2026-06-30"),
)
assert isinstance(deal, DealAnswer), deal

print(json.dumps({
    "source": source.source.id,
    "secret_length": len(source.secret),
    "hook": hook.hook.id,
    "hook_triggers": hook.hook.triggers,
    "deal": deal.deal.id,
    "deal_title": deal.deal.title,
    "deal_stage": deal.deal.stage.name,
}))
