"""What ReDoc's page adds to the Content-Security-Policy (heroes.api.docs).

The policies every page gets, and the style attributes DRF's templates need, are settings
(heroproject.policies): settings import no app code.
"""

# The <style> elements of ReDoc's bundle (drf-spectacular-sidecar): its scrollbar's
# stylesheet, and the empty ones that styled-components fills through the CSSOM, which
# the policy does not govern.
REDOC_STYLE_ELEMENTS = (
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
)
