"""The CDS Hooks 2.0 JSON shapes (https://cds-hooks.hl7.org/2.0/) as strict models.

What spinetriage sends (discovery, cards, suggestions, actions, links) forbids unknown
fields, so a card that does not match the specification fails here, not in an EHR. What an
EHR sends (hook requests, feedback) ignores fields it does not know (EHRs add extensions)
but checks every field the service reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SUMMARY_MAX = 139
"""The specification: a summary of "<140 characters"."""
FHIR_ID = r"^[A-Za-z0-9\-\.]{1,64}$"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Coding(_Out):
    system: str | None = None
    code: str
    display: str | None = None


class CardSource(_Out):
    label: str
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None


class Action(_Out):
    type: Literal["create", "update", "delete"]
    description: str
    resource: dict[str, Any] | None = None
    resourceId: str | None = None

    @model_validator(mode="after")
    def _payload(self) -> Action:
        if self.type in ("create", "update") and self.resource is None:
            raise ValueError(f"a {self.type} action needs a resource")
        if self.type == "delete" and not self.resourceId:
            raise ValueError("a delete action needs a resourceId")
        return self


class Suggestion(_Out):
    label: str
    uuid: str | None = None
    isRecommended: bool | None = None
    actions: list[Action] | None = None


class Link(_Out):
    label: str
    url: str
    type: Literal["absolute", "smart"]
    appContext: str | None = None


class Card(_Out):
    uuid: str | None = None
    summary: Annotated[str, Field(min_length=1, max_length=SUMMARY_MAX)]
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: CardSource
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[Coding] | None = None
    links: list[Link] | None = None

    @model_validator(mode="after")
    def _selection(self) -> Card:
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("selectionBehavior is required when a card has suggestions")
        return self


class CdsResponse(_Out):
    cards: list[Card]
    systemActions: list[Action] | None = None


class Service(_Out):
    hook: str
    title: str | None = None
    description: str
    id: str
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None


class Discovery(_Out):
    services: list[Service]


class FhirAuthorization(_In):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None


class HookRequest(_In):
    hook: str
    hookInstance: str
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None


class PatientViewContext(_In):
    userId: str
    patientId: Annotated[str, Field(pattern=FHIR_ID)]
    encounterId: str | None = None


class OrderSignContext(PatientViewContext):
    draftOrders: dict[str, Any]


class OrderSelectContext(OrderSignContext):
    selections: list[str]


class OverrideReason(_In):
    reason: Coding | None = None
    userComment: str | None = None


class AcceptedSuggestion(_In):
    id: str


class FeedbackItem(_In):
    card: Annotated[str, Field(min_length=1, max_length=64)]
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] = []
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: dt.datetime


class Feedback(_In):
    feedback: Annotated[list[FeedbackItem], Field(min_length=1, max_length=100)]
