"""The `raak` console command: Django's management commands under one name.

`raak import programme FILE` is `django-admin import programme FILE` with our settings.
"""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raak.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["raak", *sys.argv[1:]])


if __name__ == "__main__":
    main()
