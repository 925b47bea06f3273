"""Serving the site: waitress in one process, or gunicorn with several worker processes.

One Python process runs Python code on one core at a time, so a machine with several cores
answers more requests with several processes. ``cleannet serve`` uses waitress (pure Python,
any platform) for one process and gunicorn (Unix) with threaded workers for more; both serve
``cleannet.server.wsgi.application``. Each gunicorn worker imports the application itself
(nothing is preloaded in the parent), so no database connection or memory map crosses a fork;
the leak stores' pages are shared between workers through the page cache.
"""

from __future__ import annotations

from typing import Any


def serve_waitress(host: str, port: int, threads: int) -> None:
    """Serve in this process with ``threads`` request threads (returns when stopped)."""
    from waitress import serve

    from cleannet.server.request_limits import max_request_bytes
    from cleannet.server.wsgi import application

    serve(
        application,
        host=host,
        port=port,
        threads=threads,
        ident="CleanNet",
        max_request_body_size=max_request_bytes(),
    )


def gunicorn_options(host: str, port: int, processes: int, threads: int) -> dict[str, Any]:
    """Return gunicorn's settings for ``processes`` workers of ``threads`` threads each."""
    return {
        "bind": f"{host}:{port}",
        "workers": processes,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": False,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "proc_name": "cleannet",
        # gunicorn has no body cap of its own; RequestSizeLimitMiddleware refuses large bodies.
    }


def serve_gunicorn(host: str, port: int, processes: int, threads: int) -> None:
    """Serve with gunicorn: ``processes`` workers, each with ``threads`` threads (Unix only)."""
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(host, port, processes, threads)

    class CleanNetApplication(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from cleannet.server.wsgi import application

            return application

    CleanNetApplication().run()
