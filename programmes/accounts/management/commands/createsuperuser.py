from django.contrib.auth.management.commands import createsuperuser

from programmes.accounts.commands import accounts_saved, audit_created


class Command(createsuperuser.Command):
    """Django's createsuperuser; the account it makes is written to the audit trail (door: command line)."""

    def handle(self, *args, **options):
        with accounts_saved() as saved:
            super().handle(*args, **options)
        for user, created in saved:
            if created:
                audit_created(user)
