"""Mirakl-style errors: handlers raise ``ApiError`` and the server renders Mirakl's JSON body."""


class ApiError(Exception):
    """An HTTP error answered as Mirakl does: ``{"status": N, "message": "..."}``."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    def body(self):
        return {"status": self.status, "message": self.message}


def bad_request(message):
    return ApiError(400, message)
