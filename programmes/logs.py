"""Log lines carry the id of the request they were written in (programmes.middleware)."""

import logging

from .middleware import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id() or "-"
        return True
