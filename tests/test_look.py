"""The installation's theme (raak.look) and the pages a public body publishes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from raak.look import theme as themes
from raak.look.models import Theme
from tests.conftest import sign_in

P = "/raak-2008-2010"
R1 = "eindrapportage-2011"
TOKENS = b".gemeente-x { --raak-color-primary: #6b1d1d; --raak-font-family: Georgia, serif; }"
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#6b1d1d"/></svg>'


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "beheer", "beheer@example.org", "pw-beheer-123"
    )


def post_theme(client, **extra):
    data = {"class_name": "gemeente-x", "organisation_name": "Gemeente X",
            "website_url": "https://gemeente-x.example.org", "contact_email": "info@example.org",
            "accessibility_status": "B"} | extra  # fmt: skip
    return client.post("/beheer/thema/", data)


@pytest.mark.parametrize(
    "css",
    [
        "@import url(https://evil.example/x.css);",
        "@import 'theme.css';",
        ".x { background: url(https://evil.example/a.png); }",
        ".x { background: url('//evil.example/a.png'); }",
        ".x { background: u\\72l(https://evil.example/a.png); }",  # an escape is still url(
        ".x { background-image: image-set('https://evil.example/a.png' 1x); }",
        ".x { width: expression(alert(1)); }",
        "</style><script>alert(1)</script>",
    ],
)
def test_token_stylesheets_that_reach_outside_are_refused(css):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        themes.check_tokens(css.encode())


def test_a_plain_token_stylesheet_is_accepted():
    assert themes.check_tokens(TOKENS) == TOKENS.decode()
    inline = b".x { --icon: url('data:image/png;base64,iVBORw0KGgo='); }"
    assert themes.check_tokens(inline)


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/a.png"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://evil.example/#x)"/></svg>',
        b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        b"<html><body>not an svg</body></html>",
        b"GIF89a....",
    ],
)
def test_unsafe_or_foreign_logos_are_refused(svg):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        themes.check_image(io.BytesIO(svg), what="Logo")


def test_a_plain_svg_and_a_png_logo_are_accepted():
    from PIL import Image

    assert themes.check_image(io.BytesIO(LOGO), what="Logo") == (LOGO, "image/svg+xml")
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(png, "PNG")
    assert themes.check_image(io.BytesIO(png.getvalue()), what="Logo")[1] == "image/png"


def test_only_a_superuser_sets_the_theme_and_every_page_shows_it_at_once(demo, people, superuser):
    anonymous = Client()
    before = anonymous.get(f"{P}/ronde/{R1}/")  # cached for anonymous visitors from now on
    assert 'class="raak-theme"' in before.content.decode()
    for who in (Client(), sign_in(Client(), people["national"])):
        assert post_theme(who).status_code == 404
        assert who.get("/beheer/thema/").status_code == 404
    admin = sign_in(Client(), superuser)
    assert admin.get("/beheer/thema/").status_code == 200
    response = post_theme(admin, tokens_file=SimpleUploadedFile("t.css", TOKENS),
                          logo_file=SimpleUploadedFile("l.svg", LOGO))  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    theme = Theme.objects.get()
    assert theme.version == 2 and theme.logo_type == "image/svg+xml"
    page = anonymous.get(f"{P}/ronde/{R1}/").content.decode()  # not the cached one
    assert 'class="gemeente-x"' in page and "Gemeente X" in page
    assert f'href="/thema/tokens-{theme.version}.css"' in page
    assert f'src="/thema/logo-{theme.version}"' in page
    css = anonymous.get(f"/thema/tokens-{theme.version}.css")
    assert css.content == TOKENS and css["Content-Type"].startswith("text/css")
    logo = anonymous.get(f"/thema/logo-{theme.version}")
    assert logo.content == LOGO and "sandbox" in logo["Content-Security-Policy"]
    from raak.accounts.models import SecurityEvent

    event = SecurityEvent.objects.get(event="theme_changed")
    assert event.user == superuser and "tokens" in event.details["fields"]


def test_theme_files_are_kept_by_every_browser_and_an_old_version_is_sent_on(demo, people):
    """The theme's files are the same for everyone: a member's browser keeps them too
    (a no-store stylesheet is fetched again for every page, which then shows briefly
    in the default colours; the cause of the theme-switch browser test's flake). An old
    version's URL never answers with the current bytes, which it would keep a year."""
    themes.save({"class_name": "gemeente-x", "tokens": TOKENS.decode(), "logo": LOGO,
                 "logo_type": "image/svg+xml", "favicon": LOGO,
                 "favicon_type": "image/svg+xml"}, via="cli")  # fmt: skip
    version = Theme.objects.get().version
    coordinator = sign_in(Client(), people["coord_a"])
    assert "no-store" in coordinator.get(f"{P}/regio/gouda/")["Cache-Control"]
    for who in (Client(), coordinator):
        for url in (f"/thema/tokens-{version}.css", f"/thema/logo-{version}",
                    f"/thema/favicon-{version}"):  # fmt: skip
            response = who.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "public, max-age=31536000, immutable", url
            assert "Permissions-Policy" in response
            old = who.get(url.replace(str(version), str(version - 1)))
            assert old.status_code == 302 and old["Location"] == url
            assert "immutable" not in old["Cache-Control"]


def test_a_refused_file_changes_nothing_and_is_named_at_the_field(demo, superuser):
    admin = sign_in(Client(), superuser)
    response = post_theme(admin, organisation_name="Niet opgeslagen",
                          logo_file=SimpleUploadedFile("l.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'))  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "utrecht-form-field--invalid" in html
    assert 'href="#id_logo_file"' in html and "onload" in html
    assert not Theme.objects.exists()


def test_raak_theme_command_sets_and_shows_and_refuses(tmp_path, demo):
    tokens = tmp_path / "t.css"
    tokens.write_bytes(TOKENS)
    out = io.StringIO()
    call_command("theme", "--organisation-name", "GGD Y", "--class-name", "ggd-y",
                 "--tokens", str(tokens), stdout=out)  # fmt: skip
    assert "version 2" in out.getvalue()
    assert Theme.objects.get().organisation_name == "GGD Y"
    bad = tmp_path / "b.css"
    bad.write_text("@import url(https://evil.example/x.css);")
    with pytest.raises(CommandError, match="@import"):
        call_command("theme", "--tokens", str(bad), "--organisation-name", "Anders")
    assert Theme.objects.get().organisation_name == "GGD Y"
    out = io.StringIO()
    call_command("theme", stdout=out)
    assert '"organisation_name": "GGD Y"' in out.getvalue() and '"tokens": true' in out.getvalue()


def test_public_body_pages(demo, settings):
    Theme.objects.create(organisation_name="Gemeente X", accessibility_status="B",
                         accessibility_register_url="https://www.toegankelijkheidsverklaring.nl/register/1",
                         contact_email="info@example.org", privacy_text="Onze eigen privacytekst.")  # fmt: skip
    client = Client()
    statement = client.get("/toegankelijkheid/").content.decode()
    assert (
        "B: voldoet gedeeltelijk" in statement
        and "toegankelijkheidsverklaring.nl/register/1" in statement
    )
    privacy = client.get("/privacy/").content.decode()
    assert "Onze eigen privacytekst." in privacy and "aandachtsfunctionarissen" in privacy
    assert f"{settings.SECURITY_LOG_RETENTION_DAYS} dagen" in privacy
    assert "info@example.org" in client.get("/contact/").content.decode()
    for role in ("landelijk-bureau", "coordinator", "adviseur", "publiek"):
        dutch = client.get(f"/help/{role}/").content.decode()
        english = Client()
        english.cookies["django_language"] = "en"
        assert (
            "<h1>Help voor" in dutch
            and "<h1>Help for" in english.get(f"/help/{role}/").content.decode()
        )
    settings.SOURCE_URL = "https://code.example.org/raak.git"
    footer = client.get(f"{P}/ronde/{R1}/").content.decode().split("<footer", 1)[1]
    for link in ("/toegankelijkheid/", "/privacy/", "/contact/", "/help/", settings.SOURCE_URL):
        assert f'href="{link}"' in footer
    assert "Gemeente X" in footer
    # Without SOURCE_URL no link to nowhere: the licence is named.
    settings.SOURCE_URL = ""
    footer = client.get("/contact/").content.decode().split("<footer", 1)[1]
    assert "Open source (EUPL-1.2)" in footer and 'rel="external"' not in footer


def test_security_txt(db, settings):
    settings.SECURITY_TXT_EXPIRES = "2027-06-30T00:00:00Z"
    response = Client().get("/.well-known/security.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert (
        "Contact: mailto:security@example.org" in lines and "Expires: 2027-06-30T00:00:00Z" in lines
    )
    settings.SECURITY_CONTACT = ""
    assert Client().get("/.well-known/security.txt").status_code == 404


def test_check_deploy_warns_without_a_real_source_url(settings):
    from raak.look.checks import source_url_check

    settings.DEBUG = False
    for url in ("", "http://code.example.org/raak", "git@code.example.org:raak.git"):
        settings.SOURCE_URL = url
        assert [w.id for w in source_url_check(None)] == ["raak.W032"], url
    settings.SOURCE_URL = "https://code.example.org/raak.git"
    assert source_url_check(None) == []


def test_check_deploy_fails_in_production_without_security_contact(settings):
    from raak.look.checks import security_contact_check

    settings.DEBUG = False
    assert security_contact_check(None) == []
    settings.SECURITY_CONTACT = ""
    assert [e.id for e in security_contact_check(None)] == ["raak.E030"]
    settings.SECURITY_CONTACT = "security@example.org"  # not a URI
    assert [e.id for e in security_contact_check(None)] == ["raak.E031"]


def test_report_and_mail_carry_the_organisation(demo, people):
    from raak.cycle import reminders
    from raak.reports import render

    themes.save({"organisation_name": "Gemeente X", "website_url": "https://x.example.org",
                 "logo": LOGO, "logo_type": "image/svg+xml", "class_name": "gemeente-x",
                 "tokens": TOKENS.decode()}, via="cli")  # fmt: skip
    context, styles = render._theme_context()
    assert context["logo_src"].startswith("data:image/svg+xml;base64,")
    assert TOKENS.decode() in styles
    rnd = demo.rounds.get(slug=R1)
    region = demo.regions.get(slug="gouda")
    subject, body = reminders.message(
        reminders.plan_for(rnd), rnd, region, people["coord_a"], rnd.peildatum
    )
    assert body.endswith("-- \nGemeente X\nhttps://x.example.org\n")
    assert "http" not in themes.mail_signature().replace("https://x.example.org", "")


def test_report_cover_in_the_default_and_a_second_theme(demo):
    """The region report's PDF in both themes: the cover names the organisation and shows
    its logo, and page 1 lands in test-artifacts/look-*-report-cover-pdf.png to look at."""
    import shutil
    import subprocess

    from pypdf import PdfReader

    from raak.reports import region as region_report
    from raak.reports import render
    from tests.conftest import ARTIFACTS

    rnd, gouda = demo.rounds.get(slug=R1), demo.regions.get(slug="gouda")
    second = b".test-theme-two { --raak-color-primary: #5c1a5c; --raak-font-family: 'DejaVu Serif', serif; }"
    for label in ("default", "second"):
        if label == "second":
            themes.save({"class_name": "test-theme-two", "tokens": second.decode(),
                         "organisation_name": "Testgemeente Twee", "logo": LOGO,
                         "logo_type": "image/svg+xml"}, via="cli")  # fmt: skip
        pdf = render.pdf_document(region_report.build(gouda, rnd), region_report=True)
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert ("Testgemeente Twee" in text) == (label == "second")
        if shutil.which("pdftoppm"):
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"look-{label}-report-cover-pdf.pdf"
            path.write_bytes(pdf)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path),
                            str(path.with_suffix(""))], check=True)  # fmt: skip
            path.unlink()
    html = render.html_document(region_report.build(gouda, rnd), region_report=True)
    assert 'class="test-theme-two"' in html and "data:image/svg+xml;base64," in html
