"""HTTP helpers shared by the floor's route modules: JSON bodies, form values, paged listings."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

from tui.sim.floor_paging import Keyed, envelope, select
from tui.sim.floor_params import page_params


def json_body(payload: object, status: int = 200) -> web.Response:
    body = json.dumps(payload, separators=(", ", ": ")).encode("utf-8")
    return web.Response(body=body, status=status, content_type="application/json", charset="utf-8")


async def form_of(request: web.Request) -> dict[str, str]:
    data = await request.post()
    single: dict[str, str] = {}
    for key, value in data.items():
        if key not in single and isinstance(value, str):
            single[key] = value
    return single


async def events_of(request: web.Request, name: str) -> list[str]:
    data = await request.post()
    events: list[str] = []
    for value in data.getall(name, []):
        if isinstance(value, str):
            events.extend(value.replace(",", " ").split())
    return events


def query_of(request: web.Request) -> dict[str, str]:
    single: dict[str, str] = {}
    for key, value in request.query.items():
        single.setdefault(key, value)
    return single


def page_response(
    request: web.Request,
    name: str,
    items: Sequence[Keyed],
    render: Callable[[Any], dict[str, Any]],
    filter_names: Sequence[str] = (),
    *,
    descending: bool = False,
) -> web.Response:
    """One page of ``items`` in Twilio's envelope, filters repeated in the paging URIs."""
    query = query_of(request)
    page_size, page_number, token = page_params(query)
    page = select(items, page_size, page_number, token, descending=descending)
    filters = [(n, query[n]) for n in filter_names if query.get(n)]
    payload = envelope(
        name,
        [render(item) for item in page.items],
        page,
        path=request.path,
        filters=filters,
        page_size=page_size,
        page_number=page_number,
        token=token,
    )
    return json_body(payload)
