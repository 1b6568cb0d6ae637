"""Public URLs (language-prefixed): reading letters, signing on, and the signer's links from their email."""

from django.urls import path

from letters.views import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("letters/<slug:slug>/", public.letter_detail, name="letter"),
    path("letters/<slug:slug>/thanks/", public.thanks, name="thanks"),
    path("letters/<slug:slug>/confirm/<str:token>/", public.confirm, name="confirm"),
    path("letters/<slug:slug>/my-sign-on/<str:token>/", public.manage, name="manage"),
    path("letters/<slug:slug>/my-sign-on/<str:token>/withdraw/", public.withdraw, name="withdraw"),
]
