from django.urls import path, re_path

from builder.monitoring import views

urlpatterns = [
    path("monitoring/", views.monitoring_home, name="monitoring"),
    re_path(r"^monitoring/w/(?P<workspace_id>\d+)/(?P<path>.*)$", views.monitoring_page, name="monitoring-page"),
    re_path(r"^monitoring/(?P<path>(?!w/).+)$", views.monitoring_static, name="monitoring-static"),
]
