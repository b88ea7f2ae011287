from django.contrib.auth.management.commands import changepassword

from programmes.accounts.commands import accounts_saved, audit_password_changed


class Command(changepassword.Command):
    """Django's changepassword; the change is written to the audit trail (door: command line), the
    password itself never."""

    def handle(self, *args, **options):
        with accounts_saved() as saved:
            result = super().handle(*args, **options)
        for user, _ in saved:
            audit_password_changed(user)
        return result
