"""The generic inbound JSON (docs/messaging-channels.md), read strictly: a payload that
does not fit is quarantined with the field and the reason."""

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticError

from frontline.core.errors import ValidationFailed
from frontline.tickets.services import NewAttachment

_Text = Annotated[str, Field(max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Sender(_Strict):
    phone: _Text | None = None
    handle: _Text | None = None
    name: Annotated[str, Field(max_length=200)] = ""


class InboundAttachment(_Strict):
    filename: Annotated[str, Field(min_length=1, max_length=255)]
    content_type: Annotated[str, Field(max_length=255)] = ""
    data_base64: str


class MessagePayload(_Strict):
    type: Literal["message"]
    message_id: Annotated[str, Field(min_length=1, max_length=200)]
    sender: Sender = Field(alias="from")
    text: str = ""
    attachments: list[InboundAttachment] = Field(default_factory=list)
    sent_at: datetime | None = None


class StatusPayload(_Strict):
    type: Literal["status"]
    message_id: Annotated[str | int, Field()]
    status: Literal["delivered", "read", "failed"]
    error: Annotated[str, Field(max_length=2000)] = ""


class CallPayload(_Strict):
    type: Literal["call"]
    call_id: Annotated[str, Field(min_length=1, max_length=200)]
    direction: Literal["inbound", "outbound"]
    caller: _Text | None = Field(default=None, alias="from")
    callee: _Text | None = Field(default=None, alias="to")
    duration_seconds: Annotated[int, Field(ge=0, le=86_400)] = 0
    outcome: Literal["answered", "missed", "voicemail", "busy", "failed"]
    started_at: datetime
    note: Annotated[str, Field(max_length=10_000)] = ""


Payload = Annotated[MessagePayload | StatusPayload | CallPayload, Field(discriminator="type")]
_ADAPTER: TypeAdapter[MessagePayload | StatusPayload | CallPayload] = TypeAdapter(Payload)


def parse(raw: bytes) -> MessagePayload | StatusPayload | CallPayload:
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationFailed("The body is not UTF-8 text.", field="body") from None
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"The body is not JSON: {exc.msg}.", field="body") from None
    if not isinstance(document, dict):
        raise ValidationFailed("The body must be a JSON object.", field="body")
    if b"\\u0000" in raw:  # PostgreSQL keeps no NUL in text
        raise ValidationFailed("The body contains a NUL character.", field="body")
    try:
        return _ADAPTER.validate_python(document)
    except PydanticError as exc:
        error = exc.errors()[0]
        location = [str(part) for part in error["loc"]]
        if location and location[0] in ("message", "status", "call"):
            location = location[1:]  # the member of the union, not a field
        where = ".".join(location) or "type"
        raise ValidationFailed(f"{where}: {error['msg']}", field=where) from None


def sender_of(payload: MessagePayload) -> tuple[str, str]:
    """("phone" | "handle", value) of who wrote."""
    if payload.sender.phone:
        return "phone", payload.sender.phone
    if payload.sender.handle:
        return "handle", payload.sender.handle
    raise ValidationFailed("from needs a phone or a handle.", field="from")


def attachments_of(payload: MessagePayload) -> list[NewAttachment]:
    found = []
    for index, item in enumerate(payload.attachments):
        try:
            content = base64.b64decode(item.data_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                f"The attachment {item.filename!r} is not valid base64.",
                field=f"attachments.{index}.data_base64",
            ) from None
        found.append(
            NewAttachment(filename=item.filename, content=content, content_type=item.content_type)
        )
    return found
