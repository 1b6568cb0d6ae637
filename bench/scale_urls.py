"""The project's URLs plus /bench/hello: the Django floor (no query, no template, no session) for bench_scale.py."""

from django.http import HttpResponse
from django.urls import path

from coalition.urls import *  # noqa: F403
from coalition.urls import urlpatterns as project_urlpatterns


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *project_urlpatterns]
