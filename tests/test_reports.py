"""The national report and the regional report: figures equal `raak summary`, the
PDF is tagged with a figure per map, texts are safe, nothing unpublished leaks."""

import re
import subprocess
from io import BytesIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from raak.knowledge.models import Activity
from raak.lib.periods import parse_period
from raak.programmes.models import MilestoneStatus, Round
from raak.programmes.summary import percent, summarise
from raak.reports import service, templates
from raak.reports.models import Report, ReportFile, ReportTemplate, ReportText
from raak.reports.templatetags.reports import pct
from tests.conftest import ARTIFACTS, sign_in

P = "/raak-2008-2010"
R = "eindrapportage-2011"
HOSTILE = "<script>alert('x')</script> <img src=x onerror=alert(1)> **Vet commentaar**"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def flat(text):
    return " ".join(text.replace("\u00a0", " ").split())


def pdf_text(data):
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return flat(out.stdout.decode())


def struct_elements(reader):
    root = reader.trailer["/Root"]
    out = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            return
        out.append(node)
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, IndirectObject | DictionaryObject):
                walk(kid)

    walk(root["/StructTreeRoot"])
    return out


@pytest.fixture
def report_demo(knowledge, practice):
    templates.load(knowledge, templates.DEMO_TEMPLATE)
    return knowledge


@pytest.mark.django_db
def test_demo_pdf_has_the_seed_figures_annexes_and_structure(report_demo, tmp_path, people):
    rnd = Round.objects.get(programme=report_demo, slug=R)
    tpl = report_demo.report_templates.get()
    report = Report.objects.create(programme=report_demo, round=rnd, template=tpl,
                                   chapters=tpl.chapters, title="Eindrapportage RAAK")  # fmt: skip
    ReportText.objects.create(report=report, key="conclusies", text=HOSTILE)
    call_command("report", programme=report_demo.slug, round=R, format="pdf", output=str(tmp_path))
    data = (tmp_path / f"rapport-{report_demo.slug}-{R}.pdf").read_bytes()
    text = pdf_text(data)

    # Every figure of the seed's summary, equal to `raak summary` (one truth).
    summary = summarise(rnd)
    assert summary.regions == 37 and "37 regio's" in text
    for item in summary.items:
        if item.kind == "milestone":
            assert f"{item.label}: {item.achieved} van de 37 regio's" in text
            assert flat(pct(percent(item.achieved, summary.regions))) in text
        else:
            for c in item.categories:
                if c.count:
                    assert flat(f"{c.label} {c.count} ({pct(c.percent)})") in text, c.label
    assert "Regionaal werkplan: 36 van de 37 regio's (97,3 %)" in text
    assert (
        "Regionaal handelingsprotocol: 29 van de 37 regio's (78,4 %) gereed en/of in uitvoering, waarvan 2 gedeeltelijk"
        in text
    )
    assert "Regionaal scholingsplan: 36 van de 37 regio's (97,3 %)" in text
    for figure in ("26 (70,3 %)", "5 (13,5 %)", "6 (16,2 %)", "36 (97,3 %)", "1 (2,7 %)"):
        assert figure in text
    assert "15 januari 2011" in text

    # Bijlage 1 with every region and every milestone column, Eindfoto included.
    # Table cells wrap names at hyphens ("Arnhem- Achterhoek").
    joined = text.replace("- ", "-")
    annex1 = joined.split("Bijlage 1: Tabel stand van zaken mijlpalen")[-1].split("Bijlage 2")[0]
    for m in report_demo.milestones.all():
        assert flat(m.name) in annex1, m.name
    assert "Eindfoto" in annex1
    for region in report_demo.regions.all():
        assert region.name in annex1, region.name
    annex2 = joined.split("Bijlage 2: Continuering na de programmaperiode")[-1]
    for region in report_demo.regions.all():
        assert region.name in annex2
    # Bijlage 3: all 108 activities.
    annex3 = text.split("Bijlage 3: Door de regio's aanbevolen activiteiten")[-1]
    assert "108 aanbevolen activiteiten" in annex3
    activities = list(Activity.objects.filter(programme=report_demo))
    assert len(activities) == 108
    for a in activities:
        assert flat(a.description)[:60].replace("- ", "-") in annex3.replace("- ", "-"), a.key

    # Hostile commentary is text, shown, never markup.
    assert "<script>alert('x')</script>" in text and "Vet commentaar" in text

    # Tagged PDF/UA: structure tree, marked, Dutch, a title, one figure per map.
    reader = PdfReader(BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert root["/Lang"] == "nl"
    assert reader.metadata.title == "Eindrapportage RAAK"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    figures = [e for e in struct_elements(reader) if e.get("/S") == "/Figure"]
    maps = [f for f in figures if str(f.get("/Alt", "")).startswith("Kaart ")]
    assert len(maps) == report_demo.milestones.count() + report_demo.indicators.count() == 9
    assert (
        "Kaart Regionaal handelingsprotocol: gereed en/of in uitvoering: 27; gedeeltelijk: 2; verwacht: 8."
        in [str(f["/Alt"]) for f in maps]
    )
    assert all("/Alt" in f for f in figures if f.get("/S") == "/Figure" and f in maps)

    # Pages as images, to look at (test-artifacts/report-*.png).
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "report.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "45", "-png", "-f", "1", "-l", "8", str(pdf),
                    str(ARTIFACTS / "report")], check=True)  # fmt: skip
    subprocess.run(["pdftoppm", "-r", "45", "-png", "-f", str(len(reader.pages) - 12), "-l",
                    str(len(reader.pages) - 8), str(pdf), str(ARTIFACTS / "report")], check=True)  # fmt: skip
    # Running header and footer with programme, round and page numbers.
    assert f"Pagina 3 van {len(reader.pages)}" in text


@pytest.mark.django_db
def test_html_escapes_hostile_text_and_has_toc(report_demo, people, client):
    rnd = Round.objects.get(programme=report_demo, slug=R)
    sign_in(client, people["national"])
    assert client.post(f"{P}/rapporten/{R}/nieuw/").status_code == 302
    url = f"{P}/rapporten/{R}/tekst/conclusies/"
    r = client.post(url, {"text": HOSTILE, "version": 0})
    assert r.status_code == 302
    html = client.get(f"{P}/rapporten/{R}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html and "<strong>Vet commentaar</strong>" in html
    assert 'href="#h-bijlage-1"' in html and 'id="h-bijlage-1"' in html
    assert html.count('role="img"') >= 9
    # Standalone HTML file too.
    doc = service.make(rnd, "html")[0].decode()
    assert "&lt;script&gt;" in doc and "<script>" not in doc
    # History: a second save keeps the old text as a ChangeRecord.
    r = client.post(url, {"text": "Nieuwe conclusie", "version": 1})
    assert r.status_code == 302
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert" in page  # the old version, escaped
    # A save from an old version is refused, nothing overwritten.
    r = client.post(url, {"text": "Oude basis", "version": 1})
    assert r.status_code == 200 and "intussen gewijzigd" in r.content.decode()
    assert ReportText.objects.get(key="conclusies").text == "Nieuwe conclusie"


@pytest.mark.django_db
def test_access_draft_and_published(report_demo, people, client):
    rnd = Round.objects.get(programme=report_demo, slug=R)
    tpl = report_demo.report_templates.get()
    Report.objects.create(programme=report_demo, round=rnd, template=tpl, chapters=tpl.chapters,
                          title="Rapport-XYZ")  # fmt: skip
    page = f"{P}/rapporten/{R}/"
    expected = {None: 404, "viewer_a": 403, "coord_b": 403, "coord_a": 403, "national": 200}
    for who, code in expected.items():
        client.logout()
        if who:
            sign_in(client, people[who])
        assert client.get(page).status_code == code, who
        assert client.get(f"{P}/rapporten/").status_code == 200
        if who != "national":
            assert "Rapport-XYZ" not in client.get(f"{P}/rapporten/").content.decode()
            for url in (
                f"{P}/rapporten/{R}/publiceren/",
                f"{P}/rapporten/{R}/nieuw/",
                f"{P}/rapporten/{R}/tekst/conclusies/",
                f"{P}/rapporten/{R}/maken/pdf/",
            ):
                status = client.post(url, {"text": "x", "version": 0}).status_code
                assert status in ((302, 404) if who is None else (403,)), (who, url, status)
    client.logout()
    sign_in(client, people["national"])
    # Publishing asks for confirmation first; an empty POST changes nothing.
    confirm = client.get(f"{P}/rapporten/{R}/publiceren/")
    assert confirm.status_code == 200 and "Ja, publiceer het rapport" in confirm.content.decode()
    assert client.post(f"{P}/rapporten/{R}/publiceren/").status_code == 302
    assert not Report.objects.get().is_published
    assert client.post(f"{P}/rapporten/{R}/publiceren/", {"confirm": "1"}).status_code == 302
    assert Report.objects.get().is_published
    # Its PDF is queued at once, for the published report.
    pdf = ReportFile.objects.get(format="pdf", region=None)
    assert pdf.fingerprint == service.fingerprint(Round.objects.get(slug=R), "pdf")
    # Published: texts are frozen.
    assert (
        client.post(f"{P}/rapporten/{R}/tekst/conclusies/", {"text": "x", "version": 0}).status_code
        == 403
    )
    for who in (None, "viewer_a", "coord_b", "coord_a", "national"):
        client.logout()
        if who:
            sign_in(client, people[who])
        assert client.get(page).status_code == 200, who
        assert "Rapport-XYZ" in client.get(f"{P}/rapporten/").content.decode()
    # A round taken off the public pages takes its report with it, at once: the
    # anonymous page was served from the public cache a moment ago.
    client.logout()
    assert client.get(page).status_code == 200
    from raak.programmes.status import change_round_state

    change_round_state(rnd, Round.WITHDRAWN, user=people["national"], reason="fout gevonden")
    assert client.get(page).status_code == 404


@pytest.mark.django_db
def test_unpublished_data_never_appears(report_demo, people, open_round, client):
    secret = "GEHEIME-NOTITIE-OPEN-RONDE"
    s = MilestoneStatus.objects.get(round=open_round, region__slug="amsterdam",
                                    milestone__key="werkplan")  # fmt: skip
    s.note = secret
    s.save()
    published = Round.objects.get(programme=report_demo, slug=R)
    for fmt in ("html",):
        assert secret not in service.make(published, fmt)[0].decode()
        # The regional report for the public shows published rounds only.
        region = report_demo.regions.get(slug="amsterdam")
        assert secret not in service.make(published, fmt, region=region)[0].decode()
        assert secret in service.make(open_round, fmt, region=region, unpublished=True)[0].decode()
    # A report of the open round cannot be published; outsiders never see it.
    sign_in(client, people["national"])
    client.post(f"{P}/rapporten/{open_round.slug}/nieuw/")
    r = client.post(f"{P}/rapporten/{open_round.slug}/publiceren/", follow=True)
    assert "Publiceer eerst de ronde" in r.content.decode()
    assert not Report.objects.get(round=open_round).is_published
    client.logout()
    assert client.get(f"{P}/rapporten/{open_round.slug}/").status_code == 404
    assert client.get(f"{P}/rapporten/{open_round.slug}/regio/amsterdam/").status_code == 404
    assert secret not in client.get(f"{P}/rapporten/{R}/regio/amsterdam/").content.decode()
    # The region's own members see their open round.
    sign_in(client, people["coord_a"])
    assert client.get(f"{P}/rapporten/{open_round.slug}/regio/gouda/").status_code == 200
    assert client.get(f"{P}/rapporten/{open_round.slug}/regio/amsterdam/").status_code == 404


@pytest.mark.django_db
def test_amsterdam_report_shows_every_round_with_slipped_periods(
    report_demo, open_round, people, client
):
    first = Round.objects.get(programme=report_demo, slug=R)
    for rnd, text in ((first, "Voorjaar 2011"), (open_round, "Najaar 2011")):
        period = parse_period(text)
        MilestoneStatus.objects.filter(round=rnd, region__slug="amsterdam",
                                       milestone__key="handelingsprotocol").update(
            status="expected", expected_text=text, expected_earliest=period.earliest,
            expected_latest=period.latest)  # fmt: skip
    sign_in(client, people["national"])
    html = client.get(f"{P}/rapporten/{open_round.slug}/regio/amsterdam/").content.decode()
    assert first.name in html and open_round.name in html
    assert "verwacht Najaar 2011" in html and "(verschoven van Voorjaar 2011)" in html


@pytest.mark.django_db
@override_settings(TASKS=IMMEDIATE)
def test_generating_in_the_browser_keeps_and_reuses_the_file(
    report_demo, people, client, django_capture_on_commit_callbacks
):
    sign_in(client, people["national"])
    client.post(f"{P}/rapporten/{R}/nieuw/")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"{P}/rapporten/{R}/maken/html/")
    assert r.status_code == 302
    rf = ReportFile.objects.get()
    assert rf.state == ReportFile.DONE and rf.size > 0
    status = client.get(r["Location"]).content.decode()
    assert "Klaar" in status and 'http-equiv="refresh"' not in status
    again = client.post(f"{P}/rapporten/{R}/maken/html/")
    assert again["Location"] == r["Location"] and ReportFile.objects.count() == 1
    download = client.get(f"{P}/rapportbestand/{rf.pk}/download/")
    assert b"Bijlage 1" in b"".join(download.streaming_content)
    # A changed text is a new fingerprint: a new file.
    client.post(f"{P}/rapporten/{R}/tekst/voorwoord/", {"text": "Voorwoord", "version": 0})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{P}/rapporten/{R}/maken/html/")
    assert ReportFile.objects.count() == 2
    assert ReportFile.objects.filter(state=ReportFile.DONE).count() == 2
    # Outsiders cannot fetch a draft's file.
    client.logout()
    assert client.get(f"{P}/rapportbestand/{rf.pk}/download/").status_code == 404


def test_template_errors_name_the_chapter():
    with pytest.raises(templates.TemplateError, match="hoofdstuk 2 .*onbekend blok"):
        templates.clean_chapters([{"title": "A", "text": True},
                                  {"title": "B", "blocks": ["taart"]}])  # fmt: skip
    with pytest.raises(templates.TemplateError, match="dubbel"):
        templates.clean_chapters([{"title": "A", "text": True}, {"title": "A", "text": True}])
    assert re.match(r"70,3\s%", pct(70.3))


WHO = ["anonymous", "coord_a", "coord_b", "viewer_a", "national"]
R2 = "voorjaar-2011"  # open


def _all(code):
    return dict.fromkeys(WHO, code)


def _national(anon, member, national):
    return {"anonymous": anon, "coord_a": member, "coord_b": member, "viewer_a": member,
            "national": national}  # fmt: skip


# (method, url, {who: status}); a draft report on the published round R, none on R2.
ACCESS = [
    ("get", f"{P}/rapporten/", _all(200)),
    ("get", f"{P}/rapporten/{R}/", _national(404, 403, 200)),
    ("get", f"{P}/rapporten/{R2}/", _national(404, 403, 200)),
    ("get", f"{P}/rapporten/bestaat-niet/", _all(404)),
    ("get", f"{P}/rapporten/{R}/tekst/conclusies/", _national(302, 403, 200)),
    ("post", f"{P}/rapporten/{R}/tekst/conclusies/", _national(302, 403, 302)),
    ("get", f"{P}/rapporten/{R}/tekst/bijlage-1/", _national(302, 403, 404)),  # no text there
    ("get", f"{P}/rapporten/{R}/nieuw/", _national(302, 405, 405)),
    ("post", f"{P}/rapporten/{R2}/nieuw/", _national(302, 403, 302)),
    ("get", f"{P}/rapporten/{R}/publiceren/", _national(302, 403, 200)),  # the confirmation
    ("post", f"{P}/rapporten/{R}/publiceren/", _national(302, 403, 302)),
    # GET: the page with the button (or the file's page): readable like the report.
    ("get", f"{P}/rapporten/{R}/maken/html/", _national(404, 403, 200)),
    ("post", f"{P}/rapporten/{R}/maken/html/", _national(404, 403, 302)),
    ("post", f"{P}/rapporten/{R}/maken/exe/", _all(404)),
    ("get", f"{P}/rapporten/{R}/regio/gouda/", _all(200)),
    ("get", f"{P}/rapporten/{R2}/regio/gouda/",
     {"anonymous": 404, "coord_a": 200, "coord_b": 404, "viewer_a": 200, "national": 200}),
    ("post", f"{P}/rapporten/{R2}/regio/gouda/maken/html/",
     {"anonymous": 404, "coord_a": 302, "coord_b": 404, "viewer_a": 302, "national": 302}),
    ("post", f"{P}/rapporten/{R}/regio/gouda/maken/html/", _all(302)),
    ("get", f"{P}/rapportbestand/999999/", _all(404)),
    ("get", f"{P}/rapportbestand/999999/download/", _all(404)),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("method,url,expected", ACCESS, ids=[f"{m} {u}" for m, u, _e in ACCESS])
def test_access_matrix(report_demo, people, open_round, method, url, expected):
    from django.test import Client

    rnd = Round.objects.get(programme=report_demo, slug=R)
    tpl = report_demo.report_templates.get()
    got = {}
    for who in WHO:
        # A fresh draft per person, so one person's POST does not change the next's answer.
        Report.objects.filter(programme=report_demo).delete()
        Report.objects.create(programme=report_demo, round=rnd, template=tpl,
                              chapters=tpl.chapters, title="Concept")  # fmt: skip
        client = Client()
        if who != "anonymous":
            sign_in(client, people[who])
        call = client.post if method == "post" else client.get
        got[who] = call(url, {"text": "x", "version": 0}).status_code
    assert got == expected


@pytest.mark.django_db
@override_settings(TASKS=IMMEDIATE)
def test_file_pages_follow_the_report(report_demo, people, open_round, client,
                                      django_capture_on_commit_callbacks):  # fmt: skip
    """An open round's regional file stays with the region; a draft's file with the
    national office; downloads of unpublished files are in the security log."""
    from django.test import Client

    from raak.accounts.models import SecurityEvent

    sign_in(client, people["coord_a"])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"{P}/rapporten/{R2}/regio/gouda/maken/html/")
    rf = ReportFile.objects.get()
    assert rf.unpublished and rf.state == ReportFile.DONE
    assert client.get(f"{P}/rapportbestand/{rf.pk}/download/").status_code == 200
    assert SecurityEvent.objects.filter(event="download").count() == 1
    assert client.get(r["Location"]).status_code == 200
    for who, code in (("coord_b", 404), ("viewer_a", 200), ("national", 200)):
        other = sign_in(Client(), people[who])
        assert other.get(f"{P}/rapportbestand/{rf.pk}/download/").status_code == code, who
    assert Client().get(f"{P}/rapportbestand/{rf.pk}/").status_code == 404


@pytest.mark.django_db
def test_questionnaire_comparison_only_between_published_rounds(demo):
    """The synthetic programme (fictieve gegevens) has answers in two published rounds."""
    from raak.questionnaires import synthetic
    from raak.questionnaires.models import Answer, Question

    fictional = synthetic.load(demo)
    templates.load(fictional)
    end = fictional.rounds.get(slug="eindfoto")
    html = flat(service.make(end, "html")[0].decode())
    assert "Startfoto (fictief) en Eindfoto (fictief)" in html and "(fictieve gegevens)" in html
    assert "Hoger:" in html and "regio’s waar het antwoord" in html  # the summary sentences
    region = fictional.regions.get(slug="amsterdam")
    own = flat(service.make(end, "html", region=region)[0].decode())
    assert "naast de verdeling over alle regio's" in own
    # The start round taken off the public pages: no comparison, nothing of it shown.
    start = fictional.rounds.get(slug="startfoto")
    Round.objects.filter(pk=start.pk).update(state=Round.CLOSED)
    end.refresh_from_db()
    html = flat(service.make(end, "html")[0].decode())
    assert "Startfoto (fictief)" not in html
    assert "Een vergelijking verschijnt zodra twee gepubliceerde rondes" in html
    # And a report of an unpublished round shows no questionnaire answers at all.
    Round.objects.filter(pk=end.pk).update(state=Round.CLOSED)
    end.refresh_from_db()
    text_answer = Answer.objects.filter(response__round=end, question__type=Question.TEXT).first()
    html = flat(service.make(end, "html")[0].decode())
    assert "Hoger:" not in html
    if text_answer is not None:
        assert flat(str(text_answer.value)) not in html


@pytest.mark.django_db
def test_files_of_the_draft_stay_private_after_publishing(report_demo, people, client):
    from django.core.files.base import ContentFile

    rnd = Round.objects.get(programme=report_demo, slug=R)
    tpl = report_demo.report_templates.get()
    report = Report.objects.create(programme=report_demo, round=rnd, template=tpl,
                                   chapters=tpl.chapters, title="Rapport-XYZ")  # fmt: skip

    def stored(fmt):
        rf = ReportFile(programme=report_demo, round=rnd, format=fmt, state=ReportFile.DONE,
                        fingerprint=service.fingerprint(rnd, fmt))  # fmt: skip
        rf.file.save(f"x.{fmt}", ContentFile(b"<p>inhoud</p>"), save=False)
        rf.save()
        return rf

    draft = stored("html")  # made while the report was a draft
    report.state = Report.PUBLISHED
    report.save()
    final = stored("html")  # the published report's own file
    assert draft.fingerprint != final.fingerprint, (draft.fingerprint, final.fingerprint)
    # The public page links to the file of the report as it is now, never the draft's.
    page = client.get(f"{P}/rapporten/{R}/").content.decode()
    assert f"/rapporten/{R}/maken/pdf/" in page and "/rapportbestand/" not in page
    assert "csrfmiddlewaretoken" not in page  # so it can be served from the public cache
    offer = client.get(f"{P}/rapporten/{R}/maken/html/")
    assert offer.status_code == 302 and offer["Location"].endswith(f"/rapportbestand/{final.pk}/")
    assert client.get(f"{P}/rapportbestand/{draft.pk}/download/").status_code == 404
    assert client.get(f"{P}/rapportbestand/{final.pk}/download/").status_code == 200
    sign_in(client, people["national"])
    assert client.get(f"{P}/rapportbestand/{draft.pk}/download/").status_code == 200


@pytest.mark.django_db
def test_a_published_report_is_served_from_the_public_cache(report_demo, people):
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rnd = Round.objects.get(programme=report_demo, slug=R)
    tpl = report_demo.report_templates.get()
    Report.objects.create(programme=report_demo, round=rnd, template=tpl,
                          chapters=tpl.chapters, title="Rapport-CACHE")  # fmt: skip
    page, region = f"{P}/rapporten/{R}/", f"{P}/rapporten/{R}/regio/gouda/"
    assert Client().get(page).status_code == 404  # a draft: nothing stored or shown
    national = sign_in(Client(), people["national"])
    assert national.post(f"{P}/rapporten/{R}/publiceren/", {"confirm": "1"}).status_code == 302
    # Publishing shows at once: the draft's 404 stored nothing.
    first = Client().get(page)
    assert first.status_code == 200 and "Rapport-CACHE" in first.content.decode()
    assert first["ETag"] and "csrfmiddlewaretoken" not in first.content.decode()
    database_cache = settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    for url in (page, region):
        Client().get(url)
        with CaptureQueriesContext(connection) as ctx:
            again = Client().get(url)
        assert again.status_code == 200 and len(ctx.captured_queries) <= 1 + database_cache
    assert Client().get(page, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # The national office's own view is never the cached one: it keeps its file list
    # and the buttons it needs.
    mine = national.get(page)
    assert "private" in mine["Cache-Control"] and "csrfmiddlewaretoken" in mine.content.decode()


@pytest.mark.django_db
def test_a_programme_with_a_report_can_be_deleted_but_not_its_template_alone(report_demo):
    from django.db.models import RestrictedError

    rnd = Round.objects.get(programme=report_demo, slug=R)
    tpl = report_demo.report_templates.get()
    Report.objects.create(programme=report_demo, round=rnd, template=tpl,
                          chapters=tpl.chapters, title="Te wissen")  # fmt: skip
    with pytest.raises(RestrictedError):
        tpl.delete()
    # `raak demo --reset` deletes the programme this way: its report and template go
    # with it. (The command itself re-creates the search index with ALTER TABLE, which
    # PostgreSQL refuses inside the test's transaction after a delete.)
    from raak.programmes.models import Programme

    Programme.objects.filter(pk=report_demo.pk).delete()
    assert not Report.objects.exists() and not ReportTemplate.objects.exists()


@pytest.mark.django_db
def test_the_pdf_link_does_not_read_the_whole_programme_each_time(report_demo):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    link = f"{P}/rapporten/{R}/regio/gouda/maken/pdf/"
    assert Client().get(link).status_code == 200  # the page with the button
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(link).status_code == 200
    # The file's fingerprint hashes every status of the programme: it is remembered
    # for the data version, not computed for each visitor (or crawler).
    assert not any("programmes_milestonestatus" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.django_db
def test_cli_region_report_of_an_unpublished_round_shows_that_round(demo, open_round, tmp_path):
    """`raak report --region R --round X` for an open round prints round X's column and
    data, as the region's web page does; it said only the earlier round (issue #22)."""
    from io import StringIO

    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="handelingsprotocol"
    )
    MilestoneStatus.objects.filter(pk=status.pk).update(note="Fictieve toelichting ronde twee")
    err = StringIO()
    call_command("report", programme=demo.slug, round=open_round.slug, region="gouda",
                 format="html", output=str(tmp_path), stderr=err)  # fmt: skip
    html = flat((tmp_path / f"rapport-{demo.slug}-{open_round.slug}-gouda.html").read_text())
    assert "Tweede peiling 2011 (1 juni 2011) — niet openbaar" in html
    assert "Fictieve toelichting ronde twee" in html
    assert "niet gepubliceerd" in err.getvalue()
    # A published round's file stays the public one.
    call_command("report", programme=demo.slug, round=R, region="gouda", format="html",
                 output=str(tmp_path), stderr=StringIO())  # fmt: skip
    public = flat((tmp_path / f"rapport-{demo.slug}-{R}-gouda.html").read_text())
    assert "Tweede peiling 2011" not in public
