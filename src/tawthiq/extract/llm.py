"""Optional LLM backend: any OpenAI-compatible chat endpoint, asked for the extraction format.

Nothing the model says is trusted: every evidence quote must occur verbatim in the
document (offsets are computed here, never taken from the model), otherwise the item is
dropped and counted; vocabulary terms are checked against tawthiq.vocabulary. Long
documents are sent in paragraph-aligned chunks and the chunks' results merged.
"""

import json
import re

import httpx

from tawthiq import vocabulary as V
from tawthiq.extract.merge import merge_results
from tawthiq.extract.run import BackendUnavailable, DocumentInput, Extraction

CHUNK_CHARS = 8000
ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)

SCHEMA_EXAMPLE = {
    "persons": [{"id": "p1", "name": "Full Name As Written", "aliases": [], "rank": "captain", "age": 30,
                 "origin": "town or governorate", "pseudonym": False, "roles": ["defector"],
                 "evidence": [{"quote": "exact words copied from the text"}]}],
    "organizations": [{"id": "o1", "name": "Unit Name", "kind": "brigade", "side": "government", "parent": None}],
    "events": [{"id": "e1", "type": "defection", "subjects": ["p1"], "agents": ["o1"], "date": "2012-07",
                "date_end": None, "place": None, "manner": None,
                "evidence": [{"quote": "exact words copied from the text"}]}],
    "claims": [{"id": "c1", "quantity": 4000, "quantity_high": None, "qualifier": "more_than",
                "category": "defection", "population": "officers", "place": None, "period_start": None,
                "period_end": None, "attributed_to": None,
                "evidence": [{"quote": "exact words copied from the text"}]}],
}


def system_prompt() -> str:
    """The instructions, with the schema and the project's vocabulary."""

    def terms(mapping):
        return "\n".join(f"- {k}: {v}" for k, v in mapping.items()) if isinstance(mapping, dict) else ", ".join(mapping)

    return f"""You extract structured records from reports about military defection in Syria.
Answer with ONE JSON object and nothing else, shaped like this example:
{json.dumps(SCHEMA_EXAMPLE, indent=1)}

Rules:
- A person is any individual named in the body of the text (by name, pseudonym or nom de guerre), including
  quoted sources; not bylines or translators. pseudonym is true when the text says the name is a pseudonym
  or withholds the full name to protect the person.
- Every person, event and claim needs at least one evidence quote: a short passage (under 200 characters)
  copied EXACTLY, character for character, from the text. Never paraphrase a quote.
- ids are local (p1, o1, e1, c1); subjects, agents and parent refer to them.
- Dates are ISO prefixes: YYYY, YYYY-MM or YYYY-MM-DD. Resolve relative dates against the publication date
  when it is given; otherwise use null.
- A claim is a figure about many people or operations; a figure about one named person is an event.
  For "tens of thousands" use quantity 10000, quantity_high 99999, qualifier order_of.

events[].type and claims[].category (use only these):
{terms(V.EVENT_TYPES)}
events[].manner (death only): {terms(list(V.DEATH_MANNERS))}
persons[].rank: {terms(V.RANKS)}
persons[].roles: {terms(list(V.PERSON_ROLES))}
organizations[].kind: {terms(list(V.ORGANIZATION_KINDS))}
organizations[].side: {terms(list(V.SIDES))}
claims[].qualifier: {terms(list(V.CLAIM_QUALIFIERS))}"""


class LLMError(Exception):
    """The endpoint failed for this document (a bad reply); other documents may still work."""


def chat_url(url: str) -> str:
    """The chat completions address, whether the configured URL ends in /v1 or not."""
    base = url.strip().rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if not re.search(r"/v\d+$", base):
        base += "/v1"
    return base + "/chat/completions"


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pairs covering `text`, cut at paragraph ends, else at whitespace."""
    out, start = [], 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            if cut > start:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def parse_reply(content: str) -> dict:
    """The JSON object in a model's reply, tolerating code fences and text around it."""
    fenced = FENCE.search(content)
    if fenced:
        content = fenced.group(1)
    begin = content.find("{")
    if begin < 0:
        raise LLMError("the LLM reply holds no JSON object")
    try:
        value, _ = json.JSONDecoder().raw_decode(content[begin:])
    except json.JSONDecodeError as exc:
        raise LLMError(f"the LLM reply is not valid JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(value, dict):
        raise LLMError("the LLM reply is not a JSON object")
    return value


def _int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\d[\d,]*", value.strip()):
        return int(value.strip().replace(",", ""))
    return None


def _iso(value):
    return value if isinstance(value, str) and ISO_PREFIX.match(value) else None


def _term(value, vocabulary, default=None):
    value = value.strip().lower().replace(" ", "_") if isinstance(value, str) else value
    if vocabulary is V.RANKS and isinstance(value, str):
        value = value.replace("_", " ")
    return value if value in vocabulary else default


class _Cleaner:
    """Checks one chunk's reply against the document: verbatim quotes, vocabulary, references."""

    def __init__(self, text: str, offset: int, piece: str):
        self.text, self.offset, self.piece = text, offset, piece
        self.dropped = 0
        self.invalid = 0

    def evidence(self, item: dict, required: bool = True) -> list | None:
        """Verbatim evidence with offsets, or None when any quote is not in the document."""
        raw = item.get("evidence")
        raw = raw if isinstance(raw, list) else []
        out = []
        for ev in raw:
            quote = ev.get("quote") if isinstance(ev, dict) else ev if isinstance(ev, str) else None
            if not isinstance(quote, str) or not quote.strip():
                return None
            at = self.piece.find(quote)
            start = self.offset + at if at >= 0 else self.text.find(quote)
            if start < 0:
                return None
            out.append({"quote": quote, "start": start, "end": start + len(quote)})
        if required and not out:
            return None
        return out

    def items(self, reply: dict, kind: str) -> list[dict]:
        raw = reply.get(kind)
        return [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []

    def clean(self, reply: dict) -> dict:
        out = {"persons": [], "organizations": [], "events": [], "claims": []}
        for person in self.items(reply, "persons"):
            name = person.get("name")
            evidence = self.evidence(person)
            if evidence is None:
                self.dropped += 1
                continue
            if not isinstance(name, str) or not name.strip():
                self.invalid += 1
                continue
            age = _int(person.get("age"))
            out["persons"].append({
                "id": str(person.get("id")), "name": name.strip(),
                "aliases": [a for a in person.get("aliases") or [] if isinstance(a, str) and a.strip()],
                "rank": _term(person.get("rank"), V.RANKS),
                "age": age if age and 0 < age < 130 else None,
                "origin": person.get("origin") if isinstance(person.get("origin"), str) else None,
                "pseudonym": person.get("pseudonym") is True,
                "roles": [r for r in (_term(r, V.PERSON_ROLES) for r in person.get("roles") or []) if r],
                "evidence": evidence,
            })
        for org in self.items(reply, "organizations"):
            name = org.get("name")
            if not isinstance(name, str) or not name.strip():
                self.invalid += 1
                continue
            evidence = self.evidence(org, required=False)
            # An organisation needs no quote, but its name must be in the text.
            if evidence is None or (not evidence and name.strip().casefold() not in self.text.casefold()):
                self.dropped += 1
                continue
            out["organizations"].append({
                "id": str(org.get("id")), "name": name.strip(),
                "kind": _term(org.get("kind"), V.ORGANIZATION_KINDS, "other"),
                "side": _term(org.get("side"), V.SIDES), "parent": org.get("parent"),
                **({"evidence": evidence} if evidence else {}),
            })
        refs = {item["id"] for kind in ("persons", "organizations") for item in out[kind]}
        for org in out["organizations"]:
            org["parent"] = org["parent"] if org["parent"] in refs else None
        for event in self.items(reply, "events"):
            evidence = self.evidence(event)
            if evidence is None:
                self.dropped += 1
                continue
            kind = _term(event.get("type"), V.EVENT_TYPES)
            if kind is None:
                self.invalid += 1
                continue
            out["events"].append({
                "id": str(event.get("id")), "type": kind,
                "subjects": [s for s in event.get("subjects") or [] if s in refs],
                "agents": [a for a in event.get("agents") or [] if a in refs],
                "date": _iso(event.get("date")), "date_end": _iso(event.get("date_end")),
                "place": event.get("place") if isinstance(event.get("place"), str) else None,
                "manner": _term(event.get("manner"), V.DEATH_MANNERS) if kind == "death" else None,
                "evidence": evidence,
            })
        for claim in self.items(reply, "claims"):
            evidence = self.evidence(claim)
            if evidence is None:
                self.dropped += 1
                continue
            category, quantity = _term(claim.get("category"), V.EVENT_TYPES), _int(claim.get("quantity"))
            if category is None or quantity is None:
                self.invalid += 1
                continue
            text_field = {f: claim.get(f) if isinstance(claim.get(f), str) else None
                          for f in ("population", "place", "attributed_to")}
            out["claims"].append({
                "id": str(claim.get("id")), "quantity": quantity, "quantity_high": _int(claim.get("quantity_high")),
                "qualifier": _term(claim.get("qualifier"), V.CLAIM_QUALIFIERS, "exact"), "category": category,
                **text_field, "period_start": _iso(claim.get("period_start")),
                "period_end": _iso(claim.get("period_end")), "evidence": evidence,
            })
        return out


class LLMBackend:
    """Asks an OpenAI-compatible endpoint for the extraction format, chunk by chunk."""

    name = "llm"

    def __init__(self, url: str, *, model: str = "", key: str = "", timeout: float = 180.0,
                 chunk_chars: int = CHUNK_CHARS, transport: httpx.BaseTransport | None = None):
        self.url = chat_url(url)
        self.model = model or "default"
        self.chunk_chars = chunk_chars
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def ask(self, messages: list[dict]) -> str:
        body = {"model": self.model, "messages": messages, "temperature": 0,
                "response_format": {"type": "json_object"}}
        try:
            response = self.client.post(self.url, json=body)
            if response.status_code == 400:
                # Some servers refuse response_format; the prompt asks for JSON anyway.
                body.pop("response_format")
                response = self.client.post(self.url, json=body)
        except httpx.HTTPError as exc:
            raise BackendUnavailable(f"cannot reach the LLM endpoint {self.url}: {exc or type(exc).__name__}") from None
        if response.status_code in (401, 403, 404):
            raise BackendUnavailable(f"the LLM endpoint {self.url} answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise LLMError(f"the LLM endpoint answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            return response.json()["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMError("the LLM endpoint's answer is not an OpenAI-style chat completion") from None

    def extract(self, document: DocumentInput) -> Extraction:
        header = "\n".join(
            f"{label}: {value}" for label, value in (
                ("Title", document.title), ("Publisher", document.publisher),
                ("Publication date", document.published.isoformat() if document.published else "unknown"),
            ) if value
        )
        result = {"persons": [], "organizations": [], "events": [], "claims": []}
        dropped = invalid = 0
        for offset, piece in chunks(document.text, self.chunk_chars):
            if not piece.strip():
                continue
            reply = parse_reply(self.ask([
                {"role": "system", "content": system_prompt()},
                {"role": "user", "content": f"{header}\n\nText:\n{piece}"},
            ]))
            cleaner = _Cleaner(document.text, offset, piece)
            result = merge_results(result, cleaner.clean(reply))
            dropped += cleaner.dropped
            invalid += cleaner.invalid
        return Extraction(result, dropped=dropped, invalid=invalid)
