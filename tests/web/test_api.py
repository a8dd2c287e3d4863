"""The REST API's happy paths, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from spinetriage import assess
from spinetriage.case import parse_case
from spinetriage.instruments import registry
from spinetriage.interview import next_step

MYELOPATHY: dict[str, Any] = {
    "age": 64,
    "sex": "male",
    "findings": {
        "low_back_pain": "present",
        "gait_disturbance": "present",
        "hand_clumsiness": "present",
        "arm_numbness_tingling": "present",
        "neck_pain": "present",
        "hoffmann_sign": "present",
        "sciatica": "absent",
        "saddle_anesthesia": "absent",
    },
}
SCIATICA: dict[str, Any] = {
    "age": 41,
    "findings": {"sciatica": "present", "straight_leg_raise_positive": "present", "leg_pain_below_knee": "present"},
}


def store(client: TestClient, case: dict[str, Any], label: str = "") -> dict[str, Any]:
    response = client.post("/api/v1/assessments", json=case, params={"label": label} if label else None)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_assess_stores_case_result_versions_owner_and_time(client: TestClient) -> None:
    response = client.post("/api/v1/assessments", json=MYELOPATHY, params={"label": "bed 4"})
    assert response.status_code == 201
    body = response.json()
    expected = assess(MYELOPATHY).model_dump(mode="json")
    assert body["result"] == expected
    assert body["result"]["origin"]["verdict"] == "cervical"
    assert body["case"] == MYELOPATHY
    assert body["knowledge_version"] == expected["knowledge_version"]
    assert body["engine_version"] == expected["engine_version"]
    assert (body["owner"], body["source"], body["status"], body["label"]) == ("local", "api", "complete", "bed 4")
    assert body["created_at"].endswith(("Z", "+00:00"))
    assert response.headers["location"] == f"/api/v1/assessments/{body['id']}"


def test_fetch_returns_what_was_stored(client: TestClient) -> None:
    created = store(client, MYELOPATHY)
    fetched = client.get(f"/api/v1/assessments/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created


def test_list_is_newest_first_and_searches_labels(client: TestClient) -> None:
    first = store(client, SCIATICA, label="Lumbar follow-up")
    second = store(client, MYELOPATHY, label="neck check")
    listed = client.get("/api/v1/assessments").json()
    assert [i["id"] for i in listed["items"]] == [second["id"], first["id"]]
    assert listed["items"][0]["verdict"] == "cervical"
    found = client.get("/api/v1/assessments", params={"q": "LUMBAR"}).json()["items"]
    assert [i["id"] for i in found] == [first["id"]]
    by_id = client.get("/api/v1/assessments", params={"q": second["id"][:8]}).json()["items"]
    assert [i["id"] for i in by_id] == [second["id"]]
    page = client.get("/api/v1/assessments", params={"limit": 1, "offset": 1}).json()["items"]
    assert [i["id"] for i in page] == [first["id"]]


def test_search_treats_wildcards_literally(client: TestClient) -> None:
    store(client, SCIATICA, label="ward a")
    assert client.get("/api/v1/assessments", params={"q": "%"}).json()["items"] == []
    assert client.get("/api/v1/assessments", params={"q": "_"}).json()["items"] == []


def test_status_filter(client: TestClient) -> None:
    store(client, SCIATICA)
    assert len(client.get("/api/v1/assessments", params={"status": "complete"}).json()["items"]) == 1
    assert client.get("/api/v1/assessments", params={"status": "awaiting_clinician"}).json()["items"] == []


def test_rerun_on_same_versions_is_identical(client: TestClient) -> None:
    case = {**MYELOPATHY, "text": "MRI: C5-6 disc herniation with cord compression. No clonus."}
    created = store(client, case)
    rerun = client.post(f"/api/v1/assessments/{created['id']}/rerun")
    assert rerun.status_code == 200
    body = rerun.json()
    assert body["same_versions"] is True
    assert body["identical"] is True
    assert body["result"] == created["result"]


def test_interview_next_is_stateless(client: TestClient) -> None:
    first = client.post("/api/v1/interview/next", json={"answers": {}, "mode": "patient"})
    assert first.status_code == 200
    question = first.json()["question"]
    assert question["red_flag_screening"] is True
    second = client.post(
        "/api/v1/interview/next", json={"answers": {question["finding"]: "absent"}, "mode": "patient"}
    ).json()
    assert second["asked"] == 1
    assert second["question"]["finding"] != question["finding"]
    assert second["assessment"] is None


def test_interview_patient_mode_gives_advice_not_diagnosis(client: TestClient) -> None:
    body = client.post(
        "/api/v1/interview/next", json={"answers": {"saddle_anesthesia": "present"}, "mode": "patient"}
    ).json()
    assert body["urgent_advice"]
    assert body["assessment"] is None


def test_interview_clinician_mode_ends_with_an_assessment(client: TestClient) -> None:
    """Rewritten for issue 13, item 18: the final assessment must be the assessment of exactly the answers
    given (a fixed or stale answer would differ), and red-flag screening must be asked before it ends."""
    answers = dict(MYELOPATHY["findings"])
    body = client.post(
        "/api/v1/interview/next", json={"answers": answers, "mode": "clinician", "max_questions": 1}
    ).json()
    assert body["done"] is False and body["assessment"] is None
    assert body["question"]["red_flag_screening"] is True  # screening comes first, whatever the limit
    for _ in range(60):
        if body["done"]:
            break
        answers[body["question"]["finding"]] = "absent"
        body = client.post(
            "/api/v1/interview/next", json={"answers": answers, "mode": "clinician", "max_questions": 1}
        ).json()
    assert body["done"] is True
    expected = next_step(answers, mode="clinician", max_questions=1).assessment
    assert expected is not None
    assert body["assessment"] == expected.model_dump(mode="json")


def test_interview_reports_implied_findings_and_the_stop_code(client: TestClient) -> None:
    """The Step's ``implied`` and ``stop`` reach API clients, as ``Step.to_dict()`` has them."""
    answers = {"clonus": "present"}
    body = client.post("/api/v1/interview/next", json={"answers": answers, "mode": "clinician"}).json()
    assert body["implied"] == next_step(answers, mode="clinician").to_dict()["implied"]
    clonus = {"finding": "hyperreflexia_lower", "status": "present", "because": "clonus"}
    assert any(clonus.items() <= i.items() and i["reason"] for i in body["implied"])
    assert body["done"] is False and body["stop"] is None
    answers = {}
    for _ in range(60):
        body = client.post(
            "/api/v1/interview/next", json={"answers": answers, "mode": "patient", "max_questions": 1}
        ).json()
        if body["done"]:
            break
        answers[body["question"]["finding"]] = "absent"
    assert body["done"] and body["stop"] == "question_limit"
    assert body["assessment"] is None


def test_a_grouped_screening_question_names_its_findings_and_a_no_settles_them(client: TestClient) -> None:
    complaint = {"low_back_pain": "present"}  # the clinician interview asks the complaint first
    first = client.post("/api/v1/interview/next", json={"answers": complaint, "mode": "clinician"}).json()["question"]
    assert first["group"] is not None and len(first["findings"]) > 1
    assert first == next_step(complaint, mode="clinician").to_dict()["question"] | {"findings": first["findings"]}
    after = client.post(
        "/api/v1/interview/next", json={"answers": {**complaint, first["finding"]: "absent"}, "mode": "clinician"}
    ).json()["question"]
    assert not set(after["findings"]) & set(first["findings"])


def test_interview_errors_do_not_echo_values(client: TestClient) -> None:
    response = client.post("/api/v1/interview/next", json={"answers": {}, "setting": "Quillfeather"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["setting"]
    assert "Quillfeather" not in response.text


def test_extract_reads_findings(client: TestClient) -> None:
    body = client.post("/api/v1/extract", json={"text": "No clonus, Hoffmann positive on the right."}).json()
    assert body["findings"] == {"clonus": "absent", "hoffmann_sign": "present"}
    hoffmann = next(m for m in body["mentions"] if m["finding"] == "hoffmann_sign")
    assert hoffmann["side"] == "right"


def test_instruments_list_detail_and_score(client: TestClient) -> None:
    listed = client.get("/api/v1/instruments").json()
    assert {i["id"] for i in listed} == set(registry())
    detail = client.get("/api/v1/instruments/mjoa").json()
    assert detail["id"] == "mjoa" and detail["references"]
    answers = {"upper_limb_motor": 4, "lower_limb_motor": 5, "upper_limb_sensation": 2, "micturition": 3}
    scored = client.post("/api/v1/instruments/mjoa/score", json={"answers": answers}).json()
    assert (scored["total"], scored["band"]) == (14, "moderate")


def test_knowledge_with_references(client: TestClient) -> None:
    summary = client.get("/api/v1/knowledge").json()
    assert summary["version"] == assess(SCIATICA).knowledge_version
    conditions = client.get("/api/v1/knowledge/conditions").json()
    assert "degenerative_cervical_myelopathy" in {c["id"] for c in conditions}
    dcm = client.get("/api/v1/knowledge/conditions/degenerative_cervical_myelopathy").json()
    cited = {s for link in dcm["likelihoods"] for s in link["sources"]}
    assert cited and cited == {r["id"] for r in dcm["references"]}
    ref_id = sorted(cited)[0]
    assert client.get(f"/api/v1/knowledge/references/{ref_id}").json()["id"] == ref_id
    assert len(client.get("/api/v1/knowledge/references").json()) == summary["references"]
    assert len(client.get("/api/v1/knowledge/findings").json()) == summary["findings"]


def test_openapi_document_has_examples(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    body = doc["paths"]["/api/v1/assessments"]["post"]["requestBody"]["content"]["application/json"]
    assert body["examples"]["myelopathy"]["value"]["findings"]
    assert "findings" in body["schema"]["properties"]
    assert "422" in doc["paths"]["/api/v1/assessments"]["post"]["responses"]
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert doc["paths"]["/api/v1/assessments"]["post"]["security"] == [{"HTTPBearer": []}]


def test_healthz(client: TestClient, backend: str) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"] == ("sqlite" if backend == "sqlite" else "postgresql")


def test_mark_reviewed(client: TestClient) -> None:
    store_ = client.app.state.spinetriage.store  # type: ignore[attr-defined]
    waiting = store_.save(
        parse_case(SCIATICA, store_.knowledge), owner="local", source="questionnaire", status="awaiting_clinician"
    )
    listed = client.get("/api/v1/assessments", params={"status": "awaiting_clinician"}).json()["items"]
    assert [i["id"] for i in listed] == [waiting.id]
    reviewed = client.post(f"/api/v1/assessments/{waiting.id}/reviewed")
    assert reviewed.status_code == 200
    assert reviewed.json()["status"] == "complete"
    assert client.get("/api/v1/assessments", params={"status": "awaiting_clinician"}).json()["items"] == []
