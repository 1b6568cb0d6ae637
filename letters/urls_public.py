"""Public URLs (language-prefixed): reading letters and signing on."""

from django.urls import path

from letters.views import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("letters/<slug:slug>/", public.letter_detail, name="letter"),
]
