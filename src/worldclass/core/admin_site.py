"""Django's admin, which imports the apps' `admin` modules when it is first used rather than at start-up.

Django's own AdminConfig imports every `admin` module in `ready()`, with the admin's forms and widgets: about 45 ms
of a warm `certify`, which never shows an admin page. This site discovers its model admins the first time it is
asked for its URLs, its checks or a model's admin, so every path that can use them still sees all of them.
"""

from __future__ import annotations

import threading

from django.contrib import admin
from django.contrib.admin.apps import SimpleAdminConfig


class AdminSite(admin.AdminSite):
    """The default admin site, discovering the `admin` modules on first use."""

    # Re-entrant: registering a model asks the site whether the model is registered, during the discovery.
    _discovery_lock = threading.RLock()
    _discovering = False
    _discovered = False

    def _discover(self) -> None:
        if self._discovered:
            return
        with self._discovery_lock:
            # Another thread's discovery finished while this one waited, or this thread is inside its own.
            if self._discovered or self._discovering:
                return
            self._discovering = True
            try:
                admin.autodiscover()
            finally:
                self._discovering = False
            self._discovered = True

    @property
    def urls(self):
        self._discover()
        return super().urls

    def check(self, app_configs):
        self._discover()
        return super().check(app_configs)

    def get_model_admin(self, model):
        self._discover()
        return super().get_model_admin(model)

    def is_registered(self, model):
        self._discover()
        return super().is_registered(model)


class AdminConfig(SimpleAdminConfig):
    """`django.contrib.admin` with the site above as `admin.site`."""

    default_site = "worldclass.core.admin_site.AdminSite"
