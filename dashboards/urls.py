from django.urls import path
from django.views.generic import RedirectView

from . import snapshot_views, views
from .reports import views as report_views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboards/", views.portfolio, name="portfolio"),
    path("dashboards/exceptions/", views.exceptions, name="exceptions"),
    path("dashboards/programmes/<int:pk>/", views.programme, name="programme_dashboard"),
    path(
        "dashboards/programmes/<int:pk>/objectives/<int:objective_id>/",
        views.objective,
        name="objective_dashboard",
    ),
    path(
        "dashboards/programmes/<int:pk>/explain/<str:kind>/<int:node_id>/",
        views.explanation,
        name="explanation",
    ),
    # One register: the dashboards' old risk list is governance's register now.
    path("dashboards/programmes/<int:pk>/risks/", RedirectView.as_view(pattern_name="risk_list", query_string=True,
                                                                      permanent=True)),
    path("dashboards/programmes/<int:pk>/movement/", report_views.movement, name="programme_movement"),
    path("dashboards/programmes/<int:pk>/snapshots/", snapshot_views.programme_snapshots, name="programme_snapshots"),
    path("snapshots/<int:pk>/", snapshot_views.snapshot, name="snapshot"),
    path("snapshots/<int:pk>/<str:kind>.<str:file_format>", snapshot_views.snapshot_file, name="snapshot_file"),
    path("meetings/<int:pk>/pack.<str:file_format>", snapshot_views.meeting_pack, name="meeting_pack"),
    path("meetings/<int:pk>/pack/", snapshot_views.meeting_pack_page, name="meeting_pack_page"),
    path("meetings/<int:pk>/freeze/", snapshot_views.meeting_pack_freeze, name="meeting_pack_freeze"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/runs/<int:pk>/", report_views.report_run, name="report_run"),
    path("reports/runs/<int:pk>/download/", report_views.report_run_download, name="report_run_download"),
]
