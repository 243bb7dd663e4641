"""Issue 21, the hostile test's second pass: each finding has a regression test named
after it (the token rules are in tests/test_api_tokens.py). Every test here failed
before its fix; they run on SQLite and on PostgreSQL."""

import csv
import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from raak.programmes.models import Indicator, Round
from raak.programmes.status import change_round_state
from tests import races
from tests.conftest import api_token, sign_in
from tests.test_findings import questionnaire_round  # noqa: F401 - a fixture used below

P = "/raak-2008-2010"
A = "/api/v1/programmes/raak-2008-2010"
R1 = "eindrapportage-2011"  # the demo's published round
HUGE = "x" * 131_073  # one more than Python's csv field limit


# --- 500s that became clear answers -------------------------------------------------


def test_api_rounds_answer_200_once_a_publication_is_withdrawn(people, open_round):
    change_round_state(Round.objects.get(slug=R1), Round.WITHDRAWN, user=people["national"],
                       reason="fout gevonden")  # fmt: skip
    for who in ("coord_a", "viewer_a", "national"):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(people[who], 'read')}")
        listing = client.get(f"{A}/rounds")
        assert listing.status_code == 200, (who, listing.content)
        if who == "national":
            states = {r["slug"]: r["state"] for r in listing.json()["items"]}
            assert states[R1] == "withdrawn"
            assert client.get(f"{A}/rounds/{R1}").json()["state"] == "withdrawn"
    assert Client().get(f"{A}/rounds").status_code == 200


def test_every_model_choice_is_in_the_api_schemas_enums(db):
    """Walk the model's choices against the OpenAPI document: a state a row can hold
    but the schema does not allow is a 500 on the first such row."""
    import raak.api.urls  # noqa: F401 - the routers join the API when the URLs load
    from raak.api.api import api
    from raak.knowledge.models import ActionPoint, Activity
    from raak.programmes.models import MilestoneStatus

    schemas = api.get_openapi_schema()["components"]["schemas"]

    def enum(schema, field):
        prop = schemas[schema]["properties"][field]
        options = prop.get("enum") or [o["const"] for o in prop.get("anyOf", []) if "const" in o]
        if not options and "$ref" in prop:
            options = schemas[prop["$ref"].rsplit("/", 1)[-1]]["enum"]
        return set(options)

    pairs = [
        ("RoundOut", "state", Round.STATES),
        ("StatusOut", "status", MilestoneStatus.STATUSES),
        ("StatusIn", "status", MilestoneStatus.STATUSES),
        ("ActivityOut", "status", Activity.STATUSES),
        ("ActionPointOut", "status", ActionPoint.STATUSES),
    ]
    for schema, field, choices in pairs:
        assert enum(schema, field) == {k for k, _l in choices}, (schema, field)


def _gouda_status_url(rnd="voorjaar-2011"):
    return f"{A}/rounds/{rnd}/regions/gouda/statuses/handelingsprotocol"


@pytest.mark.parametrize("field", ["note", "expectedPeriod"])
def test_nul_in_an_api_status_patch_is_a_400_naming_the_field(people, open_round, field):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(people['coord_a'])}")
    url = _gouda_status_url()
    version = client.get(url)["ETag"]
    response = client.patch(url, json.dumps({field: "a\x00b"}), content_type="application/json",
                            HTTP_IF_MATCH=version)  # fmt: skip
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json()["invalidParams"])


def test_nul_in_an_api_indicator_patch_is_a_400_naming_the_field(people, open_round, demo):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(people['coord_a'])}")
    key = Indicator.objects.filter(programme=demo).first().key
    url = f"{A}/rounds/voorjaar-2011/regions/gouda/indicator-values/{key}"
    version = client.get(url)["ETag"]
    for body in ({"note": "\x00"}, {"category": "\x00"}):
        response = client.patch(url, json.dumps(body), content_type="application/json",
                                HTTP_IF_MATCH=version)  # fmt: skip
        assert response.status_code == 400, response.content
        assert next(iter(body)) in json.dumps(response.json()["invalidParams"])


def test_nul_in_the_coding_page_parent_field_is_a_400_naming_it(questionnaire_round, people):  # noqa: F811
    from raak.questionnaires.models import Theme

    client = sign_in(Client(), people["national"])
    url = f"{P}/vragenlijsten/test-vragenlijst/codering/?ronde=start"
    before = Theme.objects.count()
    response = client.post(url, {"action": "theme", "key": "nieuw", "name": "Nieuw",
                                 "parent": "a\x00b"})  # fmt: skip
    assert response.status_code == 400 and "parent" in response.content.decode()
    assert Theme.objects.count() == before


def test_nul_in_any_page_form_field_is_a_400_naming_it(people, open_round):
    client = sign_in(Client(), people["national"])
    response = client.post(f"{P}/rondes/", {"name": "Ronde\x00", "slug": "x"})
    assert response.status_code == 400 and "name" in response.content.decode()


def test_advisor_notes_with_month_0_1_is_not_a_500(people):
    client = sign_in(Client(), people["national"])
    for month in ("0-1", "99999-13", "2011-00", "-1--1", "2011-6"):
        assert client.get(f"{P}/adviseurs/?maand={month}").status_code == 200, month


@pytest.mark.parametrize("query", ["since=01-01-0001", "until=31-12-9999",
                                   "since=0001-01-01&until=9999-12-31"])  # fmt: skip
def test_security_log_far_dates_are_refused_not_a_500(people, query):
    client = sign_in(Client(), people["national"])
    page = client.get(f"{P}/beveiliging/logboek/?{query}")
    assert page.status_code == 200 and "Kies een datum tussen" in page.content.decode()
    assert client.get(f"{P}/beveiliging/logboek/csv/?{query}").status_code in (200, 404)


def test_reminder_every_days_after_huge_is_refused_not_a_500(people, open_round):
    client = sign_in(Client(), people["national"])
    url = f"{P}/ronde/voorjaar-2011/herinneringen/"
    response = client.post(url, {"days_before": "7", "every_days_after": "99999999999999999999",
                                 "max_after": "2", "subject": "Herinnering",
                                 "body": "Beste {naam}"})  # fmt: skip
    assert response.status_code == 200
    assert "every_days_after" in response.context["form"].errors


def test_report_text_save_with_a_stale_version_for_an_empty_chapter(people, knowledge, practice):
    from raak.reports import templates
    from raak.reports.models import ReportText

    templates.load(knowledge)
    client = sign_in(Client(), people["national"])
    assert client.post(f"{P}/rapporten/{R1}/nieuw/").status_code == 302
    response = client.post(f"{P}/rapporten/{R1}/tekst/conclusies/", {"text": "Nieuw", "version": 7})
    assert response.status_code == 200
    assert "klopt niet" in response.content.decode()
    assert not ReportText.objects.exists()


def test_round_deadline_31_12_9999_is_refused(people, open_round):
    client = sign_in(Client(), people["national"])
    response = client.post(f"{P}/rondes/", {
        "name": "Ver weg", "slug": "ver-weg", "peildatum": "01-01-2012", "opens_on": "01-01-2012",
        "closes_on": "31-12-9999"})  # fmt: skip
    assert response.status_code == 200
    assert "closes_on" in response.context["form"].errors
    assert not Round.objects.filter(slug="ver-weg").exists()
    dates = client.post(f"{P}/rondes/voorjaar-2011/termijn/",
                        {"voorjaar-2011-closes_on": "31-12-9999"})  # fmt: skip
    assert dates.status_code == 302
    assert Round.objects.get(slug="voorjaar-2011").closes_on != dt.date(9999, 12, 31)


def test_a_far_deadline_breaks_neither_the_reminders_page_nor_raak_remind(people, open_round):
    # A deadline stored before dates were bounded.
    Round.objects.filter(pk=open_round.pk).update(closes_on=dt.date(9999, 12, 31))
    client = sign_in(Client(), people["national"])
    assert client.get(f"{P}/ronde/voorjaar-2011/herinneringen/").status_code == 200
    call_command("remind", stdout=StringIO())


def test_raak_remind_isolates_one_rounds_failure(people, open_round, demo, monkeypatch):
    """One broken round is logged and skipped, the other rounds get their reminders,
    and the command exits non-zero at the end."""
    from raak.cycle import reminders
    from raak.programmes.status import open_round as open_

    other = open_(demo, slug="najaar-2011", name="Najaar 2011", peildatum=dt.date(2011, 12, 1),
                  user=people["national"])  # fmt: skip
    handled = []
    real = reminders.remind

    def remind(rnd, today=None, **kw):
        if rnd.pk == open_round.pk:
            raise OverflowError("date value out of range")
        handled.append(rnd.slug)
        return real(rnd, today, **kw)

    monkeypatch.setattr(reminders, "remind", remind)
    out = StringIO()
    with pytest.raises(CommandError, match="voorjaar-2011"):
        call_command("remind", stdout=out)
    assert handled == [other.slug] and "najaar-2011" in out.getvalue()


# --- CSV fields over Python's limit: refused by row and column ----------------------


def test_csv_field_over_131072_chars_is_named_by_row_and_column(db):
    from raak.programmes.tables import FormatError, csv_rows

    text = f'a,b,c\n1,2,3\n4,"{HUGE}",6\n'
    with pytest.raises(FormatError) as e:
        csv_rows(text, "x.csv")
    assert "x.csv, rij 3, kolom b" in str(e.value) and "131.072" in str(e.value)


def test_csv_row_with_more_values_than_the_header_is_refused_by_row(db):
    """A value without a column was once dropped without a word."""
    from raak.programmes.tables import FormatError, csv_rows

    with pytest.raises(FormatError) as e:
        csv_rows("a,b\n1,2\n3,4,vergeten\n", "x.csv")
    assert "x.csv, rij 3, kolom 3" in str(e.value) and "de kop heeft 2 kolommen" in str(e.value)
    # Empty trailing fields, as spreadsheet programs write them, are harmless.
    header, rows = csv_rows("a,b\n1,2,,\n", "x.csv")
    assert header == ["a", "b"] and rows == [(2, ["1", "2", "", ""])]


def test_csv_field_over_131072_chars_in_raak_users_import(people, tmp_path):
    path = tmp_path / "mensen.csv"
    path.write_text(f"email,role,region,name\nnieuw@example.org,viewer,gouda,{HUGE}\n")
    with pytest.raises(CommandError) as e:
        call_command("users", "import", "--programme", "raak-2008-2010", str(path),
                     stdout=StringIO())  # fmt: skip
    assert "mensen.csv, rij 2, kolom name" in str(e.value)


@pytest.fixture
def eindmeting(demo, people):
    from raak.programmes.status import open_round
    from raak.questionnaires import exchange

    template = Path(exchange.__file__).parent / "data" / "eindmeting-zorgcontinuum.json"
    version = exchange.load(template, publish=True)
    open_round(demo, slug="a", name="A", peildatum=dt.date(2011, 3, 1), user=people["national"])
    return version


def _responses_csv(path, version):
    keys = list(version.questions.order_by("position").values_list("key", flat=True))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["region", *keys])
        w.writerow(["gouda", *([""] * len(keys))])
        w.writerow(["leiden", HUGE, *([""] * (len(keys) - 1))])
    return path, keys[0]


def test_csv_field_over_131072_chars_in_raak_import_responses(eindmeting, tmp_path):
    from raak.questionnaires.models import Response

    path, first = _responses_csv(tmp_path / "antwoorden.csv", eindmeting)
    with pytest.raises(CommandError) as e:
        call_command("import", "responses", "--questionnaire", eindmeting.questionnaire.slug,
                     "--round", "a", str(path), stdout=StringIO())  # fmt: skip
    assert f"antwoorden.csv, rij 3, kolom {first}" in str(e.value)
    assert not Response.objects.exists()


def test_csv_field_over_131072_chars_in_the_web_response_upload(eindmeting, people, tmp_path):
    from raak.questionnaires.models import Response

    path, first = _responses_csv(tmp_path / "antwoorden.csv", eindmeting)
    client = sign_in(Client(), people["national"])
    url = f"{P}/vragenlijsten/{eindmeting.questionnaire.slug}/antwoorden-importeren/"
    with open(path, "rb") as f:
        response = client.post(url, {"round": "a", "file": f})
    assert response.status_code == 400  # the page's answer to a refused file
    assert f"rij 3, kolom {first}" in response.content.decode()
    assert not Response.objects.exists()


# --- unbounded imports: refused early with the limit named --------------------------


def test_xlsx_with_too_many_sheets_is_refused_before_reading(db, tmp_path, settings):
    import openpyxl

    from raak.programmes.tables import FormatError, read

    settings.IMPORT_MAX_SHEETS = 5
    wb = openpyxl.Workbook()
    for n in range(8):
        wb.create_sheet(f"s{n}")
    wb.save(tmp_path / "veel.xlsx")
    with pytest.raises(FormatError, match="IMPORT_MAX_SHEETS"):
        read(tmp_path / "veel.xlsx")


def test_xlsx_and_csv_with_too_many_rows_are_refused(db, tmp_path, settings):
    import openpyxl

    from raak.programmes.tables import FormatError, csv_rows
    from raak.questionnaires.xlsform import read_sheets

    settings.IMPORT_MAX_ROWS = 10
    wb = openpyxl.Workbook()
    for n in range(20):
        wb.active.append([n, n])
    wb.save(tmp_path / "lang.xlsx")
    with pytest.raises(FormatError, match="IMPORT_MAX_ROWS"):
        read_sheets(tmp_path / "lang.xlsx", any_sheet=True)
    with pytest.raises(FormatError, match="IMPORT_MAX_ROWS"):
        csv_rows("a\n" + "1\n" * 20, "lang.csv")


def test_xlsx_with_too_many_cells_is_refused(db, tmp_path, settings):
    import openpyxl

    from raak.programmes.tables import FormatError
    from raak.questionnaires.xlsform import read_sheets

    settings.IMPORT_MAX_CELLS = 100
    wb = openpyxl.Workbook()
    for _n in range(30):
        wb.active.append(list(range(10)))
    wb.save(tmp_path / "breed.xlsx")
    with pytest.raises(FormatError, match="IMPORT_MAX_CELLS"):
        read_sheets(tmp_path / "breed.xlsx", any_sheet=True)


def test_questionnaire_with_too_many_questions_is_refused(demo, settings):
    from raak.programmes.tables import FormatError
    from raak.questionnaires import exchange

    settings.IMPORT_MAX_QUESTIONS = 5
    template = Path(exchange.__file__).parent / "data" / "eindmeting-zorgcontinuum.json"
    with pytest.raises(FormatError, match="IMPORT_MAX_QUESTIONS"):
        exchange.load(template, publish=True)


# --- races: round creation and state changes under the programme's lock -------------


@pytest.fixture
def twenty(transactional_db, people):
    races.skip_in_memory_sqlite("test_round_races_on_a_sqlite_file")
    return [sign_in(Client(), people["national"]) for _ in range(20)]


def test_round_races_on_a_sqlite_file(db, tmp_path):
    """On SQLite the race tests run again in a pytest of their own on a database file
    (tests/races.py)."""
    races.rerun_on_a_sqlite_file(__file__, tmp_path, "twenty_simultaneous", 4)


def _new_round(slug, peildatum="01-06-2011"):
    return {"name": f"Ronde {slug}", "slug": slug, "peildatum": peildatum,
            "opens_on": "01-06-2011", "closes_on": "01-07-2011"}  # fmt: skip


def test_twenty_simultaneous_round_creations_with_one_slug(twenty):
    got = races.at_once(
        20, lambda i: twenty[i].post(f"{P}/rondes/", _new_round("gelijk")).status_code
    )
    assert sorted(got) == [200] * 19 + [302], got  # nineteen are told the slug is taken
    assert Round.objects.filter(slug="gelijk").count() == 1


def test_twenty_simultaneous_round_creations_with_one_peildatum(twenty):
    got = races.at_once(
        20, lambda i: twenty[i].post(f"{P}/rondes/", _new_round(f"r{i}")).status_code
    )
    assert sorted(got) == [200] * 19 + [302], got
    days = list(Round.objects.values_list("peildatum", flat=True))
    assert len(days) == len(set(days)), days  # no duplicate peildatum


def test_twenty_simultaneous_publications(twenty, people):
    rnd = Round.objects.get(slug=R1)
    Round.objects.filter(pk=rnd.pk).update(state=Round.CLOSED)
    url = f"{P}/rondes/{R1}/publiceren/"
    got = races.at_once(20, lambda i: twenty[i].post(url, {"confirm": "1"}).status_code)
    assert got == [302] * 20, got
    rnd.refresh_from_db()
    assert rnd.state == Round.PUBLISHED


def test_twenty_simultaneous_withdrawals(twenty, people):
    url = f"{P}/rondes/{R1}/intrekken/"
    got = races.at_once(
        20, lambda i: twenty[i].post(url, {f"{R1}-reason": f"reden {i}"}).status_code
    )
    assert got == [302] * 20, got
    assert Round.objects.get(slug=R1).state == Round.WITHDRAWN


# --- hardening ----------------------------------------------------------------------


def test_production_refuses_a_secret_key_under_50_characters(settings):
    from django.core.exceptions import ImproperlyConfigured

    from raak.accounts.checks import refuse_development_key, secret_key_check

    settings.DEBUG, settings.SESSION_COOKIE_SECURE = False, True
    settings.SECRET_KEY = "kort"
    settings.SITE_URL = "https://raak.example.org"
    with pytest.raises(ImproperlyConfigured, match="at least 50"):
        refuse_development_key()
    assert [e.id for e in secret_key_check(None)] == ["raak.E002"]
    settings.SECRET_KEY = "x" * 50
    assert secret_key_check(None) == []


def test_production_requires_secure_cookies_unless_insecure_http_is_allowed(settings):
    from django.core.exceptions import ImproperlyConfigured

    from raak.accounts.checks import refuse_development_key, secret_key_check

    settings.DEBUG, settings.SECRET_KEY = False, "x" * 60
    settings.SESSION_COOKIE_SECURE, settings.ALLOW_INSECURE_HTTP = False, False
    settings.SITE_URL = "https://raak.example.org"
    with pytest.raises(ImproperlyConfigured, match="SECURE_COOKIES"):
        refuse_development_key()
    assert [e.id for e in secret_key_check(None)] == ["raak.E003"]
    settings.ALLOW_INSECURE_HTTP = True
    assert secret_key_check(None) == []
    settings.DEBUG, settings.ALLOW_INSECURE_HTTP = True, False
    assert secret_key_check(None) == []  # development: anything goes


def test_anonymous_pages_with_a_csrf_token_are_no_store(db):
    response = Client().get("/wachtwoord-vergeten/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_password_reset_goes_through_the_task_queue_for_any_address(people, monkeypatch):
    """Existing and unknown addresses take the same path in the request: one task
    queued, no mail sent inside the request."""
    from django.core import mail

    from raak.accounts import reset_mail

    queued = []

    class Queue:
        def enqueue(self, *args, **kwargs):
            queued.append(args)

    monkeypatch.setattr(reset_mail, "send_password_reset", Queue())
    people["coord_a"].email = "coord-a@example.org"
    people["coord_a"].save()
    for address in ("coord-a@example.org", "niemand@example.org"):
        response = Client().post("/wachtwoord-vergeten/", {"email": address})
        assert response.status_code == 302
    assert [a[0] for a in queued] == ["coord-a@example.org", "niemand@example.org"]
    assert mail.outbox == []


def test_route_map_printed_url_comes_from_site_url_not_the_host_header(demo, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://raak.example.org"
    region = demo.regions.first()
    page = Client().get(f"{P}/routekaart/regio/{region.slug}/", HTTP_HOST="evil.example.com")
    assert page.status_code == 200
    body = page.content.decode()
    assert "evil.example.com" not in body
    assert f"https://raak.example.org{P}/routekaart/regio/{region.slug}/" in body


def test_invitation_links_come_from_site_url_not_the_host_header(people, settings):
    # The invitation task builds its link with raak.programmes.mail.link, from SITE_URL
    # only (the view passes no address any more); tests/test_messages.py sends one
    # through a real SMTP server from a request with another Host header.
    from raak.programmes import mail

    settings.SITE_URL = "https://raak.example.org/"
    assert mail.link("/uitnodiging/x/") == "https://raak.example.org/uitnodiging/x/"


def test_public_page_cache_stores_only_parameter_values_that_name_real_things(knowledge):
    from django.core.cache import cache

    url = f"{P}/activiteiten/"
    Client().get(url + "?regio=gouda")
    stored = len(cache._cache)
    for n in range(30):
        assert Client().get(f"{url}?regio=onzin-{n}").status_code == 200
        assert Client().get(f"{url}?q=zoek{n}").status_code == 200
    assert len(cache._cache) == stored  # nothing stored for names of nothing
    Client().get(url + "?regio=leiden")
    assert len(cache._cache) > stored  # a real region is stored


def test_memory_cache_is_bounded(settings):
    assert settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] <= 5000


def test_public_etag_does_not_change_when_a_coordinator_saves_in_an_unpublished_round(
    people, open_round
):
    from raak.programmes.models import MilestoneStatus

    url = f"{P}/ronde/{R1}/"
    first = Client().get(url)["ETag"]
    status = MilestoneStatus.objects.filter(round=open_round, region__slug="gouda").first()
    client = sign_in(Client(), people["coord_a"])
    response = client.post(
        f"{P}/ronde/voorjaar-2011/regio/gouda/mijlpaal/{status.milestone.key}/",
        {"status": "done", "expected": "", "note": "bezig", "version": status.version},
    )
    assert response.status_code in (200, 302)
    status.refresh_from_db()
    assert status.note == "bezig"  # the save happened
    assert Client().get(url)["ETag"] == first
    # A publication still changes it.
    change_round_state(open_round, Round.CLOSED, user=people["national"])
    change_round_state(open_round, Round.PUBLISHED, user=people["national"], confirmed=True)
    assert Client().get(url)["ETag"] != first


def test_recovery_codes_are_shown_once_and_stored_hashed(people):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = people["coord_a"]
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = sign_in(Client(), user)
    made = client.post("/mijn-account/herstelcodes/", follow=True)
    codes = made.context["codes"]
    assert len(codes) == 10 and all(c in made.content.decode() for c in codes)
    stored = set(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True))
    assert not stored & set(codes)
    later = client.get("/mijn-account/herstelcodes/").content.decode()
    assert not any(c in later for c in codes)
    # A code still works, once.
    fresh = Client()
    fresh.force_login(user)
    assert fresh.post("/inloggen/code/", {"code": codes[3]}).status_code == 302
    other = Client()
    other.force_login(user)
    assert other.post("/inloggen/code/", {"code": codes[3]}).status_code == 200


def test_existing_clear_recovery_codes_are_hashed_by_the_migration(people):
    import importlib

    from django.apps import apps as django_apps
    from django_otp.plugins.otp_static.models import StaticDevice

    from raak.accounts.twofactor import recovery_hash

    device = StaticDevice.objects.create(user=people["coord_a"], name="herstelcodes")
    device.token_set.create(token="abcd2345")
    migration = importlib.import_module("raak.accounts.migrations.0005_hash_recovery_codes")
    migration.hash_codes(django_apps, None)
    assert list(device.token_set.values_list("token", flat=True)) == [recovery_hash("abcd2345")]


def test_reading_a_spreadsheet_stops_at_the_time_limit(db, tmp_path, settings):
    """gthread workers do not end a long request, so the reader itself stops."""
    import openpyxl

    from raak.programmes.tables import FormatError
    from raak.questionnaires.xlsform import read_sheets

    settings.IMPORT_MAX_SECONDS = 0
    wb = openpyxl.Workbook()
    for n in range(600):
        wb.active.append([n])
    wb.save(tmp_path / "traag.xlsx")
    with pytest.raises(FormatError, match="IMPORT_MAX_SECONDS"):
        read_sheets(tmp_path / "traag.xlsx", any_sheet=True)


def test_imported_and_answered_dates_are_bounded_too(db):
    from raak.lib.cleaning import clean_date

    with pytest.raises(ValueError, match="buiten"):
        clean_date("9999-12-31")
    with pytest.raises(ValueError, match="buiten"):
        clean_date(dt.date(1, 1, 1))
    assert clean_date("2011-06-01") == dt.date(2011, 6, 1)


def test_csv_and_json_imports_are_capped_in_bytes_and_rows(demo, tmp_path, settings):
    from raak.programmes.exporting import export_programme
    from raak.programmes.tables import FormatError, read

    (path,) = export_programme(demo, "json", tmp_path / "json")
    settings.ZIP_MAX_UNCOMPRESSED = 1000
    with pytest.raises(FormatError, match="IMPORT_MAX_UNCOMPRESSED_BYTES"):
        read(path)
    settings.ZIP_MAX_UNCOMPRESSED = 50 * 1024 * 1024
    export_programme(demo, "csv", tmp_path / "csv")
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(FormatError, match="IMPORT_MAX_ROWS"):
        read(tmp_path / "csv")


def test_questionnaire_import_with_a_negative_max_length_is_refused_by_row(demo, tmp_path):
    """Found by the fuzz suite: a negative max_length was a database error."""
    from raak.programmes import flat
    from raak.programmes.tables import FormatError
    from raak.questionnaires import exchange
    from tests.test_findings import QDATA

    version = exchange.load(QDATA, publish=False)
    (path,) = flat.write(exchange.tables(version), *exchange.SPEC, demo.slug, tmp_path, "q", "json")
    doc = json.loads(path.read_text())
    doc["questionnaire"][0]["slug"] = "negatief"
    doc["questions"][0]["max_length"] = -1
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError, match="max_length"):
        exchange.load(path)
