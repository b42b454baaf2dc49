"""Hostile input, generated: random and malicious requests to every route of the URL map
never give a 500, on both stores, and whatever is stored comes back escaped.

The routes come from ``app.url_map`` (routes added later are fuzzed too). Requests are
sent by an administrator, signed in with a valid CSRF token, or by a fresh anonymous
client: random query strings, raw urlencoded bodies and multipart bodies with hostile
part headers; URL parameters are real values of a seeded store or random text. The
number of requests sent and of 500s seen is printed at the end of the session.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import ROOT, PostgresSchema, add_user, make_app

NASTY = [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --",
    "=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "\x00", "a\x00b", "\u202e", "\ud7ff",
    "𝕏" * 50, "é" * 3000, "${{7*7}}", "{{ config }}", "%(label)s", "../../etc/passwd", "",
    "1e308", "-0", "NaN", "Infinity", "-Infinity", "sNaN", "9" * 400, "2025-02-30", "yes",
    "na", "\r\n" * 100, "1E+999999999999999999", "-1e999999", "1e-999999",
    "0E+999999999999999999", "²", "₁", "٣", "-1", "0", "/admin/\r\nSet-Cookie: x=y",
    "//evil.example", "/\\evil.example", "/admin/%0d%0aX:%20y", "/admin", "\x01\x7f\x1b",
    "\ufeff",
]
NUMBERS = ["1E+999999999999999999", "-9e+99999999", "1e1000000", "-1e999999", "1e-999999",
           "1E-999999999999999999", "NaN", "Infinity", "9" * 400,
           "0E+999999999999999999", "1,5", "1 234,56 $", "$-1", "0x10", "1_000", "٣", "²"]
DIGITS = ["²", "₁", "٣", "-1", "0", "1e3", " 2", "9" * 40, "2", "", "x"]
REDIRECTS = ["/admin/\r\nSet-Cookie: x=y", "/admin/%0d%0aX:%20y", "/admin/%250d%250a",
             "//evil.example", "/\\evil.example", "/admin\\x", "https://evil.example/",
             "/admin//evil.example", "/admin/\u2028", "/admin/forms/x/?page=2", "/admin"]
ACTIONS = ["next", "back", "save", "submit", "lang:fr", "lang:xx", "add:actions",
           "remove:actions:0", "remove:actions:²", "remove:x:-1", "add:x\r\nX: y",
           "disable", "enable", "reset", "forms", "yes"]
texts = st.one_of(st.sampled_from(NASTY), st.sampled_from(NUMBERS), st.text(max_size=120),
                  st.integers(-10**20, 10**20).map(str), st.sampled_from(NUMBERS))
#: keys the application reads, each with the values most likely to hurt it.
KEYS = {"page": DIGITS, "next": REDIRECTS, "_action": ACTIONS, "action": ACTIONS,
        "lang": ["fr", "en", "xx", "\x00"], "doc_lang": ["fr", "xx"],
        "values": ["codes", "labels", "x"], "q": ["\x00", "a\x00b", "%", "_", "é"],
        "sort": ["submitted", "x", "-"], "order": ["asc", "x"], "status": ["new", "x"],
        "review": ["new", "x"], "since": ["2025-02-30", "²"], "until": ["9999-99-99"],
        "lang_filter": ["fr", "xx"], "from": ["\x00", "x"], "reference": ["\x00", "x"],
        "region": ["\x00", "east"], "kind": ["x"], "code": ["\x00", "ABCD-EFGH"],
        "email": ["admin@example.ca\x00", "\x00", "a@b"], "password": ["\x00", ""],
        "confirm": ["yes", "\x00"], "comment": ["a\x00b", "\x00" * 5], "role": ["admin", "x"],
        "forms": ["membership", "\x00"], "_key": ["\x00", "a" * 16], "csrf_token": ["x"]}


@dataclass(frozen=True)
class Field:
    """One of the seed forms' own field names (``q_…``), resolved against the app."""

    pick: int


keys = st.one_of(st.sampled_from(sorted(KEYS)), st.builds(Field, st.integers(0, 10**4)),
                 texts)


@st.composite
def pairs(draw) -> tuple[tuple[object, str], ...]:
    """Query or form pairs: known keys with their hostile values, field names with
    hostile numbers and text, random keys."""
    result = []
    for key in draw(st.lists(keys, max_size=8)):
        if isinstance(key, str) and key in KEYS:
            value = draw(st.one_of(st.sampled_from(KEYS[key]), texts))
        else:
            value = draw(texts)
        result.append((key, value))
    return tuple(result)


FORMS = ["membership", "wellbeing", "workplan", "evaluation", "competency"]

#: requests sent and 500s seen, per store; printed when the session ends.
TALLY: Counter = Counter()


# -- what a request is made of (drawn without the app; resolved against it) ------------
@dataclass(frozen=True)
class Real:
    """A real value of the seeded store for the URL parameter it fills."""

    pick: int


@dataclass(frozen=True)
class Multipart:
    """Parts as (header lines, name, body); ``NAME`` in a header line is replaced by
    the part's name when the request is sent (names may be :class:`Field`)."""

    parts: tuple[tuple[tuple[bytes, ...], object, bytes], ...]
    boundary: bytes = b"fuzzb"
    content_type: str | None = None  # None: multipart/form-data; boundary=<boundary>
    truncate: int = 0

    def body(self, name_of) -> bytes:
        chunks = []
        for headers, name, body in self.parts:
            text = str(name_of(name))
            lines = [line.replace(b"QNAME", quote(text, errors="surrogatepass").encode())
                     .replace(b"NAME", text.replace('"', "").encode("utf-8", "surrogatepass"))
                     for line in headers]
            chunks.append(b"--" + self.boundary + b"\r\n" + b"\r\n".join(lines)
                          + b"\r\n\r\n" + body + b"\r\n")
        data = b"".join(chunks) + b"--" + self.boundary + b"--\r\n"
        return data[:-self.truncate] if self.truncate else data


@dataclass(frozen=True)
class Fuzz:
    """One request: a route (an index into the URL map, or an endpoint name), a method,
    URL parameters, query pairs and a body."""

    route: int | str
    method: str = "GET"
    params: tuple[tuple[str, Real | str | int], ...] = ()
    query: tuple[tuple[str, str], ...] | bytes = ()
    form: tuple[tuple[str, str], ...] = ()
    raw: bytes | None = None
    multipart: Multipart | None = None
    #: the CSRF token sent: "valid", "missing" or "forged".
    token: str = "valid"
    anonymous: bool = False
    #: the last byte of the client's address (sign-in limits count per address).
    address: int = 7


HEADER_LINES = [
    b'Content-Disposition: form-data; name="NAME"',
    b'Content-Disposition: form-data; name="NAME"',
    b"Content-Disposition: form-data; name",
    b"Content-Disposition: form-data; name=",
    b'Content-Disposition: form-data; name=""',
    b'Content-Disposition: form-data; name="NAME"; filename="a\r.txt"',
    b'Content-Disposition: form-data; filename="x"',
    b"Content-Disposition: form-data; name*=UTF-8''QNAME",
    b"Content-Disposition: form-data; name*=klingon''%ff",
    b"Content-Disposition: ;;;==;",
    b'Content-Disposition: form-data; name="a"; name="b"',
    b"Content-Type: text/plain; charset=klingon",
    b"Content-Type: text/plain; charset=utf-16",
    b"X-Nothing",
    b"",
]


@st.composite
def multipart_bodies(draw) -> Multipart:
    parts = []
    for name, value in draw(pairs()):
        headers = draw(st.lists(st.sampled_from(HEADER_LINES), min_size=1, max_size=3))
        body = draw(st.one_of(st.just(value.encode("utf-8", "surrogatepass")),
                              st.binary(max_size=40)))
        parts.append((tuple(headers), name, body))
    boundary = draw(st.sampled_from([b"fuzzb", b"fuzzb", b"x" * 71, b"a b", b"--", b"\xff"]))
    content_type = draw(st.sampled_from([
        None, None, None, "multipart/form-data", "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"fuzzb\"", "multipart/form-data; boundary=other",
        "multipart/mixed; boundary=fuzzb"]))
    return Multipart(tuple(parts), boundary, content_type,
                     draw(st.integers(0, 30)) if draw(st.booleans()) else 0)


@st.composite
def requests(draw) -> Fuzz:
    params = tuple((name, draw(st.one_of(st.builds(Real, st.integers(0, 10**6)),
                                          texts, st.integers(-5, 10**12),
                                          st.sampled_from(["\x00", "x\x00", "\x00" * 3]))))
                   for name in ("form_id", "response_id", "page", "token", "code",
                                "user_id", "fmt", "stem", "version", "ext", "filename",
                                "other"))
    query = draw(st.one_of(pairs(), pairs(), st.binary(max_size=80)))
    method = draw(st.sampled_from(["GET", "POST"]))
    form, raw, multipart = (), None, None
    body = draw(st.sampled_from(["form", "raw", "multipart"]))
    if method == "POST" and body == "form":
        form = draw(pairs())
    elif method == "POST" and body == "raw":
        raw = draw(st.binary(max_size=200))
    elif method == "POST":
        multipart = draw(multipart_bodies())
    return Fuzz(route=draw(st.integers(0, 10**6)), method=method, params=params,
                query=query, form=form, raw=raw, multipart=multipart,
                token=draw(st.sampled_from(["valid", "valid", "valid", "missing", "forged"])),
                anonymous=draw(st.integers(0, 9)) == 0, address=draw(st.integers(1, 254)))


# -- the application: both stores, seeded, an administrator signed in ------------------

class Target:
    """A seeded application, its routes and an administrator's client."""

    def __init__(self, app, store_name: str):
        from formkit.testing import Browser, submit

        self.app, self.store_name = app, store_name
        store = app.extensions["formkit"].store
        self.rules = sorted(((rule, method) for rule in app.url_map.iter_rules()
                             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})),
                            key=lambda item: (item[0].rule, item[1]))
        submitted = [submit(app, form_id) for form_id in FORMS]
        browser = Browser(app.test_client())
        browser.get("/f/membership/")
        browser.post("/f/membership/page/0", {"q_name": "Draft"}, action="save")
        code = re.search(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}",
                         browser.follow(browser.get("/f/membership/saved")).text
                         ).group(0)
        self.admin_user = add_user(app)
        coordinator = add_user(app, "coord@example.ca", "coordinator", forms=["membership"])
        with app.test_request_context("/"):
            from formkit.auth import issue_password_token
            from formkit.views.respond import result_url

            link = issue_password_token(add_user(app, "new@example.ca", "coordinator",
                                                 password=None))
            done = [result_url(r).rsplit("/", 1)[1] for r in submitted]
            done.append(self._invitation_token(app))
        drafts = [r.id for f in FORMS for r in store.iter_responses(f) if not r.is_submitted]
        self.real = {
            "form_id": FORMS + ["nope"],
            "response_id": [r.id for r in submitted] + drafts,
            "page": [0, 1, 2, 3, 40],
            "token": done + [link],
            "code": [code.replace("-", ""), code],
            "user_id": [self.admin_user.id, coordinator.id],
            "message_id": [self._dead_message(app), "email:none"],
            "fmt": ["csv", "json", "xlsx", "pdf"],
            "filename": ["formkit.css", "formkit.js"],
            "stem": ["formkit"], "ext": ["css", "js"],
        }
        self.real["version"] = [self._asset_version()]
        self.fields = sorted({name for f in FORMS for s in self._form(f).sections
                              for spec in s.fields if spec.stores_value
                              for name in spec.kind.sample_formdata(spec)})
        self.admin = None
        self.sign_in()
        with app.app_context():  # the API's routes are fuzzed with a token that may write
            from formkit.rest.tokens import create_token

            _record, secret = create_token(store, "fuzz", write=True)
        self.api_headers = {"Authorization": f"Bearer {secret}"}

    @staticmethod
    def _dead_message(app) -> str:
        """A message in the outbox's dead-letter list (the retry route's target)."""
        from formkit.outbox.queue import enqueue
        from formkit.storage import DEAD

        with app.app_context():
            enqueue("email:fuzz", "email", {"to": "a@example.ca", "subject": "s", "text": ""})
            app.extensions["formkit"].store.finish_message("email:fuzz", status=DEAD)
        return "email:fuzz"

    def _invitation_token(self, app) -> str:
        """The personal link's token of an invitation to a form (the /i/ routes)."""
        from formkit.invitation_list import Person
        from formkit.invitations import new_invitation, token_for

        invitation = new_invitation(self._form("membership"), Person("Fuzz", "f@example.ca"),
                                    [7], "en", None)
        app.extensions["formkit"].store.add_invitations([invitation])
        return token_for(invitation.id)

    def _form(self, form_id):
        return self.app.extensions["formkit"].registry.get_form(form_id)

    def _asset_version(self) -> str:
        with self.app.test_request_context("/"):
            from formkit.assets import digest

            return digest("formkit.css")

    def sign_in(self) -> None:
        from conftest import PASSWORD

        self.admin = self.app.test_client()
        self.admin.environ_base["REMOTE_ADDR"] = "198.51.100.1"
        page = self.admin.get("/admin/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.admin.post("/admin/login", data={
            "csrf_token": token, "email": self.admin_user.email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        page = self.admin.get("/admin/")
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def still_signed_in(self) -> None:
        """Sign-out, a password reset of one's own account…: sign in again."""
        if self.admin.get("/admin/").status_code != 200:
            self.sign_in()

    def name_of(self, key) -> str:
        return self.fields[key.pick % len(self.fields)] if isinstance(key, Field) else key

    def encode(self, pairs) -> str:
        return urlencode([(self.name_of(k), v) for k, v in pairs], errors="surrogatepass")

    def resolve(self, value, name: str):
        if isinstance(value, Real):
            pool = self.real.get(name) or [v for vs in self.real.values() for v in vs]
            return pool[value.pick % len(pool)]
        return value

    def url(self, rule, params: dict) -> str:
        values = {}
        for name in rule.arguments:
            value = self.resolve(params.get(name, params.get("other", "x")), name)
            converter = rule._converters.get(name)
            if type(converter).__name__ == "IntegerConverter":
                value = abs(value) if isinstance(value, int) else 0
            values[name] = value
        try:
            return self.app.url_map.bind("localhost").build(rule.endpoint, values,
                                                            method=None)
        except Exception:  # noqa: BLE001 - a value its converter refuses: a plain path
            return re.sub(r"<(?:[^:>]+:)?([^>]+)>",
                          lambda m: quote(str(values.get(m.group(1), "x")), safe=""),
                          rule.rule)


@pytest.fixture(scope="module", params=["tinydb", "postgresql"])
def fuzz_app(request, tmp_path_factory):
    schema = PostgresSchema() if request.param == "postgresql" else None
    config = {"STORE": schema.url} if schema else {}
    app = make_app(tmp_path_factory.mktemp(f"fuzz-{request.param}"),
                   FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(ROOT / "plugins"),
                   ARGON2_PROFILE="CHEAPEST", FORM_POSTS_PER_ADDRESS=(10**9, 60),
                   RESUME_FAILURES_PER_ADDRESS=(10**9, 60),
                   API_REQUESTS_PER_TOKEN=(10**9, 60), **config)
    app.fuzz_store = request.param
    yield app
    app.extensions["formkit"].store.close()
    if schema:
        schema.drop()


@pytest.fixture(scope="module")
def target(fuzz_app):
    return Target(fuzz_app, fuzz_app.fuzz_store)


@pytest.fixture(scope="module", autouse=True)
def tally_report(request):
    """Print the requests sent and the 500s seen (shrinking included), uncaptured."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin(
        "capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        for store in sorted({key[0] for key in TALLY}):
            reporter.write_line(f"fuzz [{store}]: {TALLY[store, 'sent']} requests sent, "
                                f"{TALLY[store, '500']} answered 500")


def send(target: Target, fuzz: Fuzz):
    """Send ``fuzz`` to its route; returns (url, response)."""
    if isinstance(fuzz.route, str):
        rule, method = next((r, m) for r, m in target.rules
                            if r.endpoint == fuzz.route and m == fuzz.method)
    else:  # a route taking the method drawn
        rules = [(r, m) for r, m in target.rules if m == fuzz.method] or target.rules
        rule, method = rules[fuzz.route % len(rules)]
    url = target.url(rule, dict(fuzz.params))
    # The WSGI query string is text holding bytes as latin-1; a request line cannot
    # carry a raw CR or LF (the server ends the line there), only their %-escapes.
    query = fuzz.query.replace(b"\r", b"%0D").replace(b"\n", b"%0A").decode(
        "latin-1") if isinstance(fuzz.query, bytes) else target.encode(fuzz.query)
    client = target.app.test_client() if fuzz.anonymous else target.admin
    client.environ_base["REMOTE_ADDR"] = f"192.0.2.{fuzz.address}"
    token = {"valid": target.token, "forged": "forged"}.get(fuzz.token, "")
    if fuzz.anonymous and fuzz.token == "valid":  # a session and a token of its own
        token = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get("/resume").text).group(1)
    kwargs: dict = {"query_string": query}
    if rule.endpoint.startswith("api.") and not fuzz.anonymous:
        kwargs["headers"] = target.api_headers
    csrf_pair = [("csrf_token", token)] if fuzz.token != "missing" else []
    if method == "POST":
        if fuzz.multipart is not None:
            multipart = fuzz.multipart
            if csrf_pair:
                first = ((b'Content-Disposition: form-data; name="NAME"',), "csrf_token",
                         token.encode())
                multipart = Multipart((first, *multipart.parts), multipart.boundary,
                                      multipart.content_type, multipart.truncate)
            kwargs["data"] = multipart.body(target.name_of)
            kwargs["content_type"] = multipart.content_type or (
                "multipart/form-data; boundary=" + multipart.boundary.decode("latin-1"))
        elif fuzz.raw is not None:
            kwargs["data"] = target.encode(csrf_pair).encode() + b"&" + fuzz.raw
            kwargs["content_type"] = "application/x-www-form-urlencoded"
        else:
            kwargs["data"] = target.encode([*csrf_pair, *fuzz.form])
            kwargs["content_type"] = "application/x-www-form-urlencoded"
    TALLY[target.store_name, "sent"] += 1
    try:  # the test app propagates exceptions: each is a 500 in production
        response = client.open(url, method=method, **kwargs)
        response.get_data()  # streamed exports run to the end
        response.close()
    except Exception:
        TALLY[target.store_name, "500"] += 1
        raise
    if response.status_code >= 500:
        TALLY[target.store_name, "500"] += 1
    if not fuzz.anonymous and rule.endpoint.startswith("admin.") and method == "POST":
        target.still_signed_in()
    return url, response


def _regression(route: str, method: str = "GET", **kwargs) -> Fuzz:
    return Fuzz(route=route, method=method, **kwargs)


NO_NAME = Multipart((((b"Content-Disposition: form-data; name",), "", b"x"),))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(fuzz=requests())
# Each input of issue 12 that gave a 500, as explicit examples.
@example(fuzz=_regression("respond.page", "POST", params=(("form_id", Real(1)),
                                                          ("page", 0)),
                          form=(("q_team_size", "1E+999999999999999999"),
                                ("_action", "save"))))
@example(fuzz=_regression("respond.page", "POST", params=(("form_id", Real(0)),
                                                          ("page", 0)),
                          form=(("q_name", "a\x00b"), ("_action", "lang:fr"))))
@example(fuzz=_regression("respond.resume", "POST", multipart=NO_NAME, token="missing"))
@example(fuzz=_regression("admin.login", "POST", multipart=NO_NAME, token="missing"))
@example(fuzz=_regression("admin.set_status", "POST", params=(("response_id", Real(0)),),
                          multipart=NO_NAME))
@example(fuzz=_regression("admin.login", "POST", raw=b"email=%ff\xff&password=x"))
@example(fuzz=_regression("admin.responses", params=(("form_id", Real(0)),),
                          query=(("page", "²"),)))
@example(fuzz=_regression("admin.summary", params=(("form_id", Real(0)),),
                          query=(("page", "₁"), ("q", "\x00"))))
@example(fuzz=_regression("admin.export", params=(("form_id", Real(0)), ("fmt", "csv")),
                          query=(("page", "٣"),)))
@example(fuzz=_regression("admin.accounts.audit_log", query=(("page", "²"),)))
@example(fuzz=_regression("admin.login", "POST", form=(("email", "admin@example.ca\x00"),
                                                       ("next", "/admin/\r\nX: y"))))
@example(fuzz=_regression("admin.login", query=(("next", "/admin/\r\nSet-Cookie: x=y"),)))
@example(fuzz=_regression("admin.set_status", "POST", params=(("response_id", Real(0)),),
                          form=(("status", "new"), ("comment", "a\x00b"))))
@example(fuzz=_regression("admin.response_view", params=(("response_id", "\x00"),)))
@example(fuzz=_regression("respond.page", "POST", params=(("form_id", Real(0)),
                                                          ("page", 0)),
                          form=(("_action", "add:x\r\nSet-Cookie: a=b"),)))
def test_every_route_takes_hostile_requests(target, fuzz):
    url, response = send(target, fuzz)
    assert response.status_code < 500, (url, fuzz)
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x onerror" not in body
    location = response.headers.get("Location", "")
    assert "\r" not in location and "\n" not in location
    assert urlsplit(location.replace("\\", "/")).netloc in ("", "localhost"), location


def test_the_fuzz_reaches_every_route_and_method(target):
    """Not only the routes a random draw happens to pick: each route and method once,
    with a hostile multipart body, hostile query and real URL parameters."""
    hostile = Multipart((((b"Content-Disposition: form-data; name",), "", b"x"),
                         ((b'Content-Disposition: form-data; name="NAME"',), "q", b"\x00\xff")))
    for rule, method in target.rules:
        fuzz = Fuzz(route=rule.endpoint, method=method, params=tuple(
            (name, Real(0)) for name in rule.arguments),
            query=(("page", "²"), ("next", "//evil.example"), ("q", "a\x00")),
            multipart=hostile if method == "POST" else None)
        url, response = send(target, fuzz)
        assert response.status_code < 500, url
        if method == "POST":
            assert response.status_code == 400, url  # the body is refused before any view
    assert len(target.rules) >= 25


BUTTONS = ["next", "back", "save", "submit", "confirm", "lang:fr", "lang:xx", "remove:x:-1", "",
           "add:x\r\nSet-Cookie: a=b"]


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(form_id=st.sampled_from(FORMS), page=st.integers(0, 6), data=st.data())
def test_random_answers_never_fail(target, form_id, page, data):
    """A form walked with valid answers up to a drawn page, whose own fields are then
    posted with hostile values (numbers, NUL, markup…) and a drawn button."""
    from formkit.testing import Browser, page_input

    form = target._form(form_id)
    browser = Browser(target.app.test_client())
    shown = browser.get(f"/f/{form_id}/")
    while True:
        index = int(re.search(r'action="/f/\w+/page/(\d+)"', shown.text).group(1))
        section = form.sections[index]
        if index >= page or 'value="confirm"' in shown.text:
            break
        response = browser.post(f"/f/{form_id}/page/{index}", page_input(section))
        TALLY[target.store_name, "sent"] += 1
        assert response.status_code == 302, response.status_code
        shown = browser.follow(response)
    names = [name for spec in section.fields if spec.stores_value
             for name in spec.kind.sample_formdata(spec)]
    chosen = data.draw(st.lists(st.sampled_from(names + ["junk", "q_x-0-q_y", "_key"]),
                                min_size=1, max_size=6))
    payload = {**page_input(section), **{name: data.draw(texts) for name in chosen}}
    tables = [spec.id for spec in section.fields if spec.kind.name == "table"]
    action = data.draw(st.sampled_from(BUTTONS + [f"add:{t}" for t in tables] + [
        f"remove:{t}:{n}" for t in tables for n in ["0", "1", "²", "٣", "-1", "9" * 30]]))
    TALLY[target.store_name, "sent"] += 1
    try:
        response = browser.post(f"/f/{form_id}/page/{index}", payload, action=action)
    except Exception:
        TALLY[target.store_name, "500"] += 1
        raise
    TALLY[target.store_name, "500"] += response.status_code >= 500
    assert response.status_code < 500, response.status_code
    if response.status_code == 302:  # drawn again from what was kept (Back, Save…)
        response = browser.client.get(f"/f/{form_id}/page/{index}")
        TALLY[target.store_name, "sent"] += 1
        assert response.status_code < 500, response.status_code
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "<img src=x onerror" not in body


def test_stored_hostile_text_comes_back_escaped_everywhere(target):
    from formkit.testing import Browser

    browser = Browser(target.app.test_client())
    browser.get("/f/membership/")
    hostile = '<script>alert("x")</script>'
    response = browser.post("/f/membership/page/0", {
        "q_name": hostile, "q_email": "a@b.ca", "q_community": hostile,
        "q_region": "east", "q_kind": "project"})
    assert response.status_code == 302
    page = browser.client.get("/f/membership/page/0").get_data(as_text=True)
    assert hostile not in page and "&lt;script&gt;" in page
