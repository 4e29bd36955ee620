"""The sevenfold workbench: FastAPI JSON API (/api/v1) and a server-rendered browser UI.

>>> from sevenfold.web import create_app       # doctest: +SKIP
>>> app = create_app("cases.db")                # serve with uvicorn, or `sevenfold serve`
"""

from sevenfold.web.app import CONTENT_SECURITY_POLICY, create_app

__all__ = ["CONTENT_SECURITY_POLICY", "create_app"]
