"""`raak theme`: show or set the installation's theme from the command line, with the
same checks as the operator's page (raak.look.forms.ThemeForm)."""

import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from raak.look import theme as themes
from raak.look.forms import ThemeForm

TEXT_FIELDS = ["organisation_name", "website_url", "contact_email", "class_name", "contact_text",
               "privacy_text", "accessibility_status", "accessibility_text",
               "accessibility_register_url"]  # fmt: skip
FILES = {"tokens": "tokens_file", "logo": "logo_file", "favicon": "favicon_file"}


class Command(BaseCommand):
    help = "Show the theme (no options) or set parts of it; files are checked as on the web page."

    def add_arguments(self, parser):
        for name in TEXT_FIELDS:
            parser.add_argument("--" + name.replace("_", "-"), dest=name)
        for name in FILES:
            parser.add_argument(f"--{name}", metavar="FILE", dest=f"{name}_path",
                                help=f"the {name} file; '' removes it")  # fmt: skip

    def handle(self, *args, **options):
        row = themes.load()
        given = {k: v for k, v in options.items() if k in TEXT_FIELDS and v is not None}
        files_given = {k: options[f"{k}_path"] for k in FILES if options[f"{k}_path"] is not None}
        if not given and not files_given:
            shown = {name: getattr(row, name) for name in TEXT_FIELDS}
            shown |= {"version": row.version, "tokens": bool(row.tokens),
                      "logo": row.logo_type or None, "favicon": row.favicon_type or None}  # fmt: skip
            self.stdout.write(json.dumps(shown, ensure_ascii=False, indent=2))
            return
        data = {name: getattr(row, name) for name in TEXT_FIELDS} | given
        files = {}
        for name, path in files_given.items():
            if path == "":
                data[f"remove_{name}"] = "on"
                continue
            try:
                content = Path(path).read_bytes()
            except OSError as error:
                raise CommandError(f"--{name}: {error}") from error
            files[FILES[name]] = SimpleUploadedFile(Path(path).name, content)
        form = ThemeForm(data, files)
        if not form.is_valid():
            problems = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
            raise CommandError("nothing changed:\n" + "\n".join(problems))
        saved, changed = themes.save(form.values(), via="cli")
        self.stdout.write(
            f"theme version {saved.version}: changed {', '.join(changed)}"
            if changed
            else "nothing changed"
        )
