"""Webhook mode through the inbox: Telegram's request is answered only once its update is
stored, so an update Telegram counts as delivered is never lost (a failed store answers 500
and Telegram sends it again). Any number of processes may serve it behind a load balancer
when they share a PostgreSQL database: the inbox applies each update once, in its chat's
order, whichever process received it."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import socket
from collections.abc import Sequence
from datetime import timedelta
from http import HTTPStatus

import tornado.httpserver
import tornado.web
from telegram import Update

from bot.telegram.inbox import Inbox, turn_of
from storage.inbox import Received, forget_handled_before

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CLOSE_SECONDS = 2.0  # a stop waits this long for requests being answered
KEEP_HANDLED = timedelta(days=1)  # handled updates remembered, to ignore a late resend
PRUNE_EVERY_SECONDS = 3600


class _Receiver(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, inbox: Inbox, secret: str) -> None:
        self.inbox = inbox
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            body = self.request.body.decode()
            update = Update.de_json(json.loads(body), self.inbox.application.bot)
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from error
        await self.inbox.receive([(Received(update.update_id, turn_of(update), body), update)])
        self.set_status(HTTPStatus.OK)


class InboxWebhook:
    """Listens on `port` (or on `sockets` bound already, shared by worker processes) at
    `url_path`, stores each update before answering, and hands it to its handler through the
    inbox."""

    def __init__(
        self,
        inbox: Inbox,
        url: str,
        url_path: str,
        port: int,
        secret: str,
        sockets: Sequence[socket.socket] = (),
    ) -> None:
        self.inbox = inbox
        self.url = url
        self.url_path = url_path
        self.port = port
        self.secret = secret
        self.sockets = sockets

    async def run(self, stop: asyncio.Event, listen: str = "0.0.0.0") -> None:
        """Handle what the inbox holds, serve until `stop` is set, then stop within about
        the inbox's grace."""
        await self.inbox.dispatch_waiting()
        app = tornado.web.Application(
            [
                (
                    f"/{re.escape(self.url_path)}",
                    _Receiver,
                    {"inbox": self.inbox, "secret": self.secret},
                )
            ]
        )
        server = tornado.httpserver.HTTPServer(app)
        if self.sockets:
            server.add_sockets(self.sockets)
        else:
            server.listen(self.port, listen)
        pruning = asyncio.create_task(self._prune(), name="inbox-prune")
        rescuing = asyncio.create_task(self.inbox.rescue(), name="inbox-rescue")
        try:
            await self.inbox.application.bot.set_webhook(
                self.url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES
            )
            await stop.wait()
        finally:
            pruning.cancel()
            rescuing.cancel()
            server.stop()
            try:
                await asyncio.wait_for(server.close_all_connections(), CLOSE_SECONDS)
            except TimeoutError:
                log.warning("webhook requests still open after %.0f s", CLOSE_SECONDS)
            await self.inbox.drain()

    async def _prune(self) -> None:
        while True:
            await forget_handled_before(self.inbox.db, self.inbox.clock() - KEEP_HANDLED)
            await asyncio.sleep(PRUNE_EVERY_SECONDS)
