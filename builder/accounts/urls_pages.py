from django.urls import path

from builder.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("workspace/", views.workspace_switch, name="workspace-switch"),
]
