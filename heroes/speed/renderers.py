"""DRF's JSON output, byte for byte, written by orjson rather than json.

One difference, outside what this API sends: orjson writes a NaN or infinite float as
null, where DRF's strict JSON refuses it. No field here is a float.
"""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class ORJSONRenderer(JSONRenderer):
    """JSONRenderer through orjson; pretty-printing and anything orjson refuses go to DRF's."""

    # DRF's encoder handles what orjson does not know (lazy strings, Decimal, datetimes).
    _default = staticmethod(JSONEncoder().default)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or self.ensure_ascii or not self.compact or not self.strict:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            rendered = orjson.dumps(data, default=self._default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            # Integers past 64 bits, NaN and the like: DRF renders or refuses them its way.
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does, so the output is also valid JavaScript.
        if _LINE_SEPARATOR in rendered or _PARAGRAPH_SEPARATOR in rendered:
            rendered = rendered.replace(_LINE_SEPARATOR, b"\\u2028")
            rendered = rendered.replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return rendered
