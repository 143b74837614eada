"""The LLM backend against a small local OpenAI-compatible server started by the test.

The server answers with canned replies; one of them carries a fabricated quote, which
must be dropped and counted. Every name here is fictional.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tawthiq.extract.llm import LLMBackend, LLMError, chat_url, chunks, parse_reply, system_prompt
from tawthiq.extract.run import BackendUnavailable, DocumentInput, Extraction, MergedBackend, get_backend

TEXT = (
    "Lieutenant Karam Nassouf, 28, left his post in the fictional 41st Regiment in June 2013.\n\n"
    "He reached the border three days later, he said. His cousin Walid Nassouf was arrested in 2014.\n\n"
    "A local monitoring group says at least 120 soldiers from the area defected that year."
)

REPLY = {
    "persons": [
        {"id": "p1", "name": "Karam Nassouf", "aliases": [], "rank": "Lieutenant", "age": "28", "origin": None,
         "pseudonym": False, "roles": ["defector"], "evidence": [{"quote": "Lieutenant Karam Nassouf, 28"}]},
        {"id": "p2", "name": "Walid Nassouf", "roles": ["family", "victim"],
         "evidence": [{"quote": "His cousin Walid Nassouf was arrested in 2014"}]},
        # Fabricated: the document never says this.
        {"id": "p3", "name": "Rami Haddad", "roles": ["commander"],
         "evidence": [{"quote": "commanded by Colonel Rami Haddad"}]},
    ],
    "organizations": [
        {"id": "o1", "name": "41st Regiment", "kind": "Regiment", "side": "government", "parent": None},
        {"id": "o2", "name": "99th Armoured Corps", "kind": "division", "side": "government", "parent": None},
    ],
    "events": [
        {"id": "e1", "type": "defection", "subjects": ["p1"], "agents": [], "date": "2013-06",
         "evidence": [{"quote": "left his post in the fictional 41st Regiment in June 2013"}]},
        {"id": "e2", "type": "arrest", "subjects": ["p2", "p3"], "date": "2014",
         "evidence": [{"quote": "Walid Nassouf was arrested in 2014"}]},
        {"id": "e3", "type": "parade", "subjects": ["p1"], "evidence": [{"quote": "He reached the border"}]},
    ],
    "claims": [
        {"id": "c1", "quantity": "120", "qualifier": "at least", "category": "defection",
         "population": "soldiers", "evidence": [{"quote": "at least 120 soldiers from the area defected"}]},
    ],
}


class Server:
    """A ThreadingHTTPServer on 127.0.0.1:<free port> that records requests and answers from a script."""

    def __init__(self, answer):
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                status, payload = answer(body)
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(content: str) -> dict:
    return {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}


@pytest.fixture
def llm_server():
    with Server(lambda body: (200, completion("```json\n" + json.dumps(REPLY) + "\n```\nHope this helps."))) as server:
        yield server


def doc(text=TEXT, **kw) -> DocumentInput:
    return DocumentInput(doc_id="fict-llm", text=text, **kw)


def test_llm_keeps_verbatim_items_with_computed_offsets_and_drops_fabrications(llm_server):
    extraction = LLMBackend(llm_server.url, model="tiny", key="secret").extract(doc())
    result = extraction.result
    assert [p["name"] for p in result["persons"]] == ["Karam Nassouf", "Walid Nassouf"]
    assert extraction.dropped == 2  # the fabricated quote, and the organisation not in the text
    assert extraction.invalid == 1  # the 'parade' event is outside the vocabulary
    for kind in ("persons", "events", "claims"):
        for item in result[kind]:
            for ev in item["evidence"]:
                assert TEXT[ev["start"]:ev["end"]] == ev["quote"]
    karam = result["persons"][0]
    assert (karam["rank"], karam["age"]) == ("lieutenant", 28)
    assert [o["name"] for o in result["organizations"]] == ["41st Regiment"]  # the other is not in the text
    assert result["organizations"][0]["kind"] == "regiment"
    arrest = next(e for e in result["events"] if e["type"] == "arrest")
    walid = next(p["id"] for p in result["persons"] if p["name"] == "Walid Nassouf")
    assert arrest["subjects"] == [walid]  # the dropped person is no longer a subject
    assert result["claims"][0]["quantity"] == 120 and result["claims"][0]["qualifier"] == "at_least"

    request = llm_server.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret"
    assert request["body"]["temperature"] == 0 and request["body"]["response_format"] == {"type": "json_object"}
    assert request["body"]["model"] == "tiny"
    assert "enforced_disappearance" in request["body"]["messages"][0]["content"]


def test_long_documents_are_sent_in_chunks_and_merged(llm_server):
    long_text = "\n\n".join([TEXT] * 4)
    extraction = LLMBackend(llm_server.url + "/v1/", chunk_chars=len(TEXT) + 5).extract(doc(long_text))
    assert len(llm_server.requests) == 4
    assert all(r["path"] == "/v1/chat/completions" for r in llm_server.requests)
    assert [p["name"] for p in extraction.result["persons"]] == ["Karam Nassouf", "Walid Nassouf"]
    karam = extraction.result["persons"][0]
    # Each chunk's quote is located in its own chunk: four spans, all verbatim.
    assert len({ev["start"] for ev in karam["evidence"]}) == 4
    assert all(long_text[ev["start"]:ev["end"]] == ev["quote"] for ev in karam["evidence"])
    assert extraction.dropped == 8


def test_results_are_merged_with_the_rules_result(llm_server):
    class Rules:
        name = "rules"

        def extract(self, document):
            start = TEXT.index("Karam Nassouf")
            return Extraction({
                "persons": [{"id": "p1", "key": "karam", "name": "Karam Nassouf", "aliases": ["K. Nassouf"],
                             "rank": None, "age": None, "roles": ["source"],
                             "evidence": [{"quote": "Karam Nassouf", "start": start, "end": start + 13}]}],
                "organizations": [], "events": [], "claims": [],
            })

    merged = MergedBackend(LLMBackend(llm_server.url), base=Rules()).extract(doc())
    persons = merged.result["persons"]
    assert [p["name"] for p in persons] == ["Karam Nassouf", "Walid Nassouf"]
    karam = persons[0]
    assert karam["extractor"] == "rules" and karam["key"] == "karam"
    assert karam["rank"] == "lieutenant" and karam["roles"] == ["source", "defector"]
    assert {ev["quote"] for ev in karam["evidence"]} == {"Karam Nassouf", "Lieutenant Karam Nassouf, 28"}
    assert persons[1]["extractor"] == "llm"
    assert merged.dropped == 2


def test_unreachable_endpoint_and_missing_url_stop_the_run_with_a_reason():
    with Server(lambda body: (200, completion("{}"))) as server:
        url = server.url
    with pytest.raises(BackendUnavailable, match="cannot reach the LLM endpoint"):
        LLMBackend(url, timeout=2).extract(doc())
    with pytest.raises(BackendUnavailable, match="TAWTHIQ_LLM_URL"):
        get_backend("llm", llm_url="")


def test_http_errors_and_bad_replies_are_one_document_errors():
    with Server(lambda body: (500, {"error": "overloaded"})) as server:
        with pytest.raises(LLMError, match="HTTP 500"):
            LLMBackend(server.url).extract(doc())
    with Server(lambda body: (401, {"error": "no key"})) as server:
        with pytest.raises(BackendUnavailable, match="HTTP 401"):
            LLMBackend(server.url).extract(doc())
    with Server(lambda body: (200, completion("I cannot help with that."))) as server:
        with pytest.raises(LLMError, match="no JSON"):
            LLMBackend(server.url).extract(doc())
    with Server(lambda body: (200, {"unexpected": True})) as server:
        with pytest.raises(LLMError, match="not an OpenAI-style"):
            LLMBackend(server.url).extract(doc())


def test_servers_refusing_response_format_are_asked_again_without_it():
    def answer(body):
        return (400, {"error": "response_format unsupported"}) if "response_format" in body else (200, completion("{}"))

    with Server(answer) as server:
        extraction = LLMBackend(server.url).extract(doc())
    assert extraction.result["persons"] == [] and len(server.requests) == 2


def test_reply_parsing_tolerates_fences_and_trailing_text():
    assert parse_reply('Here you go: {"persons": []} -- done {') == {"persons": []}
    assert parse_reply('```\n{"a": {"b": 1}}\n```') == {"a": {"b": 1}}
    with pytest.raises(LLMError, match="not valid JSON"):
        parse_reply('{"persons": [}')


def test_chat_url_accepts_base_urls_with_or_without_v1():
    assert chat_url("http://h:1") == "http://h:1/v1/chat/completions"
    assert chat_url("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert chat_url("https://h/openai/v1") == "https://h/openai/v1/chat/completions"
    assert chat_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"


def test_chunks_cover_the_text_at_paragraph_boundaries():
    text = "para one\n\n" + "x " * 40 + "\n\nlast"
    pieces = chunks(text, 30)
    assert "".join(p for _, p in pieces) == text
    assert all(text[o:o + len(p)] == p for o, p in pieces)
    assert pieces[0][1] == "para one\n\n"
    assert chunks("", 30) == []


def test_prompt_carries_the_whole_vocabulary():
    from tawthiq import vocabulary as V

    prompt = system_prompt()
    for term in [*V.EVENT_TYPES, *V.RANKS, *V.ORGANIZATION_KINDS, *V.CLAIM_QUALIFIERS, *V.PERSON_ROLES]:
        assert term in prompt


@pytest.mark.django_db
def test_extract_command_with_the_llm_backend_saves_merged_items_and_counts_drops(llm_server, settings, monkeypatch):
    from typer.testing import CliRunner

    from tawthiq.cli import app
    from tawthiq.extract.run import RulesBackend
    from tawthiq.store import models as M

    def rules(self, document):
        start = document.text.index("Walid Nassouf")
        return Extraction({"persons": [{"id": "p1", "key": "walid", "name": "Walid Nassouf", "roles": ["victim"],
                                        "evidence": [{"quote": "Walid Nassouf", "start": start, "end": start + 13}]}]})

    monkeypatch.setattr(RulesBackend, "extract", rules)
    settings.LLM_URL, settings.LLM_MODEL, settings.LLM_KEY = llm_server.url + "/v1", "tiny", ""
    M.Document.objects.create(doc_id="fict-llm", text=TEXT, sha256="1" * 64)
    result = CliRunner().invoke(app, ["extract", "--backend", "llm"])
    out = " ".join(result.output.split())
    assert result.exit_code == 0, out
    assert "dropped because a quote was not verbatim in the document: 2" in out
    people = dict(M.Person.objects.values_list("name", "extractor"))
    assert people == {"Walid Nassouf": "rules", "Karam Nassouf": "llm"}
    assert M.Event.objects.filter(extractor="llm").count() == 2
    for ev in M.Evidence.objects.all():
        assert TEXT[ev.start:ev.end] == ev.quote

    # A rules-only re-run leaves what only the LLM suggested (it is not the rules' to remove)
    # and brings the rules' person back to what the rules say.
    result = CliRunner().invoke(app, ["extract", "--force"])
    assert result.exit_code == 0
    assert dict(M.Person.objects.values_list("name", "extractor")) == people
    walid = M.Person.objects.get(name="Walid Nassouf")
    assert list(walid.evidence.values_list("quote", flat=True)) == ["Walid Nassouf"]
    assert M.Event.objects.filter(extractor="llm").count() == 2


@pytest.mark.django_db
def test_extract_command_stops_cleanly_when_the_endpoint_is_unreachable(settings, monkeypatch):
    from typer.testing import CliRunner

    from tawthiq.cli import app
    from tawthiq.extract.run import RulesBackend
    from tawthiq.store import models as M

    monkeypatch.setattr(RulesBackend, "extract", lambda self, document: Extraction({}))
    with Server(lambda body: (200, completion("{}"))) as server:
        settings.LLM_URL = server.url
    M.Document.objects.create(doc_id="fict-llm", text=TEXT, sha256="1" * 64)
    result = CliRunner().invoke(app, ["extract", "--backend", "llm"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "cannot reach the LLM endpoint" in " ".join(result.output.split())


@pytest.mark.django_db
def test_protected_documents_are_not_sent_to_the_llm_unless_asked(llm_server, settings, monkeypatch):
    from typer.testing import CliRunner

    from tawthiq.cli import app
    from tawthiq.extract.run import RulesBackend
    from tawthiq.store import models as M

    monkeypatch.setattr(RulesBackend, "extract", lambda self, document: Extraction({}))
    settings.LLM_URL = llm_server.url
    M.Document.objects.create(doc_id="fict-protected", text=TEXT, sha256="2" * 64, protected=True)
    result = CliRunner().invoke(app, ["extract", "--backend", "llm"])
    assert result.exit_code == 0
    assert "1 protected documents were not sent to the LLM" in " ".join(result.output.split())
    assert llm_server.requests == [] and not M.Person.objects.exists()
    result = CliRunner().invoke(app, ["extract", "--backend", "llm", "--force", "--send-protected"])
    assert result.exit_code == 0 and len(llm_server.requests) == 1
    assert M.Person.objects.filter(protected=True).count() == 2
