"""The patient-data guard: finds patient identifiers in free text and redacts them.

Used before any text is stored and before any text is sent to a language model. Pure Python and
deliberately conservative about context: a ten-digit number must pass the NHS number check digit,
a date must sit next to a birth cue (or an old date next to a titled name), and a bed or hospital
number only counts next to a name-like word, so "bed 12" or "by 12/03/2027" alone pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

LABELS = {
    "nhs_number": "[NHS number]",
    "date_of_birth": "[date of birth]",
    "phone": "[phone number]",
    "email": "[email address]",
    "postcode": "[postcode]",
    "hospital_id": "[patient identifier]",
}
KIND_NAMES = {
    "nhs_number": "an NHS number",
    "date_of_birth": "a date of birth",
    "phone": "a phone number",
    "email": "an email address",
    "postcode": "a postcode",
    "hospital_id": "a bed or hospital number next to a name",
}
KINDS = tuple(LABELS)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+\d{{4}}"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
_DOB_CUE = re.compile(
    rf"(?i)\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?|birthday)"
    rf"\s*(?:is|was|of|:|-|=|\()?\s*(?P<date>{_DATE})"
)
_DATE_ANYWHERE = re.compile(rf"(?i)(?<![\d/.-])(?P<date>{_DATE})")
_YEAR = re.compile(r"(19\d\d|20[01]\d)\b")

_NHS = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\d])"
)
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"
    r"|(?i:(?<=postcode )[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}\b)"
)
_BED = re.compile(r"(?i)\b(?:bed|bay|side\s?room|cubicle)\s*(?:no\.?|number|#)?\s*\d{1,3}[a-z]?\b")
_HOSPITAL_NUMBER = re.compile(
    r"(?i)\b(?:MRN|hospital\s+(?:no\.?|number|id)|hosp\.?\s+no\.?|unit\s+(?:no\.?|number)|"
    r"PAS\s+(?:no\.?|number|id)|case\s+(?:no\.?|number)|patient\s+(?:no\.?|number|id))"
    r"\s*[:#]?\s*[A-Z]{0,3}\d{5,10}\b"
)
_TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)\.?\s+[A-Z][A-Za-z'’-]+")
_NAME_RUN = re.compile(
    r"\b(?P<title>(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)\.?\s+)?"
    r"(?P<words>(?!(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)\b)[A-Z][a-z'’-]+"
    r"(?:[ \t]+(?!(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)\b)[A-Z][a-z'’-]+)*)"
)
_WORD = re.compile(r"[A-Za-z'’-]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|\"\s*)$")
# Capitalised words that are not people's names: wards, roles, days, sentence starters.
_COMMON_CAPITALISED = """
    Ward Bed Bay Unit Room Hospital Trust Team Department Clinic Theatre Theatres Nurse Sister
    Matron Doctor Consultant Registrar Patient Patients Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday January February March April May June July August September October November
    December The This That These Those When Then After Before During Our We They She He His Her
    And But For With From Into About Today Yesterday Tomorrow Morning Evening Night Day Week
    Emergency Acute Medical Surgical Admissions Discharge Outpatients Maternity Paediatrics
    Intensive Care Critical Orthopaedics Cardiology Oncology Renal Stroke Elderly Frailty Board
    Leadership Improvement Framework Community Practice Surgery Primary Service Services PDSA
    Staff Everyone Someone Nobody Every Some Most One Two Three Also Because Since Sometimes Often
    Usually Recently There Here Last Next First Moving Moved Putting Keeping Management Lounge
    Suite Centre Center Wing Block Annex Side Bureau Hub Desk Office"""
_NOT_NAMES = frozenset(_COMMON_CAPITALISED.split())
NAME_WINDOW = 30  # characters between an identifier and a name for them to count as together
SENTENCE_START_WINDOW = 4  # a capitalised first word only counts as a name right next to one


class PatientDataChoice(StrEnum):
    """What to do with a text in which the guard found patient data."""

    CHECK = "check"  # warn (raise PatientDataWarning) and save nothing: the default
    REDACT = "redact"  # save the text with each finding replaced by a label
    KEEP = "keep"  # save as written: the person says it is not patient data


class Finding(BaseModel):
    """Patient data found in a text: what kind, and where (start inclusive, end exclusive)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        """(start, end) of the finding in the scanned text."""
        return self.start, self.end


@dataclass(frozen=True)
class GuardResult:
    """A scanned text, what was found in it, and the text with each finding redacted."""

    text: str
    findings: tuple[Finding, ...]
    redacted: str

    @property
    def found(self) -> bool:
        """Whether anything that looks like patient data was found."""
        return bool(self.findings)

    @property
    def kinds(self) -> list[str]:
        """The kinds found, each once, in the order of KINDS."""
        present = {finding.kind for finding in self.findings}
        return [kind for kind in KINDS if kind in present]


def nhs_check_digit_ok(digits: str) -> bool:
    """Whether ten digits pass the NHS number Modulus 11 check."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> list[Finding]:
    return [
        Finding(kind="nhs_number", start=m.start(), end=m.end())
        for m in _NHS.finditer(text)
        if nhs_check_digit_ok("".join(m.groups()))
    ]


def _phones(text: str) -> list[Finding]:
    found = []
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        digits = "0" + digits[2:].removeprefix("0") if match.group()[0] == "+" else digits
        if len(digits) in (10, 11) and digits[1] in "12378":
            found.append(Finding(kind="phone", start=match.start(), end=match.end()))
    return found


def _emails(text: str) -> list[Finding]:
    return [Finding(kind="email", start=m.start(), end=m.end()) for m in _EMAIL.finditer(text)]


def _postcodes(text: str) -> list[Finding]:
    return [
        Finding(kind="postcode", start=m.start(), end=m.end()) for m in _POSTCODE.finditer(text)
    ]


Name = tuple[int, int, int]  # start, end, how far from an identifier it may be


def _names(text: str) -> list[Name]:
    """Name-like runs of capitalised words, e.g. "Mr Smith", "John Smith", "Jones".

    A run with a common or place word in it ("Discharge Lounge", "Sister Agnes Ward") is not a
    name; a single untitled word at the start of a sentence only counts right next to an
    identifier, as sentences start with capitals anyway.
    """
    names = []
    for match in _NAME_RUN.finditer(text):
        words = list(_WORD.finditer(text, match.start("words"), match.end("words")))
        titled = match.group("title") is not None
        while not titled and words and words[0].group() in _NOT_NAMES:  # "When", "Our"...
            words.pop(0)
        if not words or any(w.group() in _NOT_NAMES for w in words[int(titled) :]):
            continue
        start = match.start() if titled else words[0].start()
        sentence_start = _SENTENCE_START.search(text[max(0, start - 3) : start]) is not None
        near_only = not titled and len(words) == 1 and sentence_start
        names.append((start, match.end(), SENTENCE_START_WINDOW if near_only else NAME_WINDOW))
    return names


def _nearest_name(text: str, span: tuple[int, int], names: list[Name]) -> Name | None:
    """The closest name within its window of the span, in the same sentence."""
    near = []
    for name in names:
        if name[1] <= span[0]:
            gap = text[name[1] : span[0]]
        elif name[0] >= span[1]:
            gap = text[span[1] : name[0]]
        else:
            continue
        if len(gap) <= name[2] and not re.search(r"[.!?;\n]", gap):
            near.append((len(gap), name))
    return min(near)[1] if near else None


def _hospital_ids(text: str) -> list[Finding]:
    names = _names(text)
    found = []
    for pattern in (_BED, _HOSPITAL_NUMBER):
        for match in pattern.finditer(text):
            name = _nearest_name(text, match.span(), names)
            if name is not None:
                start, end = min(name[0], match.start()), max(name[1], match.end())
                found.append(Finding(kind="hospital_id", start=start, end=end))
    return [Finding(kind="hospital_id", start=s, end=e) for s, e, _ in _merged(found)]


def _dates_of_birth(text: str) -> list[Finding]:
    found = [
        Finding(kind="date_of_birth", start=m.start("date"), end=m.end("date"))
        for m in _DOB_CUE.finditer(text)
    ]
    titled = [(*m.span(), NAME_WINDOW) for m in _TITLED_NAME.finditer(text)]
    for match in _DATE_ANYWHERE.finditer(text):
        span = match.span("date")
        if _YEAR.search(match.group("date")) and _nearest_name(text, span, titled):
            found.append(Finding(kind="date_of_birth", start=span[0], end=span[1]))
    return found


# Earlier detectors win an overlap: an email's digits are not a phone number, and so on. A
# name-and-bed finding is kept even when it overlaps, as it spans the words around the others.
_DETECTORS = (_emails, _nhs_numbers, _dates_of_birth, _phones, _hospital_ids, _postcodes)


def scan(text: str) -> list[Finding]:
    """Everything in the text that looks like patient data, in text order."""
    accepted: list[Finding] = []
    for detect in _DETECTORS:
        for finding in detect(text):
            overlaps = any(finding.start < a.end and a.start < finding.end for a in accepted)
            if not overlaps or finding.kind == "hospital_id":
                accepted.append(finding)
    return sorted(accepted, key=lambda f: (f.start, -f.end))


def redact_findings(text: str, findings: list[Finding] | tuple[Finding, ...]) -> str:
    """The text with each finding replaced by its label, e.g. "[NHS number]"."""
    parts, cursor = [], 0
    for start, end, kind in _merged(findings):
        parts += [text[cursor:start], LABELS[kind]]
        cursor = end
    return "".join(parts) + text[cursor:]


def _merged(findings: list[Finding] | tuple[Finding, ...]) -> list[tuple[int, int, str]]:
    """Overlapping findings become one span, labelled by the widest of them."""
    merged: list[tuple[int, int, str]] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged and finding.start < merged[-1][1]:
            start, end, kind = merged[-1]
            wider = finding.end - finding.start > end - start
            merged[-1] = (start, max(end, finding.end), finding.kind if wider else kind)
        else:
            merged.append((finding.start, finding.end, finding.kind))
    return merged


def check(text: str) -> GuardResult:
    """Scan a text and redact what was found."""
    findings = tuple(scan(text))
    return GuardResult(text=text, findings=findings, redacted=redact_findings(text, findings))


def redact(text: str) -> str:
    """The text with anything that looks like patient data replaced by a label."""
    return check(text).redacted


def describe(kinds: list[str]) -> str:
    """Person-facing list of kinds, e.g. 'an NHS number and a postcode'."""
    names = [KIND_NAMES[kind] for kind in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
