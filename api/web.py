"""Browser-facing pages served by the backend: the demo page with the chat widget, the widget's
files (embeddable with one script tag), and the agent console. Static files, no build step."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.core.config import get_settings

WEB = Path(__file__).resolve().parent.parent / "web"


def mount(app: FastAPI) -> None:
    """/widget/* (the embeddable widget), /demo/ (a page with it), /console/ (agent console)."""

    # Before the /widget mount, which would otherwise answer this path with a 404.
    @app.get("/widget/config.js", include_in_schema=False)
    def _widget_config() -> Response:
        """Where the demo page's widget connects (settings.widget_server_url), as a script."""
        defaults = json.dumps({"server": get_settings().widget_server_url})
        return Response(f"window.CS_WIDGET_DEFAULTS = {defaults};\n", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})

    for name in ("widget", "demo", "console"):
        app.mount(f"/{name}", StaticFiles(directory=WEB / name, html=True, check_dir=False), name=name)

    @app.get("/", include_in_schema=False)
    def _home() -> RedirectResponse:
        return RedirectResponse("/demo/")
