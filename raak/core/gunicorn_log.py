"""gunicorn's logger without the health probes in the access log: an orchestrator
asks `/gezond` every few seconds per process, which would bury the real requests."""

from gunicorn.glogging import Logger as GunicornLogger


class Logger(GunicornLogger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO", "").startswith("/gezond"):
            return
        super().access(resp, req, environ, request_time)
