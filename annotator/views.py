"""The browser app's page, and a health check."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import ensure_csrf_cookie

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Arbor</title>
<body style="font:15px system-ui;max-width:640px;margin:10vh auto">
<h1>Arbor</h1><p>The browser app is not built. Run <code>make run</code> (or
<code>make frontend</code>), which builds <code>frontend/dist/</code>.</p>
<p>The API works without it: <a href="/api/docs/">/api/docs/</a>.</p>"""


def _index_html() -> str | None:
    path = Path(settings.FRONTEND_DIST) / "index.html"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


@login_required
@ensure_csrf_cookie
def app(request: HttpRequest, **kwargs: object) -> HttpResponse:
    """Every browser route serves the React app; it reads everything else from the API."""
    html = _index_html()
    if html is None:
        return HttpResponse(NOT_BUILT, status=503)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-cache"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})
