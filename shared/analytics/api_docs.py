"""The ReDoc page of an OpenAPI document. ReDoc's script is the npm registry's, fetched at install
(`make install`) and served by the docs function, so the page works with no network beyond the service."""

from __future__ import annotations

import html

REDOC_SCRIPT_PATH = "/api/v1/redoc.standalone.js"


def redoc_page(title: str, document_path: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="{html.escape(document_path)}"></redoc>
<script src="{REDOC_SCRIPT_PATH}"></script></body>
</html>
"""
