from django.urls import path

from . import views

# Included under manage/ (config/urls.py), beside actionplans.setup_urls.
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/left/", views.person_left, name="person_left"),
    path("people/<int:pk>/account/", views.person_account, name="person_account"),
]
