"""Public URLs of the outreach area (language-prefixed): the links in invitations and reminders."""

from django.urls import path

from letters.views import outreach

app_name = "outreach"

urlpatterns = [
    path("invite/<uuid:token>/", outreach.open_invitation, name="open"),
    path("invite/<uuid:token>/decline/", outreach.decline, name="decline"),
    path("unsubscribe/<str:token>/", outreach.unsubscribe, name="unsubscribe"),
    path("unsubscribe/<str:token>/one-click/", outreach.unsubscribe_one_click, name="unsubscribe_one_click"),
]
