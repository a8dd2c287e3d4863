"""Scores on the gold set written apart from the rules (tests/text/data/wild_*.jsonl).

    python benchmarks/nlp_wild.py                 # development part: scores and every error
    python benchmarks/nlp_wild.py --medspacy      # the same, with medspaCy side by side
    python benchmarks/nlp_wild.py --part test     # the frozen test part: scores only, no errors
    python benchmarks/nlp_wild.py --set wild2     # the second set (development part)

The set (631 sentences in six styles: MRI reports, clinic letters, physiotherapy notes,
discharge summaries, terse notes with abbreviations, patients' own words) was split by a
hash of each sentence into a development part (339) and a frozen test part (292) before
any rule was written against it. Rules are tuned on the development part only; the test
part is scored once, at the end of a round, and its errors are not printed (so that they
cannot be tuned against).

A second set, ``--set wild2`` (400 sentences in the same six styles, weighted towards
the statuses other than present: absent, possible, historical, hypothetical, family), was
written later by a writer who had not read the rules, the text docs or the first set's test
part, and split the same way, by a hash of each sentence, into a development part (198) and a
frozen test part (202) before anything was run on it.

A third set, ``--set wild3`` (400 sentences in the same six styles, weighted to the findings
read worst on the earlier test parts), was written the same way by another writer who had not
read the rules, and split by the same hash before anything was run on it.

A fourth set, ``--set wild4`` (400 texts in seven styles: discharge summaries, clinic letters,
physiotherapy notes, MRI reports, patients' own words, emergency-department notes and GP referral
letters; every finding at least twice), was written by yet another writer who had read only the
findings table and the format, and split by a hash of each id (dev when sha256(id) is even)
before anything was run on it.

A fifth set, ``--set wild5`` (400 texts in eight styles: the fourth's without emergency notes
and referral letters, plus terse notes, nursing notes and telephone triage), was written by a fifth
writer who had read only the findings table and the format, split the same way (218 development,
182 frozen), and committed before anything was run on it; both parts were first scored together,
once, at the end of the round that added it.

A sixth set, ``--set wild6`` (400 texts in nine styles: the fifth's with emergency-department
notes and GP consultation notes and without terse notes), was written by a sixth writer who had
read only the findings table and the format, split the same way (211 development, 189 frozen),
and committed before anything was run on it; both parts were first scored together, once, at the
end of the round that added it.

A seventh set, ``--set wild7`` (400 texts in twelve styles: the sixth's with terse notes, GP
referral letters, neurology letters and occupational therapy notes), was written by a seventh
writer who had read only the findings table, the scoring code and the format, split the same way
(193 development, 207 frozen), and committed before anything was run on it. Its test part was first
scored once, at the end of the round that added it; about eight of its development texts were seen
by a keyword search during that round (docs/text.md).

An eighth set, ``--set wild8`` (400 texts in twelve styles: the seventh's with ward-round entries in
place of occupational therapy notes), was written by an eighth writer who had read only the findings
and conditions tables and three lines of the format, split the same way (218 development, 182
frozen), and committed before anything was run on it. Its development part was used in the round
that added it; its test part was first scored once, at that round's end.

A ninth set, ``--set wild9`` (400 texts in twelve styles: the eighth's with chiropractic notes in place
of ward-round entries), was written by a ninth writer who had read only the findings table and three
lines of the format, split the same way (193 development, 207 frozen), and committed before anything
was run on it; both parts were first scored together, once, at the end of the round that added it.

A tenth set, ``--set wild10`` (400 texts in twelve styles: the eleven shared styles and pain-clinic
letters), was written by a tenth writer who had read only the findings table and three lines of the
format, split the same way (194 development, 206 frozen), and committed before anything was run on
it; both parts were first scored together, once, at the end of the round that added it.

An eleventh set, ``--set wild11`` (400 texts in twelve styles: the eleven shared styles and spine-surgery
assessments), was written by an eleventh writer under the same barrier, split the same way (212
development, 188 frozen), committed before anything was run on it, and scored likewise.

A twelfth set, ``--set wild12`` (400 texts in twelve styles of its writer's own: CT and X-ray reports,
rheumatology, orthopaedic and pain-clinic letters, ambulance handovers, occupational health, chiropractic,
geriatric, portal messages, meeting summaries...), was written under the same barrier (202 development,
198 frozen); its development part was scored first and then used in the round that added it, and its test
part was first scored at that round's end. A thirteenth, ``--set wild13`` (twelve more styles: rehabilitation,
ward rounds, out-of-hours, medication reviews, falls clinics, e-mails, medicolegal reports...; 209
development, 191 frozen), was committed before anything ran on it and both parts were scored once, at the end.
A fourteenth, ``--set wild14`` (twelve styles apart from wild13's: MRI findings sections, discharge summaries,
forum posts, US-style histories...; 191 development, 209 frozen), likewise, in a round that did not change the
text reader. A fifteenth, ``--set wild15`` (twelve more styles: rheumatology letters, falls clinics, on-call
referrals, cord-injury units, CT reports, whole-spine MRI impressions, symptom diaries, independent medical
examinations...; 196 development, 204 frozen), likewise, in a round whose only text change was one finding's
phrases (the Spurling test). A sixteenth, ``--set wild16`` (twelve more styles: triage nurse notes, spinal
surgeons' letters, neurology ward rounds, occupational health, chiropractic intakes, anaesthetic assessments,
district nurses, telegraphic discharge summaries, e-referral forms, forum posts, plain X-ray reports,
nerve-conduction letters; 198 development, 202 frozen), likewise, both parts scored once at the end. A
seventeenth, ``--set wild17`` (twelve more styles: on-call handovers, telephone consultations, medicolegal
excerpts, pain clinic and rheumatology letters, operative indications, care-home incidents, CT and MRI reports,
pharmacists' reviews, sports medicine, first-contact physiotherapy, paramedics' reports; 178 development, 222
frozen), written with every finding known, both parts scored once in a round that left the reader unchanged.
An eighteenth, ``--set wild18`` (twelve more styles: emergency triage, falls clinics, occupational health,
telehealth, patient portal messages, chiropractic intakes, EMG and nerve-conduction reports, continence
clinics, acute oncology, infectious diseases consults, vascular clinics, discharge summaries; 208 development,
192 frozen), likewise. A nineteenth, ``--set wild19`` (twelve more styles: rheumatology letters, pain
clinics, ward-round shorthand, paramedic handovers, out-of-hours GP notes, pre-operative assessments,
speech-recognition dictation, nursing handovers, independent medical examinations, pharmacy medication reviews,
interpreted consultations, radiology request forms; 201 development, 199 frozen), written with every finding
known, both parts scored once at the end of its round. A twentieth, ``--set wild20`` (twelve more styles:
operation notes, occupational health, falls clinic letters, emergency triage, urology referrals, CT myelogram
reports, patient forum posts, telephone advice lines, chiropractic intakes, diabetic foot clinics, acute
oncology, EHR problem lists; 196 development, 204 frozen), likewise. A twenty-first, ``--set wild21`` (twelve more
styles: sports medicine, neurology letters, antenatal notes, district nurse visits, telemedicine transcripts,
student case presentations, EMG reports, osteopathy, hospice notes, vascular letters, translated notes, spinal MDT
outcomes; 211 development, 189 frozen), likewise. A twenty-second, ``--set wild22`` (twelve more styles: spinal
cord injury rehabilitation, hand surgery letters, secure messages, disability claim forms, military medical notes,
arthroplasty letters, OPAT infectious diseases notes, myeloma clinics, fracture liaison, memory clinic letters,
transplant clinics, prison healthcare; 190 development, 210 frozen), likewise. A twenty-third,
``--set wild23`` (twelve more styles: adolescent transition clinics, urodynamics reports, gait lab and podiatry
reports, care home GP rounds, insurance questionnaires, physician associate notes, rapid-access spinal triage forms,
sleep clinic letters, swallow assessments, IBD clinics, haemodialysis units, clinical trial screening logs; 201
development, 199 frozen), likewise.

Scored as (finding, status) pairs per sentence, overall and per status; side and level are
not annotated in this set. medspaCy (1.3.1, its default ConText rules, our target phrases,
untuned) runs in its own virtual environment, as in benchmarks/nlp.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "text"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from scoring import PRF, load_jsonl, score_sentences, unscored_for  # noqa: E402

from spinetriage.text import extract  # noqa: E402

STATUSES = ("present", "absent", "possible", "historical", "family", "hypothetical")


def medspacy_predictions(texts: list[str]) -> list[list[dict[str, Any]]]:
    from nlp import WORKER, ensure_venv, target_rules

    py = ensure_venv()
    payload = json.dumps({"rules": target_rules(), "sentences": texts, "notes": texts[:1], "repeats": 1})
    proc = subprocess.run([str(py), "-c", WORKER], input=payload, capture_output=True, text=True, check=True)
    preds: list[list[dict[str, Any]]] = json.loads(proc.stdout.strip().splitlines()[-1])["preds"]
    return preds


def by_style(items: list[dict[str, Any]], preds: list[list[dict[str, Any]]]) -> dict[str, PRF]:
    out: dict[str, PRF] = defaultdict(PRF)
    for item, pred in zip(items, preds, strict=True):
        out[item["style"]].add(
            {(e["finding"], e["status"]) for e in item["expected"]}, {(m["finding"], m["status"]) for m in pred}
        )
    return dict(out)


def by_finding(items: list[dict[str, Any]], preds: list[list[dict[str, Any]]]) -> dict[str, PRF]:
    out: dict[str, PRF] = defaultdict(PRF)
    for item, pred in zip(items, preds, strict=True):
        gold = {(e["finding"], e["status"]) for e in item["expected"]}
        got = {(m["finding"], m["status"]) for m in pred}
        for f in {g[0] for g in gold | got}:
            out[f].add({g for g in gold if g[0] == f}, {g for g in got if g[0] == f})
    return dict(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=("dev", "test"), default="dev")
    ap.add_argument(
        "--set",
        choices=(
            "wild",
            "wild2",
            "wild3",
            "wild4",
            "wild5",
            "wild6",
            "wild7",
            "wild8",
            "wild9",
            "wild10",
            "wild11",
            "wild12",
            "wild13",
            "wild14",
            "wild15",
            "wild16",
            "wild17",
            "wild18",
            "wild19",
            "wild20",
            "wild21",
            "wild22",
            "wild23",
        ),
        default="wild",
        help="which gold set (see the docstring)",
    )
    ap.add_argument("--medspacy", action="store_true")
    ap.add_argument("--findings", action="store_true", help="recall per finding")
    args = ap.parse_args()
    items = load_jsonl(f"{args.set}_{args.part}.jsonl")
    ours = [[m.to_dict() for m in extract(r["text"]).mentions] for r in items]
    theirs = medspacy_predictions([r["text"] for r in items]) if args.medspacy else None
    it = iter(ours)
    s_ours = score_sentences(items, lambda _t: next(it), unscored_for(args.set))
    s_theirs: dict[str, PRF] = {}
    if theirs is not None:
        it2 = iter(theirs)
        s_theirs = score_sentences(items, lambda _t: next(it2), unscored_for(args.set))
    print(f"set: {args.set}, part: {args.part}, {len(items)} sentences")
    head = f"{'':22}{'spinetriage P/R/F1':>24}"
    print(head + (f"{'medspaCy P/R/F1':>24}" if theirs is not None else ""))
    for key in ("overall", *(f"status:{s}" for s in STATUSES)):
        prf = s_ours.get(key, PRF())
        n = prf.tp + prf.fn
        line = f"{key + f' (n={n})':22}{prf.precision:>8.3f}{prf.recall:>8.3f}{prf.f1:>8.3f}"
        if theirs is not None:
            t = s_theirs.get(key, PRF())
            line += f"{t.precision:>8.3f}{t.recall:>8.3f}{t.f1:>8.3f}"
        print(line)
    print("by style (spinetriage F1):")
    for style, prf in sorted(by_style(items, ours).items()):
        print(f"  {style:22}{prf.f1:.3f}  {prf}")
    if args.findings:
        print("recall by finding (spinetriage):")
        for f, prf in sorted(by_finding(items, ours).items()):
            print(f"  {f:32} R={prf.recall:.2f} P={prf.precision:.2f} (gold {prf.tp + prf.fn})")
    if args.part == "dev":
        print("errors:")
        for item, pred in zip(items, ours, strict=True):
            gold = {(e["finding"], e["status"]) for e in item["expected"]}
            got = {(m["finding"], m["status"]) for m in pred}
            if gold != got:
                print(f"  {item['id']} {item['text']}")
                for g in sorted(gold - got):
                    print(f"      missed {g[0]}:{g[1]}")
                for g in sorted(got - gold):
                    print(f"      extra  {g[0]}:{g[1]}")


if __name__ == "__main__":
    main()
