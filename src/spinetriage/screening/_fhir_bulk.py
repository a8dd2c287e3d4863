"""FHIR Bulk Data NDJSON, minimally: a DocumentReference with a plain-text attachment is a note.

A line of a Bulk export whose object has a ``resourceType`` is read here:

* ``DocumentReference``: ``subject.reference`` ``Patient/<id>`` gives the patient,
  ``date`` (else ``context.period.start``) the date, ``id`` the note id, and the first
  ``content[].attachment`` with ``contentType`` ``text/plain`` and base64 ``data`` the
  text;
* any other resource type is listed as skipped (``resourceType``: not read), so nothing
  is dropped silently.

Deliberately small and isolated: the FHIR reader of ``spinetriage.fhir`` (another
branch) should replace it, and Observations (coded findings) need its code mappings.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from ._inputs import Reject

__all__ = ["fhir_row"]


def fhir_row(obj: Mapping[str, Any], location: str) -> dict[str, Any] | Reject:
    """A note row (patient_id, date, note_id, text) from one Bulk resource, or why not."""
    kind = obj.get("resourceType")
    if kind != "DocumentReference":
        name = kind if isinstance(kind, str) and kind.isidentifier() and len(kind) <= 64 else "this resource type"
        return Reject(
            location, "resourceType", f"{name} is not read (allowed: DocumentReference with a text attachment)"
        )
    subject = obj.get("subject")
    reference = subject.get("reference") if isinstance(subject, Mapping) else None
    if not isinstance(reference, str) or not reference.startswith("Patient/"):
        return Reject(location, "subject.reference", "missing or not a Patient reference (allowed: Patient/<id>)")
    date = obj.get("date")
    if date is None:
        context = obj.get("context")
        period = context.get("period") if isinstance(context, Mapping) else None
        date = period.get("start") if isinstance(period, Mapping) else None
    text = _plain_text(obj.get("content"))
    if isinstance(text, Reject):
        return Reject(location, text.field, text.problem)
    return {"patient_id": reference.removeprefix("Patient/"), "date": date, "note_id": obj.get("id"), "text": text}


def _plain_text(content: object) -> str | Reject:
    if isinstance(content, list):
        for item in content:
            attachment = item.get("attachment") if isinstance(item, Mapping) else None
            if not isinstance(attachment, Mapping):
                continue
            kind = str(attachment.get("contentType", "")).split(";")[0].strip().lower()
            data = attachment.get("data")
            if kind != "text/plain" or not isinstance(data, str):
                continue
            try:
                return base64.b64decode(data, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return Reject("", "content.attachment.data", "not base64 UTF-8 text (allowed: base64 of text/plain)")
    return Reject("", "content.attachment", "no text/plain attachment with data (allowed: base64 text/plain)")
