"""The bodies of error answers, as the OpenAPI document describes them.

The functions answer `{"detail": ...}` (ARCHITECTURE.md); API Gateway, when it answers by itself (its JWT
authorizer, the optional authorizer of the dashboards' reads, its payload limit), answers
`{"message": ...}` and never reaches a function.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    """One failing field of a request: where, what is wrong, and the kind of error."""

    loc: list[str | int] = Field(description='Where: `["body", "metrics", 3, "value"]`, `["query", "tz"]`')
    msg: str
    type: str


class ErrorDetail(BaseModel):
    """A function's error: a sentence, or (for validation errors) the failing fields."""

    detail: str | list[FieldError]


class ValidationErrorDetail(BaseModel):
    """422: each field of the body, query or path that fails its schema."""

    detail: list[FieldError]


class GatewayMessage(BaseModel):
    """API Gateway's own answer (`{"message": "Unauthorized"}`): the function was not called."""

    message: str
