"""Who may open what: every named URL (pages, actions, the JSON API, the admin) for every role.

The named URLs come from the resolver, so a new page without an entry in EXPECTED fails
`test_every_named_url_has_an_expectation`. Each case is checked for every role: the status
(and where a redirect goes), and, for anyone who may not see protection, that no
protected name, quote, title or publisher is anywhere in the answer (error pages too).
Data: the fictional record of tests/web_seed.py.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tawthiq.store import models as M
from tawthiq.web.models import ApiToken
from web_seed import PASSWORD, seed, users

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "norole", "viewer", "analyst", "editor", "admin"]
# What exists only in protected records: a viewer must never receive any of it.
PROTECTED = ["Nasim Fadel", "Hidden Yamout", "Secret Orchard", "Confidential Testimony Desk",
             "Testimony of a sergeant", "told us in confidence", "testimony-1"]

LOGIN = "login"  # a redirect to the login page
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's login page


def reads(ok=200) -> dict:
    """A page every role may read."""
    return {"anonymous": LOGIN, "norole": 403, "viewer": ok, "analyst": ok, "editor": ok, "admin": ok}


def protected_reads(ok=200) -> dict:
    """A page about something protected: a viewer gets the same 404 as for a missing id."""
    return reads(ok) | {"viewer": 404}


def edits(done=302) -> dict:
    """An action for editors and admins only."""
    return {"anonymous": LOGIN, "norole": 403, "viewer": 403, "analyst": 403, "editor": done, "admin": done}


def api_reads() -> dict:
    return {"anonymous": 401, "norole": 403, "viewer": 200, "analyst": 200, "editor": 200, "admin": 200}


def api_protected_reads() -> dict:
    return api_reads() | {"viewer": 404}


def public(status=200) -> dict:
    return dict.fromkeys(ROLES, status)


def staff(ok=200) -> dict:
    """Django's admin: only the admin role (staff) gets in; everyone else is sent to its login."""
    return dict.fromkeys(ROLES, ADMIN_LOGIN) | {"admin": ok}


@dataclass
class Case:
    url: object  # callable(world) -> str
    expect: dict
    method: str = "get"
    data: dict = field(default_factory=dict)
    shows: str = ""  # a protected string those who may see protection must get (proves the case hits it)


def r(name, *keys, query=""):
    """A URL builder: reverse `name` with the pks (or literal strings) of seeded objects."""
    def build(w):
        args = [w[k].pk if k in w else k for k in keys]
        return reverse(name, args=args) + query
    return build


def api(path):
    return lambda w: "/api/" + path.format(**{k: getattr(v, "pk", None) for k, v in w.items() if k != "users"})


EXPECTED: dict[str, list[Case]] = {
    # --- pages -------------------------------------------------------------------------
    "login": [Case(r("login"), public(200) | {"norole": 302, "viewer": 302, "analyst": 302, "editor": 302,
                                             "admin": 302})],
    "logout": [Case(r("logout"), public(200), method="post")],  # the "logged out" page
    "dashboard": [Case(r("dashboard"), reads())],
    "documents": [Case(r("documents"), reads()), Case(r("documents", query="?q=defected"), reads()),
                  Case(r("documents", query="?q=confidence"), reads())],
    "document": [Case(r("document", "public"), reads()),
                 Case(r("document", "secret"), protected_reads(), shows="told us in confidence")],
    "protect-document": [Case(r("protect-document", "public"), edits(), method="post", data={"protected": "1"})],
    "review": [Case(r("review"), reads(302))],  # goes on to the first suggestion
    "review-item": [Case(r("review-item", "person", "zaid"), reads()),
                    Case(r("review-item", "person", "witness"), protected_reads(), shows="Nasim Fadel"),
                    Case(r("review-item", "event", "hidden_defection"), protected_reads(), shows="Hidden Yamout")],
    "review-action": [Case(r("review-action", "person", "zaid", "accept"), edits(), method="post"),
                      Case(r("review-action", "event", "witnessed", "reject"), edits(), method="post")],
    "review-accept-document": [Case(r("review-accept-document", "public"), edits(), method="post")],
    "persons": [Case(r("persons"), reads()), Case(r("persons", query="?q=Nasim"), reads()),
                Case(r("persons", query="?q=Yamout"), reads())],
    "person": [Case(r("person", "zaid"), reads()),
               Case(r("person", "witness"), protected_reads(), shows="Nasim Fadel"),
               Case(r("person", "hidden"), protected_reads(), shows="Hidden Yamout")],
    "protect-person": [Case(r("protect-person", "zaid"), edits(), method="post", data={"protected": "1"})],
    "person-split": [Case(r("person-split", "zaid2"), edits(), method="post")],
    "event": [Case(r("event", "defection"), reads()),
              Case(r("event", "witnessed"), protected_reads(), shows="Nasim Fadel"),
              Case(r("event", "hidden_defection"), protected_reads(), shows="Hidden Yamout")],
    "duplicates": [Case(r("duplicates"), reads())],
    "duplicate-decide": [Case(r("duplicate-decide", "candidate"), edits(), method="post", data={"decision": "merge"})],
    "organisations": [Case(r("organisations"), reads())],
    "organisation": [Case(r("organisation", "brigade"), reads()),
                     Case(r("organisation", "orchard"), protected_reads(), shows="Secret Orchard")],
    "claims": [Case(r("claims"), reads())],
    "claim": [Case(r("claim", "claim_a"), reads())],
    "history": [Case(r("history", "person", "zaid"), reads()),
                Case(r("history", "person", "witness"), protected_reads(), shows="Nasim Fadel"),
                Case(r("history", "document", "secret"), protected_reads(), shows="testimony-1")],
    # --- the JSON API (a session here; bearer tokens in test_api_with_tokens) ----------
    "api:api-root": [Case(api(""), public(404))],
    "api:openapi-json": [Case(api("openapi.json"), public(200))],
    "api:openapi-view": [Case(api("docs"), public(200))],
    "api:list_documents": [Case(api("documents"), api_reads())],
    "api:get_document": [Case(api("documents/herald-1"), api_reads()),
                         Case(api("documents/testimony-1"), api_protected_reads(), shows="told us in confidence")],
    "api:list_persons": [Case(api("persons"), api_reads()), Case(api("persons?q=Yamout"), api_reads())],
    "api:get_person": [Case(api("persons/{zaid}"), api_reads()),
                       Case(api("persons/{witness}"), api_protected_reads(), shows="Nasim Fadel")],
    "api:list_events": [Case(api("events"), api_reads())],
    "api:list_claims": [Case(api("claims"), api_reads())],
    "api:search": [Case(api("search?q=confidence"), api_reads()), Case(api("search?q=Nasim"), api_reads())],
    # --- Django's admin (user management) ------------------------------------------------
    "admin:index": [Case(r("admin:index"), staff())],
    "admin:login": [Case(r("admin:login"), public(200) | {"admin": 302})],
    "admin:logout": [Case(r("admin:logout"), public(302) | {"admin": 200}, method="post")],
    "admin:password_change": [Case(r("admin:password_change"), staff())],
    "admin:password_change_done": [Case(r("admin:password_change_done"), staff())],
    "admin:autocomplete": [Case(r("admin:autocomplete"), staff(403))],  # needs parameters
    "admin:jsi18n": [Case(r("admin:jsi18n"), staff())],
    "admin:view_on_site": [Case(r("admin:view_on_site", "user_type", "viewer_user"), staff(404))],
    "admin:app_list": [Case(r("admin:app_list", "auth"), staff())],
    **{f"admin:auth_{model}_{view}": [Case(r(f"admin:auth_{model}_{view}", *([f"{model}_obj"] if view != "changelist"
                                                                            and view != "add" else [])), staff())]
       for model in ("user", "group") for view in ("changelist", "add", "history", "delete", "change")},
    "admin:auth_user_password_change": [Case(r("admin:auth_user_password_change", "user_obj"), staff())],
}


def named_urls() -> set[str]:
    def walk(resolver, namespace=None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver()))


def test_every_named_url_has_an_expectation():
    names = named_urls()
    assert names - set(EXPECTED) == set(), "named URLs without an expectation in EXPECTED"
    assert set(EXPECTED) - names == set(), "expectations for URLs that no longer exist"


def make_world() -> dict:
    data = seed() | {"users": users()}
    admin = data["users"]["admin"]
    admin.is_staff = admin.is_superuser = True  # as `tawthiq createuser --role admin` makes it
    admin.save()
    data["users"]["norole"] = get_user_model().objects.create_user("norole", password=PASSWORD)
    other = M.Person.objects.create(document=data["public"], local_id="p3", name="Z. Qarawi", extractor="rules")
    data["candidate"] = M.MatchCandidate.objects.create(left=data["zaid"], right=other, match_weight=3.0,
                                                        match_probability=0.9)
    data["user_obj"] = data["users"]["viewer"]
    data["viewer_user"] = data["users"]["viewer"]
    data["group_obj"] = data["users"]["viewer"].groups.first()
    from django.contrib.contenttypes.models import ContentType

    data["user_type"] = ContentType.objects.get_for_model(get_user_model())
    return data


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; never for real
    return make_world()


def client_as(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def check(response, expected, url):
    if expected in (LOGIN, ADMIN_LOGIN):
        target = reverse("login") if expected == LOGIN else reverse("admin:login")
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(target), (url, response["Location"])
    else:
        assert response.status_code == expected, (url, response.status_code)


def request(client, case: Case, world) -> tuple[str, object, str]:
    url = case.url(world)
    response = client.post(url, case.data) if case.method == "post" else client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return url, response, body.decode("utf-8", errors="replace")


def problems(world, role, case: Case) -> list[str]:
    """What is wrong with one case for one role (empty when all is right)."""
    url, response, text = request(client_as(world, role), case, world)
    try:
        check(response, case.expect[role], url)
    except AssertionError as exc:
        return [f"{case.method.upper()} {url} as {role}: {exc}"]
    if role in ("anonymous", "norole", "viewer"):
        leaked = [s for s in PROTECTED if s in text]
        if leaked:
            return [f"{url} shows {leaked} to {role}"]
    elif case.shows and response.status_code == 200 and case.shows not in text:
        return [f"{url} should show {case.shows!r} to {role}"]
    return []


READ_CASES = [case for cases in EXPECTED.values() for case in cases if case.method == "get"]
ACTIONS = [(name, i) for name, cases in EXPECTED.items() for i, case in enumerate(cases) if case.method != "get"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_endpoint_for_each_role(world, role):
    """Every GET case for one role on one seeded record (reading changes nothing)."""
    found = [p for case in READ_CASES for p in problems(world, role, case)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name,index", ACTIONS, ids=[f"{n}[{i}]" for n, i in ACTIONS])
def test_every_action_for_each_role(world, name, index):
    """Actions change the record: each role acts inside a savepoint that is rolled back."""
    found = []
    for role in ROLES:
        savepoint = transaction.savepoint()
        found += problems(world, role, EXPECTED[name][index])
        transaction.savepoint_rollback(savepoint)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("role", ROLES)
def test_api_with_tokens(world, role):
    """The same answers with a bearer token instead of a session (anonymous: no header)."""
    client = Client()
    if role != "anonymous":
        _, raw = ApiToken.issue(world["users"][role])
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    for name, cases in EXPECTED.items():
        if not name.startswith("api:"):
            continue
        for case in cases:
            url = case.url(world)
            response = client.get(url)
            check(response, case.expect[role], url)
            if role in ("anonymous", "norole", "viewer"):
                assert not [s for s in PROTECTED if s in response.content.decode()], url
