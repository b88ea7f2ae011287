from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programmes.demo import create_demo_users


class Command(BaseCommand):
    help = (
        "Create (or reset) one demo login per role: officer, manager, leadership, admin and clerk, "
        "all with the same printed password. The officer and the manager are linked to the demo "
        "people who own actions and manage the programmes (run load_demo first). Refuses to run "
        "with DEBUG off unless --force: it makes a superuser with a published password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a live site)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this may be a live site: the demo logins include a superuser with a "
                "published password. Use --force if you really mean it."
            )
        logins = create_demo_users()
        if options["verbosity"] == 0:
            return
        headings = ("user", "role", "password", "linked to", "admin site", "")
        rows = [
            (login.username, login.role, login.password, login.person or "-",
             "yes" if login.is_staff else "no", "created" if login.created else "reset")
            for login in logins
        ]
        widths = [max(len(str(row[i])) for row in [headings, *rows]) for i in range(len(headings))]
        for row in [headings, *rows]:
            self.stdout.write("  ".join(f"{cell:<{w}}" for cell, w in zip(row, widths, strict=True)).rstrip())
        self.stdout.write(self.style.SUCCESS("Log in at /accounts/login/ with any of these users."))
