"""Tables of the web application (the shared data model is in tawthiq.store.models)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A bearer token for the JSON API, made by `tawthiq token NAME`.

    Only the SHA-256 of the token is stored: a copy of the database gives no one
    access to the API. The raw token is shown once, when it is made.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    PREFIX = "tq_"

    def __str__(self):
        return f"{self.user} {self.name}".strip()

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "") -> tuple["ApiToken", str]:
        """Make a token for `user`; return the row and the raw token (not stored anywhere)."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, token_hash=cls.hash(raw), name=name), raw

    @classmethod
    def user_for(cls, raw: str):
        """The active user a raw token belongs to, or None; records when it was last used."""
        token = cls.objects.select_related("user").filter(token_hash=cls.hash(raw)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        # One write a minute at most: API reads should not turn into a stream of writes.
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used=now)
        return token.user


class AccessLog(models.Model):
    """One view of a protected record by someone allowed to see it (who, when, what, where).

    Written by `tawthiq.web.access.log_protected_view`; the audit trail a documentation
    group shows when asked who looked at a protected witness.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    when = models.DateTimeField(auto_now_add=True, db_index=True)
    model = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-when"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self):
        return f"{self.user} viewed {self.model} {self.object_id}"
