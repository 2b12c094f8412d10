"""`{% absolute_url 'name' arg … %}`: a link that leaves the site (e-mails), built from WORLDCLASS_PUBLIC_URL."""

from django import template
from django.urls import reverse

from worldclass.core.domain import absolute_url as build_absolute_url

register = template.Library()


@register.simple_tag
def absolute_url(view_name: str, *args, **kwargs) -> str:
    return build_absolute_url(reverse(view_name, args=args or None, kwargs=kwargs or None))
