"""``app`` for ASGI servers running several workers: ``uvicorn sevenfold.web.server:app``.

The store comes from ``SEVENFOLD_DB`` (``sevenfold serve --workers N`` sets it).
"""

from sevenfold.web.app import create_app

app = create_app()
