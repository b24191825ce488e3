from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage


class LazyStorage:
    """The request's message storage, built the first time anything uses it."""

    def __init__(self, request):
        self.request = request
        self.storage = None

    def _built(self):
        if self.storage is None:
            self.storage = default_storage(self.request)
        return self.storage

    def __getattr__(self, name):
        return getattr(self._built(), name)

    # messages.set_level() assigns this attribute; it must reach the real storage.
    @property
    def level(self) -> int:
        return self._built().level

    @level.setter
    def level(self, value: int) -> None:
        self._built().level = value

    def __iter__(self):
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())

    def __contains__(self, message) -> bool:
        return message in self._built()


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware; API requests, which use no messages, never build storage."""

    def process_request(self, request):
        request._messages = LazyStorage(request)

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, LazyStorage) and messages.storage is None:
            return response
        return super().process_response(request, response)
