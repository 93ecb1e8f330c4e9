from django.urls import path, re_path

from builder.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("app/", views.app_shell, name="app-shell"),
    re_path(r"^app/(?P<path>.+)$", views.app_shell, name="app-shell-path"),
]
