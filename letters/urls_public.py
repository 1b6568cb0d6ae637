"""Public URLs (language-prefixed): reading letters, signing on, and the signer's links from their email."""

from django.urls import path

from letters import feeds
from letters.views import embed, public, signatories

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("letters/<slug:slug>/", public.letter_detail, name="letter"),
    path("letters/<slug:slug>/signatories/", signatories.signatory_list, name="signatories"),
    path("letters/<slug:slug>/signatories/signatories.txt", signatories.signatory_download, {"layout": "txt"},
         name="signatories_txt"),
    path("letters/<slug:slug>/signatories/signatories.csv", signatories.signatory_download, {"layout": "csv"},
         name="signatories_csv"),
    path("letters/<slug:slug>/revisions/", public.revision_history, name="revisions"),
    path("letters/<slug:slug>/revisions/<int:number>/", public.revision_detail, name="revision"),
    path("letters/<slug:slug>/thanks/", public.thanks, name="thanks"),
    path("letters/<slug:slug>/embed/", embed.embed, name="embed"),
    path("letters/<slug:slug>/embed.json", embed.embed_data, name="embed_data"),
    path("letters/<slug:slug>/deadline.ics", feeds.deadline_ics, name="deadline_ics"),
    path("feeds/letters.atom", feeds.OpenLettersFeed(), name="feed"),
    path("letters/<slug:slug>/confirm/<str:token>/", public.confirm, name="confirm"),
    path("letters/<slug:slug>/my-sign-on/<str:token>/", public.manage, name="manage"),
    path("letters/<slug:slug>/my-sign-on/<str:token>/withdraw/", public.withdraw, name="withdraw"),
]
