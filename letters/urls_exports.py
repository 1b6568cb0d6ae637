"""Exports of a letter's signatory list, finalising and addenda (mounted under /manage/, behind login)."""

from django.urls import path

from letters.views import exports

app_name = "exports"

letter = "letters/<slug:slug>/exports/"

urlpatterns = [
    path(letter, exports.letter_exports, name="letter"),
    path(letter + "download/", exports.download, name="download"),
    path(letter + "background/<int:job_id>/", exports.job_download, name="job"),
    path(letter + "finalise/", exports.finalise, name="finalise"),
    path(letter + "reopen/", exports.reopen, name="reopen"),
    path(letter + "addendum/", exports.addendum, name="addendum"),
]
