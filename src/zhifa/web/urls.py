from django.contrib.auth import views as auth_views
from django.urls import path

from zhifa.web import calendar_views, twofactor, views
from zhifa.web.auth import LoginView

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("modules/<str:key>/", views.module_unbuilt, name="module_unbuilt"),
    path("audit/", views.audit, name="audit"),
    path("2fa/", twofactor.twofactor, name="twofactor"),
    path("calendar/", calendar_views.calendar_view, name="calendar"),
]
