from django.urls import path

from zhifa.parties import views

app_name = "parties"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search_view, name="search"),
    path("<str:kind>/", views.party_list_view, name="list"),
    path("<str:kind>/new/", views.party_create_view, name="create"),
    path("<str:kind>/<int:pk>/", views.party_detail_view, name="detail"),
    path("<str:kind>/<int:pk>/edit/", views.party_edit_view, name="edit"),
]
