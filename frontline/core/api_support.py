"""What every router shares: ids, strict input, the error shape. Who the caller is lives in
``frontline.accounts.api_auth``: core imports no app."""

from typing import Annotated, Any, Self

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

# Database ids: positive and within a signed 64-bit integer, so no input overflows a query.
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]


# PostgreSQL refuses NUL in text, so no string the API stores or filters on may carry one.
NO_NUL = r"^[^\x00]*$"
NON_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


def _reject_nul(value: Any, path: str) -> None:
    if isinstance(value, str) and "\x00" in value:
        # ``field`` extends the error's location to the very value (frontline/api.py).
        raise PydanticCustomError(
            "nul_character", "{field} contains a NUL character", {"field": path or "value"}
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_nul(key, path)
            _reject_nul(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _reject_nul(item, f"{path}.{index}" if path else str(index))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _reject_nul(getattr(value, name), f"{path}.{name}" if path else name)


class InputSchema(Schema):
    """A request body: a JSON object with only the documented fields, whose types are not
    coerced (``0`` is not ``false``) and whose strings hold no NUL, so a typo or a bad byte
    is a clear 422 rather than silently ignored or a database error."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="after")
    def _no_nul_anywhere(self) -> Self:
        _reject_nul(self, "")
        return self


class ErrorOut(Schema):
    detail: str
    code: str
    field: str | None = None
    errors: list[dict[str, str]] | None = None


ERROR_CODES = (400, 401, 403, 404, 409, 413, 422)


def responses(success: dict[int, Any]) -> dict[int, Any]:
    """Success schemas plus the documented error shape for every error status."""
    return {**success, **dict.fromkeys(ERROR_CODES, ErrorOut)}
