from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as StaticFilesAppConfig


class ProgrammesConfig(AppConfig):
    # The module holds other AppConfigs too: without this Django would pick none of them.
    default = True
    name = "programmes"
    verbose_name = "Programmes and objectives"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (connects the sign-in audit)
        from .versions import WATCHES, installer

        post_migrate.connect(installer(WATCHES), sender=self, weak=False, dispatch_uid="programmes.versions")


class StaticFilesConfig(StaticFilesAppConfig):
    """The Sass sources and the build script live in static/ but are not served."""

    default = False
    ignore_patterns = [*StaticFilesAppConfig.ignore_patterns, "src", "build.sh", "VERSIONS.txt"]
