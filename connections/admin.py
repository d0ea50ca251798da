from django.contrib import admin
from django.db import models

from .models import Connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    # Secrets are not editable here (EncryptedTextField is editable=False) and never displayed.
    list_display = ["name", "merchant", "starweb_base_url", "specter_smb_id", "updated_at"]
    search_fields = ["name", "merchant__name"]
    # An address typed without a scheme is https (as Django 6 will assume), never plain http.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
