from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as StaticFilesAppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes and objectives"


class StaticFilesConfig(StaticFilesAppConfig):
    """The Sass sources and the build script live in static/ but are not served."""

    ignore_patterns = [*StaticFilesAppConfig.ignore_patterns, "src", "build.sh", "VERSIONS.txt"]
