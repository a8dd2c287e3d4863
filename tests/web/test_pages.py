"""The HTML pages without a browser: storing, re-running, the questionnaire's limits, CSP-safe markup, access."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from spinetriage import assess
from spinetriage.case import parse_case
from spinetriage.interview.engine import question_text
from spinetriage.knowledge import default_knowledge
from spinetriage.web.assess_form import examples

from .conftest import PASSWORD

MakeClient = Callable[..., TestClient]
PAGES = ["/", "/assess", "/interview", "/questionnaire", "/history", "/knowledge"]
MYELOPATHY = {
    "age": "64",
    "sex": "male",
    "setting": "primary_care",
    "label": "page test",
    "f.low_back_pain": "present",
    "f.hand_clumsiness": "present",
    "f.gait_disturbance": "present",
    "f.hoffmann_sign": "present",
    "f.sciatica": "absent",
    "f.fever": "unknown",
}


def csrf(client: TestClient, path: str = "/assess") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, f"{path} has a form with a CSRF token"
    return match.group(1)


def submit(client: TestClient, form: dict[str, str]) -> Any:
    return client.post("/assess", data={**form, "csrf_token": csrf(client)}, follow_redirects=False)


def stored(client: TestClient, location: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/assessments/{location.rsplit('/', 1)[-1]}")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_with_markup_the_csp_allows(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"
    assert not re.search(r"\son[a-z]+\s*=", html), "no inline event handler"
    assert not re.search(r"\sstyle\s*=", html), "no inline style attribute"
    assert 'href="#main"' in html  # the skip link


def test_form_stores_the_case_as_given_and_shows_the_stored_result(client: TestClient) -> None:
    response = submit(client, MYELOPATHY)
    assert response.status_code == 303
    record = stored(client, response.headers["location"])
    assert record["source"] == "clinician"
    assert record["label"] == "page test"
    # "not examined" is not sent at all: unknown stays unknown
    assert record["case"]["findings"] == {
        "low_back_pain": "present",
        "hand_clumsiness": "present",
        "gait_disturbance": "present",
        "hoffmann_sign": "present",
        "sciatica": "absent",
    }
    page = client.get(response.headers["location"]).text
    verdict = record["result"]["origin"]["verdict"]
    assert f'data-verdict="{verdict}"' in page
    for reference in record["result"]["references"]:
        assert f'id="ref-{reference["id"]}"' in page


def test_every_finding_of_the_knowledge_base_is_on_the_form(client: TestClient) -> None:
    html = client.get("/assess").text
    for finding in default_knowledge().findings:
        for status in ("present", "absent", "unknown"):
            assert f'id="f-{finding}-{status}"' in html
        assert re.search(rf'id="f-{finding}-unknown" name="f\.{finding}" value="unknown" checked', html)


def test_bad_form_names_each_field_and_keeps_the_answers(client: TestClient) -> None:
    response = submit(client, {**MYELOPATHY, "age": "7", "f.fever": "maybe", "f.not_a_finding": "present"})
    assert response.status_code == 422
    for field in ("age", "findings.fever", "findings.&lt;key&gt;"):
        assert f"<strong>{field}</strong>" in response.text
    assert re.search(r'id="f-hand_clumsiness-present" name="f\.hand_clumsiness" value="present" checked', response.text)


@pytest.mark.parametrize(
    "path",
    ["/assess", "/interview/step", "/interview/finish", "/questionnaire/step", "/questionnaire/finish",
     "/assessments/{id}/rerun", "/assessments/{id}/reviewed"],
)  # fmt: skip
def test_every_form_without_its_csrf_token_is_refused_with_a_page(client: TestClient, path: str) -> None:
    state: Any = client.app.state.spinetriage  # type: ignore[attr-defined]
    waiting = state.store.save(
        parse_case({"age": 50}, state.store.knowledge), owner="local", source="questionnaire",
        status="awaiting_clinician",
    )  # fmt: skip
    client.get("/assess")  # the browser holds the CSRF cookie; the forged form lacks the token
    before = client.get("/api/v1/assessments").json()["items"]
    response = client.post(
        path.format(id=waiting.id), data={**MYELOPATHY, "csrf_token": "forged"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert 'id="form-expired"' in response.text  # a page that says what to do, not JSON
    assert "Nothing" in response.text
    assert client.get("/api/v1/assessments").json()["items"] == before  # nothing stored, nothing marked reviewed


def test_rerun_shows_the_result_is_identical(client: TestClient) -> None:
    location = submit(client, MYELOPATHY).headers["location"]
    response = client.post(f"{location}/rerun", data={"csrf_token": csrf(client)})
    assert response.status_code == 200
    assert "Re-run: identical" in response.text


def test_unknown_assessment_is_a_404_page(client: TestClient) -> None:
    response = client.get("/assessments/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert "Not found" in response.text


def _questionnaire(client: TestClient, first: str, rest: str, label: str) -> Any:
    """Answer the patient questionnaire to its end through the forms, then send it: ``first`` to the
    first two questions (the grouped first red-flag question and, after a yes, its first member)."""
    state: dict[str, Any] = {"csrf_token": csrf(client, "/questionnaire"), "age": "70", "label": label}
    page = client.post("/questionnaire/step", data=state).text
    for turn in range(80):
        assert "%" not in page
        match = re.search(r'name="finding" value="([a-z0-9_]+)"', page)
        if match is None:
            break
        answers = re.findall(r'name="a" value="([a-z0-9_]+=[a-z]+)"', page)
        action = first if turn < 2 else rest
        page = client.post(
            "/questionnaire/step", data={**state, "a": answers, "finding": match.group(1), "action": action}
        ).text
    assert 'id="finish"' in page, "the questionnaire ends"
    answers = re.findall(r'name="a" value="([a-z0-9_]+=[a-z]+)"', page)
    return client.post("/questionnaire/finish", data={**state, "a": answers}, follow_redirects=False)


def test_questionnaire_waits_for_the_clinician_and_tells_the_patient_nothing_clinical(client: TestClient) -> None:
    response = _questionnaire(client, "present", "absent", "Q-PAGE-1")
    assert response.status_code == 303
    thanks = client.get(response.headers["location"])
    text = re.sub(r"<[^>]+>", " ", thanks.text).lower()
    assert "thank you" in text
    assert "%" not in text and "probab" not in text
    for condition in default_knowledge().conditions.values():
        assert condition.label.lower() not in text
    assert 'id="urgent-advice"' in thanks.text  # the first screening answer was yes: a red flag
    history = client.get("/history?status=awaiting_clinician").text
    assert "Q-PAGE-1" in history
    record_id = re.search(r'data-id="([0-9a-f-]+)"', history)
    assert record_id
    record = client.get(f"/api/v1/assessments/{record_id.group(1)}").json()
    assert (record["source"], record["status"]) == ("questionnaire", "awaiting_clinician")


def test_clinician_marks_a_questionnaire_reviewed(client: TestClient) -> None:
    _questionnaire(client, "absent", "absent", "Q-PAGE-2")
    history = client.get("/history?q=Q-PAGE-2").text
    record_id = re.search(r'data-id="([0-9a-f-]+)"', history)
    assert record_id
    page = client.get(f"/assessments/{record_id.group(1)}").text
    assert "awaiting your review" in page
    response = client.post(
        f"/assessments/{record_id.group(1)}/reviewed", data={"csrf_token": csrf(client)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert client.get(f"/api/v1/assessments/{record_id.group(1)}").json()["status"] == "complete"


def test_tampered_interview_state_names_the_field(client: TestClient) -> None:
    token = csrf(client, "/interview")
    response = client.post("/interview/step", data={"csrf_token": token, "a": "no_such_finding=present"})
    assert response.status_code == 422
    assert "answers.no_such_finding" in response.text


def test_stopping_the_interview_keeps_the_findings_the_answers_settle(client: TestClient) -> None:
    token = csrf(client, "/interview")
    going = client.post("/interview/step", data={"csrf_token": token, "a": "clonus=present"}).text
    assert 'id="implied"' in going and "hyperreflexia" in going.lower()
    stopped = client.post("/interview/step", data={"csrf_token": token, "a": "clonus=present", "action": "stop"})
    assert stopped.status_code == 200 and 'id="finish"' in stopped.text
    assert 'id="implied"' in stopped.text  # the review before saving still shows what was settled


def test_the_interview_page_offers_exam_signs_to_examine_next(client: TestClient) -> None:
    from spinetriage.interview.engine import red_flag_screening

    token = csrf(client, "/interview")
    # hands and walking affected (so unsteadiness is not denied), every other red-flag screen answered no
    answers = ["low_back_pain=present", "hand_clumsiness=present", "gait_disturbance=present"]
    answers += [
        f"{f}=absent"
        for f in red_flag_screening(default_knowledge())
        if f not in ("hand_clumsiness", "gait_disturbance", "imbalance")
    ]
    page = client.post("/interview/step", data={"csrf_token": token, "a": answers}).text
    card = re.search(r'<section[^>]*id="examine-next".*?</section>', page, flags=re.DOTALL)
    assert card, "the clinician sees what to examine next"
    signs = [f for f, x in default_knowledge().findings.items() if x.kind.value == "exam"]
    labels = {default_knowledge().findings[f].label.lower() for f in signs}
    assert any(label in card.group(0).lower() for label in labels)
    asked = re.search(r'name="finding" value="([a-z0-9_]+)"', page)
    assert asked and asked.group(1) not in signs  # offered, not asked
    questionnaire = client.post("/questionnaire/step", data={"csrf_token": csrf(client, "/questionnaire")}).text
    assert 'id="examine-next"' not in questionnaire


def test_a_questionnaire_cannot_record_an_examination_sign(client: TestClient) -> None:
    token = csrf(client, "/questionnaire")
    before = client.get("/api/v1/assessments").json()["items"]
    answered = client.post(
        "/questionnaire/step", data={"csrf_token": token, "finding": "hoffmann_sign", "action": "present"}
    )
    assert answered.status_code == 422 and "hoffmann_sign" not in re.findall(r'name="a" value="([^"]+)"', answered.text)
    finished = client.post("/questionnaire/finish", data={"csrf_token": token, "a": "hoffmann_sign=present"})
    assert finished.status_code == 422 and "answers.hoffmann_sign" in finished.text
    assert client.get("/api/v1/assessments").json()["items"] == before


def test_interview_back_removes_the_last_answer(client: TestClient) -> None:
    token = csrf(client, "/interview")
    first = client.post("/interview/step", data={"csrf_token": token}).text
    asked = re.search(r'name="finding" value="([a-z0-9_]+)"', first)
    assert asked
    second = client.post(
        "/interview/step", data={"csrf_token": token, "finding": asked.group(1), "action": "absent"}
    ).text
    assert f'name="a" value="{asked.group(1)}=absent"' in second
    back = client.post(
        "/interview/step", data={"csrf_token": token, "a": f"{asked.group(1)}=absent", "action": "back"}
    ).text
    assert f'name="finding" value="{asked.group(1)}"' in back
    assert 'name="a"' not in back


def test_a_grouped_no_settles_its_members_and_going_back_unsettles_them(client: TestClient) -> None:
    token = csrf(client, "/interview")
    opening = client.post("/interview/step", data={"csrf_token": token, "label": "grouped"}).text
    assert 'name="finding" value="low_back_pain"' in opening  # the presenting complaint comes first
    complaint = "low_back_pain=present"
    first = client.post(
        "/interview/step",
        data={"csrf_token": token, "label": "grouped", "finding": "low_back_pain", "action": "present"},
    ).text
    group = re.search(r'name="finding" value="([a-z0-9_]+)"', first)
    assert group and group.group(1).startswith("screen_")
    members = ("saddle_anesthesia", "urinary_retention", "bowel_dysfunction")
    answered = client.post(
        "/interview/step",
        data={"csrf_token": token, "label": "grouped", "a": [complaint], "finding": group.group(1), "action": "absent"},
    ).text
    hidden = re.findall(r'name="a" value="([^"]+)"', answered)
    assert hidden == [complaint, f"{group.group(1)}=absent"]  # one question, one answer
    assert "Answers so far (2)" in answered and "Saddle anaesthesia" in answered
    saved = client.post(
        "/interview/finish", data={"csrf_token": token, "label": "grouped", "a": hidden}, follow_redirects=False
    )
    record = stored(client, saved.headers["location"])
    assert {f: record["case"]["findings"].get(f) for f in members} == dict.fromkeys(members, "absent")
    back = client.post("/interview/step", data={"csrf_token": token, "a": hidden, "action": "back"}).text
    assert re.findall(r'name="a" value="([^"]+)"', back) == [complaint]
    assert f'name="finding" value="{group.group(1)}"' in back
    yes = client.post(
        "/interview/step", data={"csrf_token": token, "a": [complaint], "finding": group.group(1), "action": "present"}
    )
    assert f'name="finding" value="{members[0]}"' in yes.text  # a yes asks each member in turn


def test_an_answer_to_a_question_not_asked_is_refused(client: TestClient) -> None:
    token = csrf(client, "/interview")
    wrong = client.post("/interview/step", data={"csrf_token": token, "finding": "fever", "action": "absent"})
    assert wrong.status_code == 422 and "<strong>finding</strong>" in wrong.text


def test_history_search_filters_by_label(client: TestClient) -> None:
    submit(client, {**MYELOPATHY, "label": "alpha case"})
    submit(client, {**MYELOPATHY, "label": "beta case"})
    page = client.get("/history?q=alpha").text
    assert "alpha case" in page and "beta case" not in page


@pytest.mark.parametrize("page", ["0", "-3", "100001", "100000000000000000000"])
def test_history_page_out_of_range_is_named_not_a_server_error(client: TestClient, page: str) -> None:
    response = client.get("/history", params={"page": page})
    assert response.status_code == 422
    assert "page" in response.text and "out of range" in response.text


def test_history_counts_every_questionnaire_awaiting_review(client: TestClient) -> None:
    state: Any = client.app.state.spinetriage  # type: ignore[attr-defined]
    case = parse_case({"age": 50}, state.store.knowledge)
    for _ in range(53):  # more than one page, and more than the 50 the banner once counted up to
        state.store.save(case, owner="local", source="questionnaire", status="awaiting_clinician")
    state.store.save(case, owner="local", source="api")
    assert "53 patient questionnaires awaiting you" in client.get("/history").text


def test_pages_need_login_and_show_only_the_users_own(make_client: MakeClient) -> None:
    client = make_client(users=("ann", "bob"))
    assert client.get("/assess", follow_redirects=False).status_code == 303
    for user in ("ann", "bob"):
        token = csrf(client, "/login")
        client.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": token, "next": "/"})
        if user == "ann":
            location = submit(client, MYELOPATHY).headers["location"]
            assert client.get(location).status_code == 200
            client.post("/logout", data={"csrf_token": csrf(client, "/")})
    assert client.get(location).status_code == 404  # bob cannot see ann's assessment
    assert "page test" not in client.get("/history").text


def test_interview_in_plain_wording_asks_the_patients_questions(client: TestClient) -> None:
    kb = default_knowledge()
    token = csrf(client, "/interview")
    page = client.post("/interview/step", data={"csrf_token": token, "wording": "patient"}).text
    asked = re.search(r'name="finding" value="([a-z0-9_]+)"', page)
    assert asked
    question = question_text(kb, asked.group(1), "patient")
    assert question.startswith("Is any of these") and kb.findings["saddle_anesthesia"].patient_question not in question
    assert question.replace("'", "&#39;") in page
    assert 'name="wording" value="patient"' in page  # the choice travels with the state
    bad = client.post("/interview/step", data={"csrf_token": token, "wording": "loud"})
    assert bad.status_code == 422 and "<strong>wording</strong>" in bad.text


def _form_as_sent(html: str, token: str) -> dict[str, str]:
    """What a browser would post for a form as rendered: checked radios, selected options, filled inputs."""
    data = {"csrf_token": token}
    for m in re.finditer(r'<input type="radio"(?: id="[^"]+")? name="([^"]+)" value="([^"]*)" checked>', html):
        data[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', m.group(2))
        data[m.group(1)] = chosen.group(1) if chosen else ""
    for m in re.finditer(r'<input type="(?:number|date|text)" id="[^"]+" name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[m.group(1)] = m.group(2)
    text = re.search(r'<textarea id="text" name="text"[^>]*>(.*?)</textarea>', html, re.S)
    data["text"] = text.group(1) if text else ""
    return data


@pytest.mark.parametrize("name", sorted(examples()))
def test_an_example_on_the_form_gives_the_examples_own_result(client: TestClient, name: str) -> None:
    page = client.get(f"/assess?example={name}")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = client.post("/assess", data=_form_as_sent(page.text, token.group(1)), follow_redirects=False)
    assert response.status_code == 303, re.findall(r"<li><strong>(.*?)</strong>", response.text)
    record = stored(client, response.headers["location"])
    kb = default_knowledge()
    expected = assess(parse_case(yaml.safe_load(examples()[name]), kb)).model_dump(mode="json")
    assert record["result"] == expected


def test_unknown_example_is_named(client: TestClient) -> None:
    response = client.get("/assess?example=no_such_case")
    assert response.status_code == 422
    assert "<strong>example</strong>" in response.text


def test_partial_mjoa_names_the_missing_item(client: TestClient) -> None:
    response = submit(client, {**MYELOPATHY, "mjoa.upper_limb_motor": "4"})
    assert response.status_code == 422
    assert "<strong>instruments.mjoa</strong>" in response.text
    assert "lower_limb_motor" in response.text


def test_a_result_this_version_cannot_read_offers_a_rerun(client: TestClient) -> None:
    from spinetriage.web.db import AssessmentRow

    location = submit(client, MYELOPATHY).headers["location"]
    record_id = location.rsplit("/", 1)[-1]
    database = client.app.state.spinetriage.database
    with database.sessions.begin() as session:
        session.get(AssessmentRow, record_id).result = {"from": "a future version"}
    page = client.get(location)
    assert page.status_code == 200
    assert 'id="unreadable"' in page.text
    rerun = client.post(f"{location}/rerun", data={"csrf_token": csrf(client)})
    assert "Re-run: different" in rerun.text


def test_a_questionnaire_prefills_the_clinicians_form(client: TestClient) -> None:
    _questionnaire(client, "absent", "present", "Q-PAGE-3")
    history = client.get("/history?q=Q-PAGE-3").text
    record_id = re.search(r'data-id="([0-9a-f-]+)"', history)
    assert record_id
    record = client.get(f"/api/v1/assessments/{record_id.group(1)}").json()
    assert f'href="/assess?from={record_id.group(1)}"' in client.get(f"/assessments/{record_id.group(1)}").text
    form = client.get(f"/assess?from={record_id.group(1)}")
    assert form.status_code == 200
    for finding, status in record["case"]["findings"].items():
        assert re.search(rf'id="f-{finding}-{status}" name="f\.{finding}" value="{status}" checked', form.text)
    assert client.get("/assess?from=00000000-0000-0000-0000-000000000000").status_code == 404


def test_ids_are_unique_and_every_label_and_in_page_link_resolves(client: TestClient) -> None:
    location = submit(client, {**MYELOPATHY, "f.fever": "present", "text": "No fever. Positive Hoffmann sign."})
    paths = [*PAGES, location.headers["location"], "/assess?example=myelopathy_graded_and_worsening"]
    for path in paths:
        html = client.get(path).text
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), f"duplicate id on {path}"
        assert set(re.findall(r'\sfor="([^"]+)"', html)) <= set(ids), f"label for a missing control on {path}"
        assert {h[1:] for h in re.findall(r'href="(#[^"]+)"', html)} <= set(ids), f"dangling #link on {path}"


def test_the_knowledge_page_shows_the_evidence_beside_every_finding_issue_13(client: TestClient) -> None:
    page = client.get("/knowledge")
    assert page.status_code == 200
    row = page.text[page.text.index(">hoffmann_sign<") :]
    row = row[: row.index("</tr>")]
    expected = ("LR+ 2.2", "LR&minus; 0.63", "sensitivity 52%", "specificity 76%", "reported", "#ref-fogarty2018")
    for text in expected:
        assert text in row, text


def test_unknown_is_worded_by_how_a_finding_is_obtained_issue_13(client: TestClient) -> None:
    page = client.get("/assess").text
    assert re.search(r'for="f-hand_clumsiness-unknown">Not asked<', page)  # history: asked
    assert re.search(r'for="f-hoffmann_sign-unknown">Not examined<', page)  # a sign: examined
    assert re.search(r'for="f-cervical_cord_compression-unknown">Not done<', page)  # imaging: done


def test_a_field_in_error_is_marked_and_the_message_is_plain_issue_13(client: TestClient) -> None:
    response = submit(client, {**MYELOPATHY, "age": "130", "f.fever": "maybe"})
    assert response.status_code == 422
    assert re.search(r'id="age"[^>]*aria-invalid="true"', response.text)
    assert re.search(r'<fieldset class="finding" aria-invalid="true"[^>]*>\s*<legend>Fever', response.text)
    assert "older than 120" in response.text and "less than or equal" not in response.text


def test_history_shows_age_and_leading_condition_issue_13(client: TestClient) -> None:
    assert submit(client, MYELOPATHY).status_code == 303
    page = client.get("/history").text
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "<td>64</td>" in row
    stored_id = re.search(r'data-id="([^"]+)"', row)
    assert stored_id
    result = client.get(f"/api/v1/assessments/{stored_id.group(1)}").json()["result"]
    top = max(result["conditions"], key=lambda c: c["probability"])
    label = default_knowledge().conditions[top["id"]].label
    assert re.search(rf"<td>{re.escape(label)} \d+(\.\d)?%</td>", row)


def test_any_answer_can_be_changed_and_the_later_questions_are_asked_again(client: TestClient) -> None:
    """#13 item 13: the review allowed changing only the last answer."""
    token = csrf(client, "/questionnaire")
    state = {"csrf_token": token}
    answers: list[str] = []
    asked: list[str] = []
    for _ in range(3):
        page = client.post("/questionnaire/step", data={**state, "a": answers}).text
        finding = re.search(r'name="finding" value="([a-z0-9_]+)"', page)
        assert finding
        asked.append(finding.group(1))
        answers.append(f"{finding.group(1)}=absent")
    page = client.post("/questionnaire/step", data={**state, "a": answers}).text
    assert page.count('name="action" value="change-') == 3
    changed = client.post("/questionnaire/step", data={**state, "a": answers, "action": "change-1"}).text
    kept = re.findall(r'name="a" value="([^"]+)"', changed)
    assert kept == [answers[0]]  # the first answer stays; the second and third go
    assert f'name="finding" value="{asked[1]}"' in changed  # the second question is asked again
    for bad in ("change-3", "change--1", "change-x", "change-"):
        refused = client.post("/questionnaire/step", data={**state, "a": answers, "action": bad})
        assert refused.status_code == 422 and "action" in refused.text, bad


def test_a_finding_that_changes_no_probability_is_shown_with_its_reason(client: TestClient) -> None:
    """A clinician reading a report asked where the entered previous lumbar surgery had gone."""
    response = submit(client, {**MYELOPATHY, "f.previous_lumbar_surgery": "present"})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Previous lumbar surgery: recorded, not counted in the probabilities" in page
    assert "Balasubramanian 2010" in page  # the reason, from recorded_only.yaml
