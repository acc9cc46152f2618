from django.urls import path

from zhifa.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("power-list/", views.power_list_view, name="power_list"),
    path("items/<str:code>/", views.item_detail, name="item"),
]
