"""Feedback on cards, stored once per item however often the EHR sends it.

An item is identified by the hash of its service, card, outcome, accepted suggestions and
outcome time: the same feedback sent twice (a retry) is stored once, while a later outcome
for the same card (accepted after overridden) is a new item.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spinetriage.cds._shapes import FeedbackItem
from spinetriage.web.db import CdsFeedbackRow, Database, utcnow


def feedback_key(service: str, item: FeedbackItem) -> str:
    identity = [
        service,
        item.card,
        item.outcome,
        sorted(s.id for s in item.acceptedSuggestions),
        item.outcomeTimestamp.isoformat(),
    ]
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()


def store_feedback(database: Database, service: str, items: list[FeedbackItem]) -> tuple[int, int]:
    """Store each new item; return (stored, already stored)."""
    stored = duplicates = 0
    for item in items:
        key = feedback_key(service, item)
        row = CdsFeedbackRow(
            id_hash=key,
            service=service,
            card=item.card,
            outcome=item.outcome,
            accepted_suggestions=[s.id for s in item.acceptedSuggestions],
            override_reason=item.overrideReason.model_dump(exclude_none=True) if item.overrideReason else None,
            outcome_timestamp=_aware(item.outcomeTimestamp),
            received_at=utcnow(),
        )
        with database.sessions() as session:
            if session.get(CdsFeedbackRow, key) is not None:
                duplicates += 1
                continue
            session.add(row)
            try:
                session.commit()
                stored += 1
            except IntegrityError:  # the same item arriving twice at once
                session.rollback()
                duplicates += 1
    return stored, duplicates


def feedback_for_card(database: Database, card: str) -> list[CdsFeedbackRow]:
    with database.reads() as session:
        return list(session.scalars(select(CdsFeedbackRow).where(CdsFeedbackRow.card == card)))


def _aware(moment: dt.datetime) -> dt.datetime:
    """A timestamp without a zone is read as UTC (the specification asks for one)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
