"""API authentication by ``Authorization: Token <secret>``, against hashed tokens."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions

from core.throttling import FailedAuthentication
from staffing.models import ApiToken
from staffing.services.tokens import api_token_digest, api_token_touch


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticate a request by the digest of its token's secret.

    Every failure counts against the client's address; an address that failed
    too often gets 429 for every token until its window ends.
    """

    keyword = "Token"

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None
        failures = FailedAuthentication(request)
        failures.refuse_if_exceeded()
        if len(words) != 2:
            failures.record()
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: send “Token <secret>”.")
            )
        try:
            secret = words[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=api_token_digest(secret))
            .first()
            if secret
            else None
        )
        if token is None or not token.user.is_active:
            failures.record()
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            failures.record()
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if token.expires_at <= now:
            failures.record()
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        api_token_touch(token=token, now=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describe the token header in the OpenAPI schema, as before (``tokenAuth``)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.keyword
        )
