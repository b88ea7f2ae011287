from django.urls import path

from . import audit_views, views

# Included under manage/ (config/urls.py), beside actionplans.setup_urls.
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/left/", views.person_left, name="person_left"),
    path("people/<int:pk>/account/", views.person_account, name="person_account"),
    path("audit/", audit_views.audit_trail, name="audit"),
    path("audit/export.csv", audit_views.audit_trail_csv, name="audit_csv"),
]
