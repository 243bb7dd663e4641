"""`raak publish-static --programme SLUG --output DIR`: the public pages of a
programme's published rounds as a static site (raak/opendata/static_site.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from raak.opendata import static_site
from raak.programmes.models import Programme


class Command(BaseCommand):
    help = "Write the public pages of a programme's published rounds as a static site."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True)
        parser.add_argument("--output", required=True, help="a new or empty folder")
        parser.add_argument(
            "--gzip", action="store_true",
            help="also write each page compressed (.html.gz) for nginx's gzip_static",
        )  # fmt: skip

    def handle(self, programme, output, gzip=False, **options):
        try:  # before the database: a wrong folder is said at once
            static_site.check_output(output)
        except static_site.StaticSiteError as e:
            raise CommandError(str(e)) from e
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            raise CommandError(_("programma “%(slug)s” bestaat niet") % {"slug": programme})
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task(_("pagina's"), total=None)

            def progress(done, total, url):
                bar.update(task, completed=done, total=total, description=url[-60:])

            try:
                result = static_site.build(found, output, progress, gzip_pages=gzip)
            except static_site.StaticSiteError as e:
                raise CommandError(str(e)) from e
        self.stdout.write(
            ngettext(
                "%(output)s: %(pages)d pagina en %(files)d andere bestanden, met sitemap.xml",
                "%(output)s: %(pages)d pagina's en %(files)d andere bestanden, met sitemap.xml",
                result.pages,
            )
            % {"output": output, "pages": result.pages, "files": result.files}
        )
        if result.skipped:
            self.stderr.write(
                ngettext(
                    "%(count)d gelinkt adres is niet openbaar; de link gaat naar de website",
                    "%(count)d gelinkte adressen zijn niet openbaar; de links gaan naar de website",
                    len(result.skipped),
                )
                % {"count": len(result.skipped)}
            )
