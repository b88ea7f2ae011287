from django.apps import AppConfig


class AccountCommandsConfig(AppConfig):
    name = "programmes.accounts"
    label = "programmes_accounts"
    verbose_name = "Audited account commands"
