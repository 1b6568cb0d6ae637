"""Our own error pages (handler400/403/404/500 and the CSRF failure page).

They render templates/<code>.html without the request: no context processors, no session or database, no CSRF
check (Django's own handlers re-run CSRF, which fails again on the body that caused a 400 and makes it a 500). If
even the template cannot be rendered, a fixed page is sent.
"""

from django.http import HttpResponse
from django.template import loader
from django.utils.html import escape

FALLBACK = "<!doctype html><title>{code}</title><h1>{code}</h1>"


def render_error(template, status, context=None):
    try:
        html = loader.get_template(template).render(context or {})
    except Exception:  # noqa: BLE001 - an error page must never fail in turn
        html = FALLBACK.format(code=escape(status))
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    return render_error("400.html", 400)


def permission_denied(request, exception=None):
    return render_error("403.html", 403)


def csrf_failure(request, reason=""):
    return render_error("403.html", 403, {"csrf_failed": True})


def page_not_found(request, exception=None):
    return render_error("404.html", 404)


def server_error(request):
    return render_error("500.html", 500)
