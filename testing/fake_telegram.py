"""A fake Telegram Bot API server for end-to-end tests and benchmarks.

The real bot talks HTTP to it on 127.0.0.1 exactly as it talks to api.telegram.org, and the
test plays the users and inspects what the bot sent::

    fake = FakeTelegram(token="123:ABC")
    await fake.start()  # fake.root == "http://127.0.0.1:PORT"
    app = (
        Application.builder().token(fake.token)
        .base_url(f"{fake.root}/bot").base_file_url(f"{fake.root}/file/bot").build()
    )
    ...  # initialize, start, start_polling
    fake.add_private_chat(42, first_name="Ada")
    fake.user_sends(42, "/start")
    [reply] = await fake.wait_for_messages(42, 1)
    await fake.stop()  # with strict=True, raises if the bot made a request Telegram rejects

Answers are shaped like Telegram's (``{"ok": true, "result": ...}``, or an error with the same
HTTP status, description and ``parameters.retry_after``), so python-telegram-bot raises the
same exceptions. The fake validates what Telegram would reject (HTML markup, text lengths in
UTF-16 units, keyboards, unknown chats and messages, unmodified edits), can script failures
(429, 5xx, slow answers, blocked users) and can enforce Telegram's flood limits.

Instead of answering getUpdates, it can POST the updates to several bot workers, as Telegram
sends webhooks to a load balancer: ``fake.deliver_webhooks(urls, secret)``, with retries and
duplicate deliveries; ``await fake.webhooks_idle()`` waits until all are delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import re
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from time import monotonic
from time import time as unix_time
from typing import Any, NamedTuple

from aiohttp import ClientError, ClientSession, ClientTimeout, web

JSON = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100

#: Update types Telegram sends only when listed in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
GETUPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_FORBIDDEN_BY_CHAT_TYPE = {
    "private": "Forbidden: bot was blocked by the user",
    "group": "Forbidden: bot was kicked from the group chat",
    "supergroup": "Forbidden: bot was kicked from the supergroup chat",
    "channel": "Forbidden: bot is not a member of the channel chat",
}
_NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
    "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "web_app",
    "login_url",
    "callback_game",
    "pay",
    "copy_text",
)
_MARKUP_JSON_ERROR = "can't parse reply keyboard markup JSON object"
_WELL_FORMED_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_COMMAND = re.compile(r"(?<![\w/<>])/[a-zA-Z0-9_]{1,64}(?:@([a-zA-Z0-9_]{3,32}))?(?![\w/<>])")
_BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit Telegram counts text lengths and offsets in."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --- errors -------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answer; `injected` marks failures the test set up rather than bot mistakes."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        injected: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.injected = injected

    def response(self) -> web.Response:
        """The HTTP answer Telegram gives (nginx's HTML page for 502)."""
        if self.status == HTTPStatus.BAD_GATEWAY:
            return web.Response(status=502, text=_NGINX_502, content_type="text/html")
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return _json_response(body, self.status)


def bad_request(reason: str, *, injected: bool = False) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}", injected=injected)


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after, injected=True
    )


def _json_response(body: JSON, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode(),
        content_type="application/json",
    )


# --- text: HTML parse mode, lengths ---------------------------------------------------------


class HtmlError(ValueError):
    """Markup Telegram's HTML parser refuses; the message is Telegram's wording."""


class FormattedText(NamedTuple):
    """Visible text and its entities (offsets in UTF-16 units), as Telegram stores them."""

    text: str
    entities: list[JSON]

    @property
    def length(self) -> int:
        return utf16_len(self.text)

    def stripped(self) -> FormattedText:
        """Drop surrounding whitespace like Telegram does, keeping entities aligned."""
        body = self.text.lstrip()
        shift = utf16_len(self.text[: len(self.text) - len(body)])
        body = body.rstrip()
        end = utf16_len(body)
        entities = []
        for entity in self.entities:
            start = max(entity["offset"] - shift, 0)
            stop = min(entity["offset"] + entity["length"] - shift, end)
            if stop > start:
                entities.append({**entity, "offset": start, "length": stop - start})
        return FormattedText(body, entities)


class _OpenTag(NamedTuple):
    name: str
    argument: str
    offset: int
    out_index: int


_ALLOWED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler"}
    | {"tg-emoji", "pre", "code", "blockquote"}
)
_SIMPLE_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\v\f")
_MARKUP = re.compile(r"[<&]")
_DECIMAL = re.compile(r"[0-9]*")
_HEXADECIMAL = re.compile(r"[0-9a-fA-F]*")
_LETTERS = re.compile(r"[a-zA-Z]*")
_NAME_TOKEN = re.compile(r"[a-zA-Z0-9.-]*")
_SURROGATES = (
    "Text contains invalid Unicode characters after decoding HTML entities, "
    "check for unmatched surrogate code units"
)


def decode_html_entity(source: str, pos: int) -> tuple[str | None, int]:
    """Decode the entity at `source[pos] == "&"`: (character, end) or (None, pos) if none."""
    end = pos + 1
    if source.startswith("#", end):
        is_hex = source.startswith("x", end + 1)
        digits = (_HEXADECIMAL if is_hex else _DECIMAL).match(source, end + 1 + is_hex)
        end = digits.end()
        if not digits.group() or end - pos >= 10:
            return None, pos
        code = int(digits.group(), 16 if is_hex else 10)
        if code == 0 or code >= 0x10FFFF:
            return None, pos
        if 0xD800 <= code <= 0xDFFF:
            raise HtmlError(_SURROGATES)
        char = chr(code)
    else:
        name = _LETTERS.match(source, end)
        end = name.end()
        char = _NAMED_ENTITIES.get(name.group())
        if char is None:
            return None, pos
    if source.startswith(";", end):
        end += 1
    return char, end


class _HtmlParser:
    """Telegram's HTML parse mode, after tdlib's parse_html (td/telegram/MessageEntity.cpp)."""

    def __init__(self, source: str, *, strict_ampersand: bool) -> None:
        self.src = source
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.entities: list[JSON] = []
        self.stack: list[_OpenTag] = []
        self.offset = 0

    def parse(self) -> FormattedText:
        src, size, i = self.src, len(self.src), 0
        while True:
            match = _MARKUP.search(src, i)
            stop = match.start() if match else size
            if stop > i:
                self._emit(src[i:stop])
            if stop == size:
                break
            if src[stop] == "&":
                i = self._ampersand(stop)
            elif src.startswith("/", stop + 1):
                i = self._end_tag(stop)
            else:
                i = self._start_tag(stop)
        if self.stack:
            name = self.stack[-1].name
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{name}"')
        for entity in self.entities:
            entity.pop("_language", None)
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return FormattedText("".join(self.out), self.entities)

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_len(text)

    def _byte(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8", "surrogatepass"))

    def _ampersand(self, pos: int) -> int:
        char, end = decode_html_entity(self.src, pos)
        if char is None:
            if self.strict_ampersand:
                raise HtmlError(
                    f'Unescaped "&" at byte offset {self._byte(pos)} (a check of the fake: '
                    "Telegram would show it as is; write &amp;)"
                )
            char, end = "&", pos + 1
        self._emit(char)
        return end

    def _skip_spaces(self, i: int) -> int:
        while i < len(self.src) and self.src[i] in _SPACES:
            i += 1
        return i

    def _start_tag(self, begin: int) -> int:
        src, size = self.src, len(self.src)
        at = self._byte(begin)
        i = begin + 1
        while i < size and src[i] not in _SPACES and src[i] != ">":
            i += 1
        if i == size:
            raise HtmlError(f"Unclosed start tag at byte offset {at}")
        name = src[begin + 1 : i].lower()
        if name not in _ALLOWED_TAGS:
            raise HtmlError(f'Unsupported start tag "{name}" at byte offset {at}')
        argument = ""
        while src[i] != ">":
            i = self._skip_spaces(i)
            if i < size and src[i] == ">":
                break
            name_start = i
            while i < size and src[i] not in _SPACES and src[i] not in "=>/\"'":
                i += 1
            attribute = src[name_start:i]
            if not attribute:
                raise HtmlError(f'Empty attribute name in the tag "{name}" at byte offset {at}')
            i = self._skip_spaces(i)
            if i == size:
                raise HtmlError(f'Unclosed start tag "{name}" at byte offset {at}')
            if src[i] != "=":
                if name == "blockquote" and attribute == "expandable":
                    argument = "1"
                continue
            i = self._skip_spaces(i + 1)
            if i == size:
                raise HtmlError(f'Unclosed start tag "{name}" at byte offset {at}')
            value, i = self._attribute_value(i)
            if i == size:
                raise HtmlError(f"Unclosed start tag at byte offset {at}")
            argument = _tag_argument(name, attribute, value, argument)
        if name == "span" and argument != "spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        self.stack.append(_OpenTag(name, argument, self.offset, len(self.out)))
        return i + 1

    def _attribute_value(self, i: int) -> tuple[str, int]:
        src, size = self.src, len(self.src)
        if src[i] not in "\"'":
            token = _NAME_TOKEN.match(src, i)
            end = token.end()
            if end < size and src[end] not in _SPACES and src[end] != ">":
                raise HtmlError(f"Unexpected end of name token at byte offset {self._byte(i)}")
            return token.group().lower(), end
        quote, i, value = src[i], i + 1, []
        while i < size and src[i] != quote:
            char, end = decode_html_entity(src, i) if src[i] == "&" else (None, i)
            if char is None:
                char, end = src[i], i + 1
            value.append(char)
            i = end
        return "".join(value), min(i + 1, size)

    def _end_tag(self, begin: int) -> int:
        src, size = self.src, len(self.src)
        at = self._byte(begin)
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {at}")
        i = begin + 2
        while i < size and src[i] not in _SPACES and src[i] != ">":
            i += 1
        end_name = src[begin + 2 : i].lower()
        i = self._skip_spaces(i)
        if i == size or src[i] != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {at}")
        tag = self.stack.pop()
        if end_name and end_name != tag.name:
            raise HtmlError(
                f'Unmatched end tag at byte offset {at}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if self.offset > tag.offset:
            self._add_entity(tag)
        return i + 1

    def _add_entity(self, tag: _OpenTag) -> None:
        span = {"offset": tag.offset, "length": self.offset - tag.offset}
        last = self.entities[-1] if self.entities else {}
        same_span = last.get("offset") == span["offset"] and last.get("length") == span["length"]
        if tag.name in _SIMPLE_ENTITIES:
            self.entities.append({"type": _SIMPLE_ENTITIES[tag.name], **span})
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise HtmlError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "a":
            url = tag.argument or "".join(self.out[tag.out_index :])
            self.entities.append({"type": "text_link", **span, "url": url})
        elif tag.name == "pre" and same_span and last["type"] == "code" and "_language" in last:
            self.entities[-1] = {"type": "pre", **span, "language": last["_language"]}
        elif tag.name == "code" and same_span and last["type"] == "pre" and tag.argument:
            self.entities[-1] = {"type": "pre", **span, "language": tag.argument}
        elif tag.name == "code":
            language = {"_language": tag.argument} if tag.argument else {}
            self.entities.append({"type": "code", **span, **language})
        elif tag.name == "pre":
            self.entities.append({"type": "pre", **span})
        else:  # blockquote
            kind = "expandable_blockquote" if tag.argument else "blockquote"
            self.entities.append({"type": kind, **span})


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    """The one attribute each tag cares about (tdlib keeps the last one seen)."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "1"
    return current


def parse_html(source: str, *, strict_ampersand: bool = True) -> FormattedText:
    """Parse Telegram HTML into visible text and entities; raises HtmlError like Telegram.

    With `strict_ampersand` a "&" that starts no entity is an error (Telegram shows it as is,
    which is how unescaped user text slips through)."""
    return _HtmlParser(source, strict_ampersand=strict_ampersand).parse()


def format_text(
    source: str, parse_mode: str | None, *, strict_ampersand: bool = True
) -> FormattedText:
    """What the Bot API makes of a text and parse_mode: visible text, entities, stripped."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            parsed = parse_html(source, strict_ampersand=strict_ampersand)
        except HtmlError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode in ("", "markdown", "markdownv2"):
        parsed = FormattedText(source, [])
    else:
        raise bad_request("unsupported parse_mode")
    return parsed.stripped()


def command_entities(text: str) -> list[JSON]:
    """bot_command entities Telegram attaches to an incoming text ("/start", "/quiz@Bot")."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND.finditer(text)
    ]


# --- keyboards ------------------------------------------------------------------------------


def check_reply_markup(raw: Any, *, inline_only: bool = False) -> JSON | None:
    """Validate a reply_markup parameter like Telegram; the markup as a dict, None if absent."""
    if raw is None or raw == "":
        return None
    markup = raw
    if isinstance(raw, str):
        try:
            markup = json.loads(raw)
        except ValueError:
            raise bad_request(_MARKUP_JSON_ERROR) from None
    if not isinstance(markup, dict):
        raise bad_request(_MARKUP_JSON_ERROR)
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    elif inline_only:
        raise bad_request("inline keyboard expected")
    elif "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"])
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request(_MARKUP_JSON_ERROR)
    return markup


def _is_array_of_arrays(rows: Any) -> bool:
    return isinstance(rows, list) and all(isinstance(row, list) for row in rows)


def _check_inline_keyboard(rows: Any) -> None:
    if not _is_array_of_arrays(rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    for button in itertools.chain.from_iterable(rows):
        if not isinstance(button, dict):
            raise bad_request(
                "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
            )
        if not isinstance(button.get("text"), str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "text" must be of type String'
            )
        if not any(action in button for action in _BUTTON_ACTIONS):
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        data = button.get("callback_data")
        if "callback_data" in button and not (
            isinstance(data, str) and 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if "url" in button and not (
            isinstance(url, str) and url.startswith(("http://", "https://", "tg://"))
        ):
            raise bad_request("BUTTON_URL_INVALID")


def _check_reply_keyboard(rows: Any) -> None:
    if not _is_array_of_arrays(rows):
        raise bad_request(
            'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
        )
    for button in itertools.chain.from_iterable(rows):
        if not (isinstance(button, str) or (isinstance(button, dict) and "text" in button)):
            raise bad_request(
                "can't parse keyboard button: KeyboardButton must be a String or an Object"
            )


def inline_buttons(markup: JSON | None) -> list[JSON]:
    """The buttons of an inline keyboard, row by row."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def chat_member_json(status: str, user: JSON) -> JSON:
    """A ChatMember object with the fields PTB requires for `status`."""
    member: JSON = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False, **dict.fromkeys(_ADMIN_RIGHTS, True))
    elif status == "kicked":
        member["until_date"] = 0
    return member


# --- records --------------------------------------------------------------------------------


@dataclass(kw_only=True)
class SentCall:
    """A successful call of the bot that acts on a chat: send, edit, delete, answer, action."""

    method: str
    chat_id: int | None
    message_id: int | None = None
    text: str | None = None  # as the bot sent it (HTML source with parse_mode); caption for photos
    parse_mode: str | None = None
    plain_text: str | None = None  # what the user sees, after entity parsing
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    reply_to_message_id: int | None = None
    photo_bytes: int | None = None
    document: bytes | None = None  # sendDocument: the file's content
    file_name: str | None = None  # sendDocument: the file's name
    params: JSON = field(default_factory=dict)  # every parameter as received
    time: float = field(default_factory=monotonic)

    @property
    def callback_data(self) -> list[str]:
        return [
            b["callback_data"] for b in inline_buttons(self.reply_markup) if "callback_data" in b
        ]

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for button in inline_buttons(self.reply_markup)]

    def __str__(self) -> str:
        shown = self.plain_text if self.plain_text is not None else self.text
        return f"{self.method}(chat={self.chat_id}, message={self.message_id}, text={shown!r})"


@dataclass(frozen=True)
class Rejection:
    """A request real Telegram refuses with 400: a bug in the bot."""

    method: str
    chat_id: int | str | None
    description: str
    params: JSON


@dataclass
class Stats:
    """Counters over every answered request."""

    requests: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    delivered: Counter[int] = field(default_factory=Counter)  # chat_id -> new messages

    @property
    def too_many_requests(self) -> int:
        return self.by_status[429]

    @property
    def delivered_total(self) -> int:
        return self.delivered.total()


@dataclass(frozen=True)
class ScriptedFailure:
    """What the next matching call gets: an error, a delay before answering, or both."""

    status: int | None  # None: answer normally after the delay
    retry_after: int | None
    delay: float
    chat_id: int | str | None
    method: str | None
    description: str | None

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        return (self.method is None or self.method.lower() == method.lower()) and (
            self.chat_id is None or self.chat_id == chat_id
        )

    def error(self) -> ApiError:
        assert self.status is not None
        if self.status == HTTPStatus.TOO_MANY_REQUESTS:
            return too_many_requests(self.retry_after or 1)
        description = self.description or HTTPStatus(self.status).phrase
        return ApiError(self.status, description, injected=True)


# --- flood control --------------------------------------------------------------------------


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's sending limits; pass FakeTelegram(flood=FloodLimits()) to enforce them."""

    per_second: float = 30  # across all chats
    paid_per_second: float = 1000  # messages sent with allow_paid_broadcast
    private_per_second: float = 1
    private_burst: int = 3
    group_per_minute: int = 20


class _Bucket:
    """Token bucket: `capacity` sends at once, refilled at `rate` per second."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate, self.capacity, self.tokens, self.stamp = rate, capacity, capacity, now

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 if one is)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class FloodControl:
    """Admits a message or says how long to wait, per Telegram's global and per-chat limits."""

    def __init__(self, limits: FloodLimits) -> None:
        now = monotonic()
        self.limits = limits
        self._global = _Bucket(limits.per_second, limits.per_second, now)
        self._paid = _Bucket(limits.paid_per_second, limits.paid_per_second, now)
        self._chats: dict[int, _Bucket] = {}

    def admit(self, chat_id: int, chat_type: str, *, paid: bool) -> int | None:
        """Take a slot for one message, or return retry_after in whole seconds (at least 1)."""
        now = monotonic()
        buckets = (self._paid if paid else self._global, self._chat_bucket(chat_id, chat_type, now))
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        return None

    def _chat_bucket(self, chat_id: int, chat_type: str, now: float) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            limits = self.limits
            if chat_type == "private":
                bucket = _Bucket(limits.private_per_second, limits.private_burst, now)
            else:
                bucket = _Bucket(limits.group_per_minute / 60, limits.group_per_minute, now)
            self._chats[chat_id] = bucket
        return bucket


# --- chats and updates ----------------------------------------------------------------------


@dataclass(eq=False)
class Chat:
    """A chat the fake knows, with the messages in it."""

    id: int
    type: str  # private, group, supergroup, channel
    title: str | None = None
    user: JSON | None = None  # the user of a private chat
    username: str | None = None
    privacy: bool = True  # groups: the bot sees only commands and replies to itself
    members: dict[int, str] = field(default_factory=dict)  # user_id -> status
    forbidden: str | None = None  # the 403 description when the bot may not write here
    messages: dict[int, JSON] = field(default_factory=dict)
    last_message_id: int = 0
    info: JSON = field(init=False)

    def __post_init__(self) -> None:
        info: JSON = {"id": self.id, "type": self.type}
        if self.user is not None:
            info.update((k, self.user[k]) for k in ("first_name", "last_name") if k in self.user)
        if self.title is not None:
            info["title"] = self.title
        if self.username is not None:
            info["username"] = self.username
        self.info = info

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def add_message(self, fields: JSON) -> JSON:
        """Store a new message with the next id of this chat."""
        self.last_message_id += 1
        message = {
            "message_id": self.last_message_id,
            "date": int(unix_time()),
            "chat": self.info,
            **fields,
        }
        self.messages[self.last_message_id] = message
        return message

    def replace_message(self, message: JSON, **changes: Any) -> JSON:
        """Store an edited copy of `message`; a change to None removes that field."""
        edited = {k: v for k, v in message.items() if k not in changes}
        edited.update((k, v) for k, v in changes.items() if v is not None)
        self.messages[message["message_id"]] = edited
        return edited


def _quoted(message: JSON) -> JSON:
    """A message as it appears in reply_to_message (Telegram does not nest further)."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


class UpdateQueue:
    """Pending updates and getUpdates long polling with Telegram's offset semantics."""

    def __init__(self) -> None:
        self._pending: deque[JSON] = deque()
        self._next_id = 1
        self._allowed: frozenset[str] | None = None  # None: Telegram's default set
        self._poller = 0
        self._wakeup = asyncio.Event()
        self._closed = False

    def __len__(self) -> int:
        return len(self._pending)

    def push(self, kind: str, payload: JSON) -> None:
        """Queue an update; types excluded by allowed_updates are dropped like Telegram does."""
        if self._allows(kind):
            self._pending.append({"update_id": self._next_id, kind: payload})
            self._next_id += 1
            self._wake()

    def clear(self) -> None:
        self._pending.clear()

    async def take(self) -> JSON:
        """Wait for the next update and confirm it, as Telegram does when sending a webhook."""
        while not self._pending:
            wakeup = self._wakeup
            await wakeup.wait()
        return self._pending.popleft()

    def close(self) -> None:
        """Make waiting polls return now."""
        self._closed = True
        self._wake()

    async def poll(
        self, *, offset: int, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[JSON]:
        """Confirm updates below `offset`, then wait up to `timeout` s for at least one."""
        if allowed is not None:
            self._allowed = frozenset(allowed) or None
            self._pending = deque(u for u in self._pending if self._allows(_update_kind(u)))
        self._confirm(offset)
        self._poller += 1
        me = self._poller
        self._wake()  # an earlier poll still waiting now answers 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if me != self._poller:
                raise ApiError(409, GETUPDATES_CONFLICT)
            remaining = deadline - loop.time()
            if self._pending or remaining <= 0 or self._closed:
                return list(itertools.islice(self._pending, limit))
            wakeup = self._wakeup
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), remaining)

    def _allows(self, kind: str) -> bool:
        return kind not in OPT_IN_UPDATES if self._allowed is None else kind in self._allowed

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
        while offset > 0 and self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()


def _update_kind(update: JSON) -> str:
    return next(key for key in update if key != "update_id")


class WebhookAttempt(NamedTuple):
    """One POST of an update: the HTTP status answered, or the name of the error."""

    update_id: int
    url: str
    result: int | str

    @property
    def ok(self) -> bool:
        return isinstance(self.result, int) and 200 <= self.result < 300


class WebhookSender:
    """Telegram's webhook side: POST each queued update to `urls` round-robin until a 2xx."""

    def __init__(
        self,
        updates: UpdateQueue,
        urls: list[str],
        secret: str,
        *,
        duplicates: float,
        max_connections: int,
        retry_delay: float,
        timeout: float,
        seed: int,
        attempts: list[WebhookAttempt],
        notify: Callable[[], None],
    ) -> None:
        self.updates = updates
        self.urls = list(urls)
        self.secret = secret
        self.duplicates = duplicates
        self.max_connections = max_connections
        self.retry_delay = retry_delay
        self.timeout = timeout
        self.attempts = attempts
        self._notify = notify
        self._random = random.Random(seed)
        self._next_urls = itertools.cycle(self.urls)
        self._slots = asyncio.Semaphore(max_connections)
        self._sending: set[asyncio.Task[None]] = set()

    @property
    def busy(self) -> bool:
        """Some update (or its duplicate) is not delivered yet."""
        return bool(self._sending)

    async def run(self) -> None:
        """Send updates as they are queued, until cancelled."""
        async with ClientSession(timeout=ClientTimeout(total=self.timeout)) as session:
            try:
                while True:
                    update = await self.updates.take()
                    twice = self._random.random() < self.duplicates
                    name = f"webhook update {update['update_id']}"
                    task = asyncio.create_task(self._deliver(session, update, twice), name=name)
                    self._sending.add(task)
                    task.add_done_callback(self._done)
            finally:
                for task in self._sending:
                    task.cancel()
                await asyncio.gather(*self._sending, return_exceptions=True)

    async def _deliver(self, session: ClientSession, update: JSON, twice: bool) -> None:
        url = await self._send(session, update, avoid=None)
        if twice:
            await self._send(session, update, avoid=url)

    async def _send(self, session: ClientSession, update: JSON, avoid: str | None) -> str:
        """POST `update` until a worker takes it, each retry to the next url; that worker's url."""
        while True:
            url = next(self._next_urls)
            if url == avoid and len(self.urls) > 1:
                url = next(self._next_urls)
            async with self._slots:
                result = await self._post(session, url, update)
            attempt = WebhookAttempt(update["update_id"], url, result)
            self.attempts.append(attempt)
            if attempt.ok:
                return url
            avoid = url
            await asyncio.sleep(self.retry_delay)

    async def _post(self, session: ClientSession, url: str, update: JSON) -> int | str:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret}
        try:
            async with session.post(url, json=update, headers=headers) as response:
                await response.read()
                return response.status
        except (ClientError, TimeoutError) as error:
            return type(error).__name__

    def _done(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._notify()


# --- requests -------------------------------------------------------------------------------


def _chat_key(raw: Any) -> int | str | None:
    """A chat_id parameter as an int when it is one ("@channel" stays a string)."""
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return str(raw)


class Params:
    """Request parameters as Telegram reads them: query string, JSON body or form fields."""

    def __init__(
        self, values: JSON, files: dict[str, bytes], file_names: dict[str, str] | None = None
    ) -> None:
        self.values = values
        self.files = files
        self.file_names = file_names or {}

    @classmethod
    async def read(cls, request: web.Request) -> Params:
        values: JSON = dict(request.query)
        files: dict[str, bytes] = {}
        file_names: dict[str, str] = {}
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON encoded request body") from None
            if isinstance(body, dict):
                values.update(body)
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[key] = value.file.read()
                    file_names[key] = value.filename
                else:
                    values[key] = value
        return cls(values, files, file_names)

    def chat_key(self) -> int | str | None:
        return _chat_key(self.values.get("chat_id"))

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str) -> Any:
        """A JSON-serialized parameter (form fields carry JSON text, JSON bodies the value)."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None


Handler = Callable[[Params], Awaitable[Any]]


# --- the server -----------------------------------------------------------------------------


class FakeTelegram:
    """The fake Bot API server plus the test-side API: users, failures, inspection."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_username: str = "FakeTutorBot",
        bot_name: str = "Tutor",
        strict: bool = True,
        strict_ampersand: bool = True,
        flood: FloodLimits | None = None,
    ) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.strict = strict
        self.strict_ampersand = strict_ampersand
        self.flood = FloodControl(flood) if flood else None
        self.root = ""
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, JSON] = {}
        self.sent: list[SentCall] = []
        self.rejected: list[Rejection] = []
        self.stats = Stats()
        self.updates = UpdateQueue()
        self.webhook_url = ""
        self.webhook_deliveries: list[WebhookAttempt] = []
        self._webhooks: WebhookSender | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._delivered: defaultdict[int, list[SentCall]] = defaultdict(list)
        self._removed: set[int] = set()
        self._failures: list[ScriptedFailure] = []
        self._callback_queries: dict[str, int] = {}  # query id -> chat id
        self._inline_queries: dict[str, JSON] = {}  # query id -> the InlineQuery
        self.inline_answers: dict[str, list[JSON]] = {}  # query id -> results the bot offered
        self._files: dict[str, int | None] = {}  # file_id -> size
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "logOut": self._ok,
            "close": self._ok,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "answerInlineQuery": self._answer_inline_query,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
        }
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}

    # --- lifecycle

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port; the URL root is then in `self.root`."""
        app = web.Application(client_max_size=50 * 2**20)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024).start()
        host, port = self._runner.addresses[0][:2]
        self.root = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Stop serving; with `strict`, raise AssertionError if anything was rejected."""
        self._closing.set()
        self.updates.close()
        await self.stop_webhooks()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.strict and self.rejected:
            raise AssertionError(self._describe_rejections())

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- webhook delivery

    def deliver_webhooks(
        self,
        urls: list[str],
        secret: str,
        *,
        duplicates: float = 0.0,
        max_connections: int = 40,
        retry_delay: float = 0.2,
        timeout: float = 10.0,
        seed: int = 0,
    ) -> None:
        """POST queued updates to `urls` (workers behind a load balancer) until `stop()`.

        Each update goes to the next url with the secret header, up to `max_connections` at
        once; an error, a timeout or a non-2xx answer sends it again after `retry_delay` to
        the next url. A `duplicates` fraction of updates is delivered a second time, to
        another url. getUpdates answers 409 meanwhile; the bot's setWebhook changes nothing.
        """
        if self._webhooks is not None:
            raise RuntimeError("webhook delivery is already running")
        self._webhooks = WebhookSender(
            self.updates,
            urls,
            secret,
            duplicates=duplicates,
            max_connections=max_connections,
            retry_delay=retry_delay,
            timeout=timeout,
            seed=seed,
            attempts=self.webhook_deliveries,
            notify=self._notify,
        )
        self._webhook_task = asyncio.create_task(self._webhooks.run(), name="webhook delivery")

    async def stop_webhooks(self) -> None:
        """Stop webhook delivery, abandoning updates not delivered yet."""
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        self._webhooks = self._webhook_task = None

    async def webhooks_idle(self, timeout: float = 5.0) -> None:
        """Wait until every queued update (and duplicate) was delivered with a 2xx."""
        sender = self._webhooks
        if sender is None:
            raise RuntimeError("webhook delivery is not running")
        await self._wait(
            lambda: not self.updates and not sender.busy, timeout, "webhook delivery", None
        )

    # --- the world: users and chats

    def add_user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """Register (or replace) a user; chats and actions refer to users by id."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name or f"User{user_id}"}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user.update((key, value) for key, value in optional.items() if value is not None)
        self.users[user_id] = user
        return user

    def add_private_chat(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> Chat:
        """A user who has started the bot: the bot may write to `user_id`."""
        user = self.add_user(
            user_id, first_name, last_name=last_name, username=username, language_code=language_code
        )
        return self._add_chat(Chat(user_id, "private", user=user, username=username))

    def add_group(
        self,
        chat_id: int,
        title: str = "Study group",
        *,
        admins: Iterable[int] = (),
        members: Iterable[int] = (),
        creator: int | None = None,
        supergroup: bool = True,
        privacy: bool = True,
        bot_is_admin: bool = False,
    ) -> Chat:
        """A group the bot is in; with `privacy` it sees only commands and replies to itself."""
        if chat_id >= 0:
            raise ValueError(f"group ids are negative in Telegram, got {chat_id}")
        chat = Chat(chat_id, "supergroup" if supergroup else "group", title=title, privacy=privacy)
        for status, user_ids in (("member", members), ("administrator", admins)):
            for user_id in user_ids:
                chat.members[user_id] = status
        if creator is not None:
            chat.members[creator] = "creator"
        for user_id in chat.members:
            self._user(user_id)
        chat.members[self.bot_user["id"]] = "administrator" if bot_is_admin else "member"
        return self._add_chat(chat)

    def add_channel(
        self, chat_id: int, title: str = "Channel", *, username: str | None = None
    ) -> Chat:
        """A channel where the bot is an administrator."""
        chat = Chat(chat_id, "channel", title=title, username=username, privacy=False)
        chat.members[self.bot_user["id"]] = "administrator"
        return self._add_chat(chat)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Make getChatMember answer `status` (creator, administrator, member, left, kicked)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}")
        self._user(user_id)
        self.chats[chat_id].members[user_id] = status

    def block(self, chat_id: int) -> None:
        """The user blocks the bot (a group or channel removes it): sends then get 403."""
        chat = self.chats[chat_id]
        chat.forbidden = _FORBIDDEN_BY_CHAT_TYPE[chat.type]
        self._push_my_chat_member(chat, "member", "kicked")

    def unblock(self, chat_id: int) -> None:
        chat = self.chats[chat_id]
        chat.forbidden = None
        self._push_my_chat_member(chat, "kicked", "member")

    def deactivate(self, user_id: int) -> None:
        """The user deleted their account: sends get 403 "user is deactivated"."""
        self.chats[user_id].forbidden = "Forbidden: user is deactivated"

    def remove_chat(self, chat_id: int) -> None:
        """The chat no longer exists: sends get 400 "chat not found" (not a bot mistake)."""
        del self.chats[chat_id]
        self._removed.add(chat_id)

    # --- what users do

    def user_sends(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """A user sends text (commands get bot_command entities); returns the Message."""
        fields: JSON = {"text": text}
        entities = command_entities(text)
        if entities:
            fields["entities"] = entities
        return self._user_message(user_id, chat_id, fields, reply_to_message_id)

    def user_sends_sticker(
        self, user_id: int, emoji: str = "👍", *, chat_id: int | None = None
    ) -> JSON:
        sticker = {
            **self._new_file("sticker", 12_000),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message(user_id, chat_id, {"sticker": sticker}, None)

    def user_sends_photo(
        self, user_id: int, caption: str | None = None, *, chat_id: int | None = None
    ) -> JSON:
        fields: JSON = {"photo": [{**self._new_file("photo", 50_000), "width": 800, "height": 600}]}
        if caption:
            fields["caption"] = caption
        return self._user_message(user_id, chat_id, fields, None)

    def user_sends_voice(
        self, user_id: int, duration: int = 3, *, chat_id: int | None = None
    ) -> JSON:
        voice = {**self._new_file("voice", 4_000 * duration), "duration": duration}
        voice["mime_type"] = "audio/ogg"
        return self._user_message(user_id, chat_id, {"voice": voice}, None)

    def user_sends_document(
        self,
        user_id: int,
        file_name: str = "answer.txt",
        *,
        mime_type: str = "text/plain",
        chat_id: int | None = None,
    ) -> JSON:
        document = {**self._new_file("document", 1_000), "file_name": file_name}
        document["mime_type"] = mime_type
        return self._user_message(user_id, chat_id, {"document": document}, None)

    def user_edits(self, message: JSON, new_text: str) -> JSON:
        """The author edits their message (an edited_message / edited_channel_post update)."""
        chat = self.chats[message["chat"]["id"]]
        current = chat.messages[message["message_id"]]
        edited = chat.replace_message(
            current,
            text=new_text,
            entities=command_entities(new_text) or None,
            edit_date=int(unix_time()),
        )
        kind = "edited_channel_post" if chat.type == "channel" else "edited_message"
        if self._bot_sees(chat, edited):
            self.updates.push(kind, edited)
        return edited

    def channel_post(self, chat_id: int, text: str) -> JSON:
        """A post appears in a channel (a channel_post update)."""
        chat = self.chats[chat_id]
        if chat.type != "channel":
            raise ValueError(f"chat {chat_id} is a {chat.type}, not a channel")
        message = chat.add_message({"sender_chat": chat.info, "text": text})
        self.updates.push("channel_post", message)
        return message

    def user_presses(
        self, user_id: int, message: SentCall | int, data: str, *, forged: bool = False
    ) -> JSON:
        """A user presses an inline button of a message the bot sent (a callback_query update).

        `message` is the SentCall, or a message id in the user's private chat. The button
        must exist unless `forged` (a modified client sending any data, even for a message
        that does not exist). Returns the CallbackQuery."""
        user = self._user(user_id)
        if isinstance(message, SentCall):
            chat_id, message_id = message.chat_id, message.message_id
        else:
            chat_id, message_id = user_id, message
        chat = self.chats[chat_id]
        shown = chat.messages.get(message_id)
        if not forged:
            buttons = inline_buttons(shown.get("reply_markup")) if shown else []
            if not any(button.get("callback_data") == data for button in buttons):
                raise ValueError(
                    f"message {message_id} in chat {chat_id} has no button with callback_data "
                    f"{data!r}; its buttons: {buttons}"
                )
        if shown is None:  # Telegram's InaccessibleMessage
            shown = {"chat": chat.info, "message_id": message_id, "date": 0}
        query_id = str(next(self._ids))
        self._callback_queries[query_id] = chat.id
        query = {
            "id": query_id,
            "from": user,
            "chat_instance": str(chat.id),
            "data": data,
            "message": shown,
        }
        self.updates.push("callback_query", query)
        return query

    def user_inline_query(self, user_id: int, query: str, *, chat_type: str = "private") -> JSON:
        """A user types `@bot query` in some chat (an inline_query update); returns it."""
        query_id = str(next(self._ids))
        inline = {
            "id": query_id,
            "from": self._user(user_id),
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
        self._inline_queries[query_id] = inline
        self.updates.push("inline_query", inline)
        return inline

    async def wait_for_inline_answer(self, query_id: str, timeout: float = 5.0) -> list[JSON]:
        """The results the bot offered for an inline query, once it has answered."""
        await self._wait(
            lambda: query_id in self.inline_answers,
            timeout,
            f"answer to inline query {query_id}",
            None,
        )
        return self.inline_answers[query_id]

    def user_chooses_inline_result(
        self, user_id: int, query_id: str, result_id: str, *, chat_id: int
    ) -> SentCall:
        """The user picks one offered result: their client posts it in `chat_id` as their
        message "via" the bot (the bot receives no update unless it replies to it). Returns the
        posted message as a record, also listed in `messages_to(chat_id)`."""
        result = next(r for r in self.inline_answers[query_id] if r["id"] == result_id)
        content = result["input_message_content"]
        text = format_text(
            content["message_text"],
            content.get("parse_mode"),
            strict_ampersand=self.strict_ampersand,
        )
        chat = self._user_chat(user_id, chat_id)
        fields: JSON = {"from": self._user(user_id), "via_bot": self.bot_user, "text": text.text}
        if text.entities:
            fields["entities"] = text.entities
        markup = result.get("reply_markup")
        if markup:
            fields["reply_markup"] = markup
        message = chat.add_message(fields)
        call = SentCall(
            method="inlineResult",
            chat_id=chat.id,
            message_id=message["message_id"],
            text=content["message_text"],
            parse_mode=content.get("parse_mode"),
            plain_text=text.text,
            entities=text.entities,
            reply_markup=markup,
            params=result,
        )
        self._delivered[chat.id].append(call)
        self._record(call)
        return call

    # --- failures

    def fail_next(
        self,
        count: int = 1,
        *,
        chat_id: int | str | None = None,
        method: str | None = None,
        status: int | None = 500,
        retry_after: int = 1,
        delay: float = 0.0,
        description: str | None = None,
    ) -> None:
        """Script the next `count` calls to `chat_id` and/or of `method`.

        They get HTTP `status` (429 carries `retry_after`; 502 is nginx's HTML page), after
        sleeping `delay` seconds. `status=None` only delays, then answers normally: a client
        that timed out meanwhile still has its message delivered, as with real Telegram."""
        if chat_id is None and method is None:
            raise ValueError("fail_next needs chat_id or method")
        failure = ScriptedFailure(
            status, retry_after if status == 429 else None, delay, chat_id, method, description
        )
        self._failures.extend([failure] * count)

    # --- inspection

    def messages_to(self, chat_id: int) -> list[SentCall]:
        """The messages delivered to a chat (sendMessage, sendPhoto), oldest first."""
        return list(self._delivered.get(chat_id, ()))

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """A message as it is now (after edits), None if deleted or never sent."""
        chat = self.chats.get(chat_id)
        return chat.messages.get(message_id) if chat else None

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        """The command list set with setMyCommands for a scope (default) and language."""
        return list(self._commands.get(_commands_key(scope, language_code), []))

    def duplicates(self) -> int:
        """Messages that repeat a text the same chat already received."""
        seen = Counter(
            (call.chat_id, call.text) for calls in self._delivered.values() for call in calls
        )
        return sum(count - 1 for count in seen.values())

    async def wait_for_messages(
        self, chat_id: int, count: int, *, timeout: float = 5.0, since: int = 0
    ) -> list[SentCall]:
        """Wait until a chat has `count` messages after the first `since`; return all of them."""

        def ready() -> bool:
            return len(self._delivered.get(chat_id, ())) >= since + count

        await self._wait(ready, timeout, f"{count} message(s) to chat {chat_id}", chat_id)
        return self.messages_to(chat_id)[since:]

    async def wait_for_calls(
        self, method: str, count: int = 1, *, chat_id: int | None = None, timeout: float = 5.0
    ) -> list[SentCall]:
        """Wait until the bot made `count` successful calls of `method` (to `chat_id`)."""

        def matching() -> list[SentCall]:
            return [
                call
                for call in self.sent
                if call.method == method and (chat_id is None or call.chat_id == chat_id)
            ]

        await self._wait(lambda: len(matching()) >= count, timeout, f"{count} {method}", chat_id)
        return matching()

    # --- HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        token = request.match_info["token"]
        if token != self.token:
            if _WELL_FORMED_TOKEN.fullmatch(token):
                return self._answer(method, ApiError(401, "Unauthorized"))
            return self._answer(method, ApiError(404, "Not Found"))
        entry = self._methods.get(method.lower())
        if entry is None:
            return self._answer(method, ApiError(404, "Not Found"))
        name, handler = entry
        params = Params({}, {})
        try:
            params = await Params.read(request)
            await self._scripted_failure(name, params)
            result = await handler(params)
        except ApiError as error:
            if error.status == HTTPStatus.BAD_REQUEST and not error.injected:
                rejection = Rejection(name, params.chat_key(), error.description, params.values)
                self.rejected.append(rejection)
                self._notify()
            return self._answer(name, error)
        return self._answer(name, _json_response({"ok": True, "result": result}))

    def _answer(self, method: str, answer: web.Response | ApiError) -> web.Response:
        response = answer.response() if isinstance(answer, ApiError) else answer
        self.stats.requests += 1
        self.stats.by_method[method] += 1
        self.stats.by_status[response.status] += 1
        return response

    async def _scripted_failure(self, method: str, params: Params) -> None:
        if not self._failures:
            return
        chat_id = params.chat_key()
        for index, failure in enumerate(self._failures):
            if failure.matches(method, chat_id):
                del self._failures[index]
                if failure.delay:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._closing.wait(), failure.delay)
                if failure.status is not None:
                    raise failure.error()
                return

    # --- Bot API methods

    async def _ok(self, p: Params) -> bool:
        return True

    async def _get_me(self, p: Params) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, p: Params) -> list[JSON]:
        if self.webhook_url or self._webhooks is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        allowed = p.json("allowed_updates")
        return await self.updates.poll(
            offset=p.integer("offset") or 0,
            limit=min(max(p.integer("limit") or 100, 1), 100),
            timeout=max(p.number("timeout") or 0.0, 0.0),
            allowed=allowed if isinstance(allowed, list) else None,
        )

    async def _set_webhook(self, p: Params) -> bool:
        self.webhook_url = p.string("url") or ""
        if p.flag("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _delete_webhook(self, p: Params) -> bool:
        self.webhook_url = ""
        if p.flag("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _get_webhook_info(self, p: Params) -> JSON:
        pending = len(self.updates)
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }

    async def _set_my_commands(self, p: Params) -> bool:
        commands = p.json("commands")
        if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not _BOT_COMMAND.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _commands_key(p.json("scope"), p.string("language_code") or "")
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, p: Params) -> list[JSON]:
        return self.commands(p.string("language_code") or "", p.json("scope"))

    async def _delete_my_commands(self, p: Params) -> bool:
        self._commands.pop(_commands_key(p.json("scope"), p.string("language_code") or ""), None)
        return True

    async def _send_message(self, p: Params) -> JSON:
        chat = self._writable_chat(p)
        text = self._message_text(p)
        markup = check_reply_markup(p.values.get("reply_markup"))
        reply_to = self._reply_target(chat, p)
        self._admit(chat, p)
        fields: JSON = {"from": self.bot_user, "text": text.text}
        if text.entities:
            fields["entities"] = text.entities
        return self._deliver("sendMessage", chat, p, fields, text, markup, reply_to)

    async def _send_photo(self, p: Params) -> JSON:
        chat = self._writable_chat(p)
        file_id, size = self._photo_upload(p)
        caption = self._formatted(p, "caption", "caption_entities")
        if caption.length > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        markup = check_reply_markup(p.values.get("reply_markup"))
        reply_to = self._reply_target(chat, p)
        self._admit(chat, p)
        photo = {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 800, "height": 600}
        if size is not None:
            photo["file_size"] = size
        fields: JSON = {"from": self.bot_user, "photo": [photo]}
        if caption.text:
            fields["caption"] = caption.text
        if caption.entities:
            fields["caption_entities"] = caption.entities
        return self._deliver(
            "sendPhoto", chat, p, fields, caption, markup, reply_to, photo_bytes=size
        )

    async def _send_document(self, p: Params) -> JSON:
        chat = self._writable_chat(p)
        document = p.values.get("document")
        key = document.removeprefix("attach://") if isinstance(document, str) else "document"
        data = p.files.get(key)
        if data is None and document:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if data is None:
            raise bad_request("there is no document in the request")
        if not data:
            raise bad_request("file must be non-empty")
        caption = self._formatted(p, "caption", "caption_entities")
        if caption.length > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        markup = check_reply_markup(p.values.get("reply_markup"))
        reply_to = self._reply_target(chat, p)
        self._admit(chat, p)
        name = p.file_names.get(key) or "document"
        file = self._new_file("document", len(data))
        fields: JSON = {"from": self.bot_user, "document": {**file, "file_name": name}}
        if caption.text:
            fields["caption"] = caption.text
        message = self._deliver("sendDocument", chat, p, fields, caption, markup, reply_to)
        call = self._delivered[chat.id][-1]
        call.document, call.file_name = data, name
        return message

    async def _answer_inline_query(self, p: Params) -> bool:
        query_id = p.string("inline_query_id") or ""
        if query_id not in self._inline_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        results = p.json("results")
        if not isinstance(results, list) or len(results) > 50:
            raise bad_request("can't parse inline query results")
        ids = [r.get("id") for r in results]
        if len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_DUPLICATE")
        for result in results:
            if len(str(result.get("id", "")).encode()) > 64:
                raise bad_request("RESULT_ID_INVALID")
            content = result.get("input_message_content") or {}
            text = format_text(
                content.get("message_text", ""),
                content.get("parse_mode"),
                strict_ampersand=self.strict_ampersand,
            )
            if not text.text or text.length > MAX_TEXT_LENGTH:
                raise bad_request("MESSAGE_EMPTY" if not text.text else "MESSAGE_TOO_LONG")
            if result.get("reply_markup") is not None:
                check_reply_markup(result["reply_markup"], inline_only=True)
        self._inline_queries.pop(query_id)
        self.inline_answers[query_id] = results
        self._record(SentCall(method="answerInlineQuery", chat_id=None, params=p.values))
        return True

    async def _edit_message_text(self, p: Params) -> JSON:
        chat, message = self._editable_message(p)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text = self._message_text(p)
        markup = check_reply_markup(p.values.get("reply_markup"), inline_only=True)
        unchanged = (
            text.text == message["text"]
            and text.entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        )
        if unchanged:
            raise bad_request(NOT_MODIFIED)
        edited = chat.replace_message(
            message,
            text=text.text,
            entities=text.entities or None,
            reply_markup=markup,
            edit_date=int(unix_time()),
        )
        self._record(self._call("editMessageText", p, chat, edited, text, markup))
        return edited

    async def _edit_message_reply_markup(self, p: Params) -> JSON:
        chat, message = self._editable_message(p)
        markup = check_reply_markup(p.values.get("reply_markup"), inline_only=True)
        if markup == message.get("reply_markup"):
            raise bad_request(NOT_MODIFIED)
        edited = chat.replace_message(message, reply_markup=markup, edit_date=int(unix_time()))
        self._record(self._call("editMessageReplyMarkup", p, chat, edited, None, markup))
        return edited

    async def _delete_message(self, p: Params) -> bool:
        chat = self._writable_chat(p)
        message_id = p.integer("message_id")
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None:
            raise bad_request("message to delete not found")
        from_bot = message.get("from", {}).get("id") == self.bot_user["id"]
        bot_status = chat.members.get(self.bot_user["id"])
        if (
            chat.type != "private"
            and not from_bot
            and bot_status not in ("administrator", "creator")
        ):
            raise bad_request("message can't be deleted")
        del chat.messages[message_id]
        self._record(
            SentCall(
                method="deleteMessage", chat_id=chat.id, message_id=message_id, params=p.values
            )
        )
        return True

    async def _answer_callback_query(self, p: Params) -> bool:
        query_id = p.string("callback_query_id") or ""
        if query_id not in self._callback_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = p.string("text")
        if text and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        chat_id = self._callback_queries.pop(query_id)
        self._record(
            SentCall(method="answerCallbackQuery", chat_id=chat_id, text=text, params=p.values)
        )
        return True

    async def _send_chat_action(self, p: Params) -> bool:
        chat = self._writable_chat(p)
        if p.string("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._record(SentCall(method="sendChatAction", chat_id=chat.id, params=p.values))
        return True

    async def _get_chat(self, p: Params) -> JSON:
        chat = self._known_chat(p)
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"), False
        )
        gifts["gifts_from_channels"] = False
        return {
            **chat.info,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    async def _get_chat_member(self, p: Params) -> JSON:
        chat = self._known_chat(p)
        user_id = p.integer("user_id")
        if user_id == self.bot_user["id"]:
            return chat_member_json(chat.members.get(user_id, "member"), self.bot_user)
        user = self.users.get(user_id) if user_id is not None else None
        if user is None:
            raise bad_request("user not found")
        if chat.type == "private":
            status = "member" if user_id == chat.id else "left"
        else:
            status = chat.members.get(user_id, "left")
        return chat_member_json(status, user)

    # --- helpers of the methods

    def _known_chat(self, p: Params) -> Chat:
        raw = p.values.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        key = _chat_key(raw)
        if isinstance(key, int):
            chat = self.chats.get(key)
        else:
            name = str(key).removeprefix("@").lower()
            chat = next(
                (c for c in self.chats.values() if (c.username or "").lower() == name), None
            )
        if chat is not None:
            return chat
        if key in self._removed:
            raise bad_request("chat not found", injected=True)
        if key in self.users:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        raise bad_request("chat not found")

    def _writable_chat(self, p: Params) -> Chat:
        chat = self._known_chat(p)
        if chat.forbidden:
            raise ApiError(403, chat.forbidden)
        return chat

    def _editable_message(self, p: Params) -> tuple[Chat, JSON]:
        if p.values.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._writable_chat(p)
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return chat, message

    def _formatted(self, p: Params, name: str, entities_name: str) -> FormattedText:
        """A text or caption parameter with its parse_mode, or with explicit entities."""
        source = p.string(name) or ""
        entities = p.json(entities_name)
        if not p.string("parse_mode") and isinstance(entities, list):
            return FormattedText(source, entities).stripped()
        return format_text(source, p.string("parse_mode"), strict_ampersand=self.strict_ampersand)

    def _message_text(self, p: Params) -> FormattedText:
        text = self._formatted(p, "text", "entities")
        if not text.text:
            raise bad_request("message text is empty")
        if text.length > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        return text

    def _reply_target(self, chat: Chat, p: Params) -> JSON | None:
        reply = p.json("reply_parameters")
        reply = reply if isinstance(reply, dict) else {}
        message_id = reply.get("message_id", p.integer("reply_to_message_id"))
        if message_id is None:
            return None
        target = chat.messages.get(int(message_id))
        if target is not None:
            return _quoted(target)
        if reply.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    def _photo_upload(self, p: Params) -> tuple[str, int | None]:
        photo = p.values.get("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            data = p.files.get(photo.removeprefix("attach://"))
        else:
            data = p.files.get("photo")
        if data is not None:
            if not data:
                raise bad_request("file must be non-empty")
            file = self._new_file("photo", len(data))
            return file["file_id"], len(data)
        if not photo:
            raise bad_request("there is no photo in the request")
        if photo in self._files or str(photo).startswith(("http://", "https://")):
            return str(photo), self._files.get(photo)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _admit(self, chat: Chat, p: Params) -> None:
        if self.flood is None:
            return
        retry_after = self.flood.admit(chat.id, chat.type, paid=p.flag("allow_paid_broadcast"))
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def _deliver(
        self,
        method: str,
        chat: Chat,
        p: Params,
        fields: JSON,
        text: FormattedText,
        markup: JSON | None,
        reply_to: JSON | None,
        *,
        photo_bytes: int | None = None,
    ) -> JSON:
        if reply_to is not None:
            fields["reply_to_message"] = reply_to
        if markup and "inline_keyboard" in markup:
            fields["reply_markup"] = markup
        message = chat.add_message(fields)
        call = self._call(method, p, chat, message, text, markup, photo_bytes=photo_bytes)
        self._delivered[chat.id].append(call)
        self.stats.delivered[chat.id] += 1
        self._record(call)
        return message

    def _call(
        self,
        method: str,
        p: Params,
        chat: Chat,
        message: JSON,
        text: FormattedText | None,
        markup: JSON | None,
        *,
        photo_bytes: int | None = None,
    ) -> SentCall:
        replied = message.get("reply_to_message")
        return SentCall(
            method=method,
            chat_id=chat.id,
            message_id=message["message_id"],
            text=p.string("caption" if method in ("sendPhoto", "sendDocument") else "text"),
            parse_mode=p.string("parse_mode"),
            plain_text=text.text if text else None,
            entities=text.entities if text else [],
            reply_markup=markup,
            reply_to_message_id=replied["message_id"] if replied else None,
            photo_bytes=photo_bytes,
            params=p.values,
        )

    def _record(self, call: SentCall) -> None:
        self.sent.append(call)
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _add_chat(self, chat: Chat) -> Chat:
        self.chats[chat.id] = chat
        self._removed.discard(chat.id)
        return chat

    def _user(self, user_id: int) -> JSON:
        return self.users.get(user_id) or self.add_user(user_id)

    def _new_file(self, kind: str, size: int) -> JSON:
        number = next(self._ids)
        file_id = f"fake-{kind}-{number}"
        self._files[file_id] = size
        return {"file_id": file_id, "file_unique_id": f"u{number}", "file_size": size}

    def _user_chat(self, user_id: int, chat_id: int | None) -> Chat:
        if chat_id is None:
            return self.chats.get(user_id) or self.add_private_chat(user_id)
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ValueError(f"unknown chat {chat_id}: add_group/add_private_chat first")
        if chat.is_group:
            chat.members.setdefault(user_id, "member")
        return chat

    def _user_message(
        self, user_id: int, chat_id: int | None, fields: JSON, reply_to_message_id: int | None
    ) -> JSON:
        chat = self._user_chat(user_id, chat_id)
        user = self._user(user_id)
        if reply_to_message_id is not None:
            fields["reply_to_message"] = _quoted(chat.messages[reply_to_message_id])
        message = chat.add_message({"from": user, **fields})
        if self._bot_sees(chat, message):
            self.updates.push("message", message)
        return message

    def _bot_sees(self, chat: Chat, message: JSON) -> bool:
        """Privacy mode: in groups only commands for this bot and replies to it arrive."""
        if not chat.is_group or not chat.privacy:
            return True
        replied = message.get("reply_to_message") or {}
        if replied.get("from", {}).get("id") == self.bot_user["id"]:
            return True
        username = self.bot_user["username"].lower()
        return any(
            match.group(1) is None or match.group(1).lower() == username
            for match in _COMMAND.finditer(message.get("text", ""))
        )

    def _push_my_chat_member(self, chat: Chat, old: str, new: str) -> None:
        if chat.user is None:
            return
        update = {
            "chat": chat.info,
            "from": chat.user,
            "date": int(unix_time()),
            "old_chat_member": chat_member_json(old, self.bot_user),
            "new_chat_member": chat_member_json(new, self.bot_user),
        }
        self.updates.push("my_chat_member", update)

    async def _wait(
        self, ready: Callable[[], bool], timeout: float, what: str, chat_id: int | None
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not ready():
            if self.strict and self.rejected:
                raise AssertionError(f"while waiting for {what}: {self._describe_rejections()}")
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(self._describe_timeout(what, timeout, chat_id))
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _describe_rejections(self) -> str:
        lines = [f"  {r.method} chat={r.chat_id}: {r.description}" for r in self.rejected]
        return "the bot made requests Telegram rejects:\n" + "\n".join(lines)

    def _describe_timeout(self, what: str, timeout: float, chat_id: int | None) -> str:
        to_chat = [str(call) for call in self.sent if chat_id is None or call.chat_id == chat_id]
        recent = [str(call) for call in self.sent[-5:]]
        return (
            f"timed out after {timeout} s waiting for {what}.\n"
            f"calls to that chat ({len(to_chat)}): {to_chat}\n"
            f"last calls overall: {recent}\n"
            f"rejected: {[r.description for r in self.rejected]}"
        )


def _commands_key(scope: Any, language_code: str) -> tuple[str, str]:
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code


async def say(fake: FakeTelegram, user: int, text: str, count: int = 1, **where) -> list[SentCall]:
    """The user sends `text` (in `chat_id`, when given); the bot's next `count` messages there."""
    chat = where.get("chat_id") or user
    before = len(fake.messages_to(chat))
    fake.user_sends(user, text, **where)
    return await fake.wait_for_messages(chat, count, since=before)
