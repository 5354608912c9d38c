"""Which content a publish goes to: an explicit one, the file's deployment record on that
server, or new content, with a same-titled item of the user's, or a change of content type,
explained before anything is built or uploaded."""

from __future__ import annotations

import asyncio

from .connect import ConnectClient
from .connect.errors import NotFound
from .plan import PublishPlan
from .publish_errors import PublishError
from .records import RecordStore
from .servers import Server


async def choose_target(
    plan: PublishPlan, server: Server, client: ConnectClient, store: RecordStore
) -> None:
    """Settle update-or-new up front so a clash or a mode change is explained before upload."""
    if plan.content_guid:
        content = await client.content.get(plan.content_guid)
        check_mode(plan, content.app_mode, content.bundle_id, content.title)
        return
    if plan.new and not plan.check_title:
        return  # "publish new" confirmed by the person: a same-titled item is fine
    records = [] if plan.new else await asyncio.to_thread(store.list, plan.path)
    for record in records:
        if record.server_url.rstrip("/") != server.url.rstrip("/"):
            continue
        try:
            content = await client.content.get(record.content_guid)
        except NotFound:
            continue  # deleted on the server since: publish as new
        check_mode(plan, content.app_mode, content.bundle_id, content.title)
        plan.content_guid = content.guid
        return
    me = await client.me()
    mine = await client.content.list(owner_guid=me.guid)
    wanted = plan.title.casefold()
    matches = [c for c in mine if (c.title or c.name).casefold() == wanted]
    if matches:
        raise PublishError(
            f"You already have content titled '{plan.title}' on {server.name}. "
            "Update it, or publish as new content.",
            "title_conflict",
            409,
            matches=[
                {
                    "guid": c.guid,
                    "title": c.title,
                    "app_mode": c.app_mode,
                    "content_url": c.content_url,
                    "dashboard_url": c.dashboard_url,
                }
                for c in matches
            ],
        )


def check_mode(
    plan: PublishPlan, app_mode: str | None, bundle_id: str | None, title: str | None
) -> None:
    if bundle_id and app_mode and app_mode not in ("unknown", plan.app_mode):
        raise PublishError(
            f"'{title}' on Connect is {app_mode} content and cannot become {plan.app_mode}: "
            "Connect does not change the type of deployed content. Publish as new content instead.",
            "app_mode_change",
            409,
            current_app_mode=app_mode,
        )
